// The counter flow for one line: (1) checks — the card handed back (ICCID) or the eSIM profile, the ID
// document and the face, who applies and their documents; (2) the quote — conditions, payment at the
// counter, the penalty, the bill, the refund and how it is paid; (3) the reminders read to the
// customer; (4) the agreement, signed on screen, then submitted. The request is carried out at once.
import { RefundSummary } from '../../components/RefundSummary.tsx';
import { RefundRouteDetails } from '../../components/RefundRouteDetails.tsx';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Flex,
  Grid,
  Input,
  Popconfirm,
  Progress,
  Radio,
  Steps,
  AutoComplete,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CheckCircleFilled, ScanOutlined, StopOutlined, WarningOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import {
  getStoreQuote,
  isApiError,
  payAtCounter,
  submitStoreCancellation,
  type BillItem,
  type MandateType,
  type RefundRouteType,
  type StoreCustomer,
  type StoreLine,
  type StoreQuote,
} from '../../api.ts';
import { ErrorAlert, Loading } from '../../common.tsx';
import { SignaturePad, type SignaturePadHandle } from '../../components/SignaturePad.tsx';
import { formatFen, newUuid, pickName } from '../../format.ts';
import { useT, type Lang, type MessageKey } from '../../i18n.tsx';
import { loadFlow, reachableStep, saveFlow, saveLookup, stepFromParam } from './counter-progress.ts';
import { Agreement } from './Agreement.tsx';
import { DocumentsInput } from './DocumentsInput.tsx';
import {
  allowedMandates,
  amountToPay,
  buildRefundRoute,
  matchesMask,
  missingKinds,
  normaliseTyped,
  type PickedDocument,
  type RouteDraft,
} from './store-rules.ts';

const { Text, Paragraph } = Typography;
const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

const STEPS: MessageKey[] = ['store.step.checks', 'store.step.quote', 'store.step.acks', 'store.step.sign'];

export interface ChecksState {
  iccid: string;
  esimDeleted: boolean | null;
  idNumber: string;
  faceMatched: boolean;
  mandate: MandateType;
  applicantIdNumber: string;
  applicantName: string;
  relationship: string;
  documents: PickedDocument[];
}

/** Relationships a clerk picks from (or types another), by mandate. */
const RELATIONSHIPS: Record<Exclude<MandateType, 'owner'>, MessageKey[]> = {
  proxy: ['store.rel.relative', 'store.rel.friend', 'store.rel.colleague'],
  deceased_owner: ['store.rel.spouse', 'store.rel.child', 'store.rel.parent', 'store.rel.sibling'],
  company: ['store.rel.employee', 'store.rel.legalRep'],
};

/** What a non-owner applicant still has to give: name, ID number, relationship. */
export function applicantMissing(c: Pick<ChecksState, 'mandate' | 'applicantName' | 'applicantIdNumber' | 'relationship'>): Array<'name' | 'id' | 'relationship'> {
  if (c.mandate === 'owner') return [];
  return [
    ...(c.applicantName.trim() ? [] : (['name'] as const)),
    ...(c.applicantIdNumber.trim() ? [] : (['id'] as const)),
    ...(c.relationship.trim() ? [] : (['relationship'] as const)),
  ];
}

function LabelledField({ id, label, wide, children }: { id: string; label: string; wide?: boolean; children: ReactNode }) {
  return (
    <Flex vertical gap={4} style={{ flex: wide ? '1 1 220px' : '1 1 180px', maxWidth: wide ? 320 : 260 }}>
      <label htmlFor={id}>
        <Text>{label}</Text>
      </label>
      {children}
    </Flex>
  );
}

interface Props {
  customer: StoreCustomer;
  line: StoreLine;
  onBack: () => void;
}

export function CounterFlow({ customer, line, onBack }: Props) {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const { message } = AntApp.useApp();
  const pad = useRef<SignaturePadHandle | null>(null);

  const [params, setParams] = useSearchParams();
  const askedStep = stepFromParam(params.get('step'), STEPS.length - 1);
  const saved = useMemo(() => loadFlow(line.id), [line.id]);
  const [idempotencyKey, setIdempotencyKey] = useState(newUuid);
  const [checks, setChecks] = useState<ChecksState>(() => ({
    iccid: '',
    esimDeleted: null,
    idNumber: '',
    faceMatched: false,
    mandate: allowedMandates(customer)[0],
    applicantIdNumber: '',
    applicantName: '',
    relationship: '',
    ...(saved?.checks as Partial<ChecksState> | undefined),
    documents: [], // scans are never kept
  }));
  const [acceptPenalty, setAcceptPenalty] = useState(saved?.acceptPenalty ?? false);
  const [draft, setDraft] = useState<RouteDraft>({
    type: (saved?.route.type as RouteDraft['type']) ?? null,
    accountName: saved?.route.accountName ?? '',
    bankAccount: '', // a bank account number is not kept
    bankName: saved?.route.bankName ?? '',
  });
  const [acks, setAcks] = useState<ReadonlySet<string>>(() => new Set(saved?.acks ?? []));
  const [agreementLang, setAgreementLang] = useState<Lang>(() => (saved?.agreementLang === 'en' || saved?.agreementLang === 'zh-CN' ? saved.agreementLang : t.lang));
  const [signed, setSigned] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [email, setEmail] = useState(saved?.email ?? '');
  useEffect(() => {
    saveFlow(line.id, {
      checks: { ...checks },
      acceptPenalty,
      route: { type: draft.type, accountName: draft.accountName, bankName: draft.bankName },
      acks: [...acks],
      agreementLang,
      email,
    });
  }, [line.id, checks, acceptPenalty, draft.type, draft.accountName, draft.bankName, acks, agreementLang, email]);

  const quoteKey = ['store-quote', line.id, acceptPenalty, t.lang] as const;
  const quote = useQuery({
    queryKey: quoteKey,
    queryFn: () => getStoreQuote(line.id, acceptPenalty),
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
  const q = quote.data;

  const physical = line.formFactor === 'physical';
  const lost = line.status === 'lost';
  const iccidState = matchesMask(checks.iccid, line.maskedIccid);
  const idState = matchesMask(checks.idNumber, customer.maskedIdNumber);
  const missing = missingKinds(checks.mandate, checks.documents);
  const cardOk = physical
    ? (lost && !checks.iccid.trim()) || iccidState === 'match'
    : checks.esimDeleted !== null;
  const checksOk = cardOk && idState === 'match' && checks.faceMatched && missing.length === 0 && applicantMissing(checks).length === 0;

  const required = q?.requiredAcknowledgements ?? [];
  const allAcked = required.every((c) => acks.has(c));
  const routeChoice: RefundRouteType | null = q ? (draft.type ?? q.refundRoutes[0]?.type ?? null) : null;
  const route = q ? buildRefundRoute({ ...draft, type: routeChoice }, q) : null;
  // The URL says which step; never past the first one whose input is incomplete (after a reload, say).
  const step = reachableStep(askedStep, { checks: checksOk, quote: !!q && q.eligible && route !== null, acks: !!q && allAcked });

  const pay = useMutation({
    mutationFn: (method: 'store_cash' | 'store_pos') => payAtCounter(line.id, method, acceptPenalty),
    onSuccess: async (res) => {
      message.success(t('store.quote.paid', { amount: formatFen(res.paidFen) }));
      await qc.invalidateQueries({ queryKey: ['store-quote', line.id] });
    },
  });

  const submit = useMutation({
    mutationFn: () => {
      const signaturePng = pad.current?.toPngBase64();
      if (!signaturePng || !q || !route) throw new Error(t('sign.required'));
      return submitStoreCancellation(
        {
          lineId: line.id,
          quoteVersion: String(q.version),
          ...(physical ? (checks.iccid.trim() ? { iccidScanned: normaliseTyped(checks.iccid) } : {}) : { esimProfileDeleted: checks.esimDeleted === true }),
          identityCheck: { idNumber: normaliseTyped(checks.idNumber), faceMatched: checks.faceMatched },
          mandate: {
            type: checks.mandate,
            ...(checks.documents.length
              ? { documents: checks.documents.map((d) => ({ kind: d.kind, name: d.name, contentBase64: d.contentBase64 })) }
              : {}),
            ...(checks.mandate !== 'owner' && checks.applicantIdNumber.trim()
              ? { applicantIdNumber: normaliseTyped(checks.applicantIdNumber), applicantName: checks.applicantName.trim(), relationship: checks.relationship.trim() }
              : {}),
          },
          acknowledgements: required.filter((c) => acks.has(c)),
          refundRoute: route,
          signaturePng,
          ...(acceptPenalty ? { acceptPenalty: true } : {}),
          lang: agreementLang,
          ...(email.trim() ? { email: email.trim() } : {}),
        },
        idempotencyKey,
      );
    },
    onSuccess: async (res) => {
      await qc.invalidateQueries({ queryKey: ['store-history'] });
      saveFlow(line.id, null);
      saveLookup(null);
      navigate(`/staff/store/requests/${res.id}`);
    },
    onError: async (err) => {
      if (!isApiError(err) || err.status === 0 || err.status >= 500) return; // same key: safe to retry
      setIdempotencyKey(newUuid());
      switch (err.code) {
        case 'iccid_mismatch':
        case 'identity_mismatch':
        case 'documents_missing':
        case 'invalid_document':
        case 'invalid_identifier':
          if ((err.details as { field?: string } | undefined)?.field === 'signaturePng') break;
          setNotice(t('store.submit.fixChecks'));
          go(0);
          break;
        case 'quote_stale':
        case 'not_eligible':
          setNotice(t('submit.stale'));
          await qc.invalidateQueries({ queryKey: ['store-quote', line.id] });
          go(1);
          break;
        case 'acknowledgements_missing':
          go(2);
          break;
        default:
          break;
      }
    },
  });

  const canNext =
    (step === 0 && checksOk) ||
    (step === 1 && !!q && !quote.isFetching && q.eligible && route !== null) ||
    (step === 2 && !!q && allAcked);

  function go(to: number) {
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (to > 0) next.set('step', String(to));
      else next.delete('step');
      return next;
    });
    window.scrollTo({ top: 0 });
  }

  const lineSummary = (
    <Flex gap={8} align="center" wrap>
      <Text strong style={{ fontSize: 16, ...mono }} data-testid="flow-msisdn">
        {line.maskedMsisdn}
      </Text>
      <Text type="secondary">
        {pickName(line.carrierName, t.lang)} · {physical ? t('line.physical') : t('line.esim')} · {customer.maskedName}
      </Text>
      {line.outOfProvince ? (
        <Tag color="volcano">
          {t('store.lines.outOfProvince', { province: line.homeProvinceName ? pickName(line.homeProvinceName, t.lang) : line.homeProvince ?? '' })}
        </Tag>
      ) : null}
    </Flex>
  );

  return (
    <Flex vertical gap={16} data-testid="counter-flow">
      <div>
        <Button type="link" onClick={onBack} style={{ padding: 0 }} data-testid="flow-back-to-lines">
          ← {t('store.flow.otherLine')}
        </Button>
        <div style={{ marginTop: 4 }}>{lineSummary}</div>
      </div>

      {screens.md ? (
        <Steps current={step} size="small" items={STEPS.map((k) => ({ title: t(k) }))} style={{ maxWidth: 860 }} />
      ) : (
        <div data-testid="flow-progress">
          <Text strong>
            {t('wizard.stepOf', { i: step + 1, n: STEPS.length })} · {t(STEPS[step])}
          </Text>
          <Progress percent={((step + 1) / STEPS.length) * 100} showInfo={false} size="small" aria-label={t('wizard.stepOf', { i: step + 1, n: STEPS.length })} />
        </div>
      )}

      {notice ? <Alert type="warning" showIcon closable={{ onClose: () => setNotice(null) }} title={notice} /> : null}

      <div data-testid={`flow-step-${step}`}>
        {step === 0 && q && q.blockers.length ? (
          <Alert
            type="warning"
            showIcon
            data-testid="early-blockers"
            style={{ marginBottom: 12 }}
            title={t('store.blockersEarly')}
            description={
              <Flex vertical gap={4}>
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {q.blockers.map((b) => (
                    <li key={b.code} data-testid={`early-blocker-${b.code}`}>
                      {b.message}
                      {b.remedy ? <Text type="secondary">{` ${b.remedy}`}</Text> : null}
                    </li>
                  ))}
                </ul>
                <Text type="secondary">{t('store.blockersEarlyHint')}</Text>
              </Flex>
            }
          />
        ) : null}
        {step === 0 ? (
          <ChecksStep customer={customer} line={line} checks={checks} setChecks={setChecks} />
        ) : null}

        {step >= 1 && !q && quote.isPending ? <Loading /> : null}
        {step >= 1 && quote.isError ? (
          <ErrorAlert error={quote.error} action={<Button onClick={() => quote.refetch()}>{t('common.retry')}</Button>} />
        ) : null}

        {step === 1 && q ? (
          <QuoteStep
            quote={q}
            refreshing={quote.isFetching}
            acceptPenalty={acceptPenalty}
            onAcceptPenalty={() => setAcceptPenalty(true)}
            onPay={(m) => pay.mutate(m)}
            paying={pay.isPending ? (pay.variables ?? null) : null}
            payError={pay.error}
            onRequote={() => quote.refetch()}
            draft={{ ...draft, type: routeChoice }}
            setDraft={setDraft}
          />
        ) : null}

        {step === 2 && q ? <AcksStep quote={q} acks={acks} setAcks={setAcks} /> : null}

        {step === 3 && q ? (
          <Flex vertical gap={16} style={{ maxWidth: 860 }}>
            <Agreement
              lang={agreementLang}
              setLang={setAgreementLang}
              customer={customer}
              line={line}
              checks={checks}
              quote={q}
              route={route}
              acks={required}
              quoteLang={t.lang}
            />
            <Card size="small" title={<label htmlFor="store-contact-email">{t('wizard.email.label')}</label>}>
              <Input
                id="store-contact-email"
                data-testid="contact-email"
                type="email"
                autoComplete="off"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                maxLength={254}
                style={{ maxWidth: 360 }}
              />
              <div><Text type="secondary">{t('wizard.email.help')}</Text></div>
            </Card>
            <Card size="small" title={t('sign.title')}>
              <Paragraph type="secondary" style={{ marginTop: 0 }}>
                {t('sign.intro')}
              </Paragraph>
              <SignaturePad ref={pad} onChange={setSigned} disabled={submit.isPending} />
            </Card>
            {submit.isError ? <ErrorAlert error={submit.error} testId="store-submit-error" /> : null}
          </Flex>
        ) : null}
      </div>

      <Flex gap={12} justify="space-between" style={{ maxWidth: 860 }}>
        <Button onClick={() => (step === 0 ? onBack() : go(step - 1))} disabled={submit.isPending} data-testid="flow-back">
          {t('wizard.back')}
        </Button>
        {step < STEPS.length - 1 ? (
          <Button type="primary" onClick={() => go(step + 1)} disabled={!canNext} data-testid="flow-next">
            {t('wizard.next')}
          </Button>
        ) : (
          <Button
            type="primary"
            danger
            onClick={() => submit.mutate()}
            loading={submit.isPending}
            disabled={!q || !q.eligible || !route || !allAcked || !signed || !checksOk}
            data-testid="store-submit"
          >
            {t('store.submit.button')}
          </Button>
        )}
      </Flex>
    </Flex>
  );
}

// ---------------------------------------------------------------- (1) checks

function ChecksStep({
  customer,
  line,
  checks,
  setChecks,
}: {
  customer: StoreCustomer;
  line: StoreLine;
  checks: ChecksState;
  setChecks: (next: ChecksState) => void;
}) {
  const t = useT();
  const set = (patch: Partial<ChecksState>) => setChecks({ ...checks, ...patch });
  const physical = line.formFactor === 'physical';
  const lost = line.status === 'lost';
  const iccidState = matchesMask(checks.iccid, line.maskedIccid);
  const idState = matchesMask(checks.idNumber, customer.maskedIdNumber);
  const mandates = allowedMandates(customer);

  return (
    <Flex vertical gap={16} style={{ maxWidth: 860 }}>
      <Card size="small" title={physical ? t('store.card.title') : t('store.esim.title')}>
        {physical ? (
          <Flex vertical gap={8}>
            <Paragraph style={{ margin: 0 }}>{lost ? t('store.card.lostIntro') : t('store.card.intro')}</Paragraph>
            <Text type="secondary">
              {t('store.card.expected')} <span style={mono}>{line.maskedIccid}</span>
            </Text>
            <Input
              data-testid="iccid-input"
              size="large"
              prefix={<ScanOutlined />}
              value={checks.iccid}
              onChange={(e) => set({ iccid: e.target.value })}
              placeholder={t('store.card.placeholder')}
              aria-label={t('line.iccid')}
              autoComplete="off"
              inputMode="numeric"
              maxLength={30}
              status={iccidState === 'mismatch' ? 'error' : undefined}
              style={{ maxWidth: 420, ...mono }}
            />
            {iccidState === 'match' ? (
              <Text type="success" data-testid="iccid-match">
                <CheckCircleFilled /> {t('store.card.match')}
              </Text>
            ) : null}
            {iccidState === 'mismatch' ? (
              <Text type="danger" data-testid="iccid-mismatch">
                <StopOutlined /> {t('store.card.mismatch')}
              </Text>
            ) : null}
          </Flex>
        ) : (
          <Flex vertical gap={8}>
            <Paragraph style={{ margin: 0 }}>{t('store.esim.intro')}</Paragraph>
            <Radio.Group
              data-testid="esim-deleted"
              value={checks.esimDeleted === null ? undefined : checks.esimDeleted ? 'yes' : 'no'}
              onChange={(e) => set({ esimDeleted: e.target.value === 'yes' })}
              orientation="vertical"
              options={[
                { value: 'yes', label: <span data-testid="esim-deleted-yes">{t('store.esim.deleted')}</span> },
                { value: 'no', label: <span data-testid="esim-deleted-no">{t('store.esim.notDeleted')}</span> },
              ]}
            />
          </Flex>
        )}
      </Card>

      <Card size="small" title={t('store.mandate.title')}>
        <Flex vertical gap={12}>
          <Radio.Group
            data-testid="mandate"
            value={checks.mandate}
            onChange={(e) => set({ mandate: e.target.value as MandateType, documents: [] })}
            orientation="vertical"
            options={mandates.map((m) => ({
              value: m,
              label: <span data-testid={`mandate-${m}`}>{t.dyn(`mandate.${m}`, m)}</span>,
            }))}
          />
          {checks.mandate === 'deceased_owner' && !customer.deceased ? (
            <Alert type="info" showIcon title={t('store.mandate.deathNotOnRecord')} />
          ) : null}
          {checks.mandate !== 'owner' ? (
            <Flex gap={12} wrap data-testid="applicant-fields">
              <LabelledField id="applicant-name" label={t('store.mandate.applicantName')}>
                <Input
                  id="applicant-name"
                  data-testid="applicant-name"
                  value={checks.applicantName}
                  onChange={(e) => set({ applicantName: e.target.value })}
                  autoComplete="off"
                  maxLength={50}
                  aria-required
                />
              </LabelledField>
              <LabelledField id="applicant-id" label={t('store.mandate.applicantId')} wide>
                <Input
                  id="applicant-id"
                  data-testid="applicant-id"
                  value={checks.applicantIdNumber}
                  onChange={(e) => set({ applicantIdNumber: e.target.value })}
                  autoComplete="off"
                  aria-required
                  style={mono}
                />
              </LabelledField>
              <LabelledField id="applicant-relationship" label={t('store.mandate.relationship')}>
                <AutoComplete
                  id="applicant-relationship"
                  data-testid="applicant-relationship"
                  value={checks.relationship}
                  onChange={(v: string) => set({ relationship: v })}
                  options={RELATIONSHIPS[checks.mandate].map((k) => ({ value: t(k) }))}
                  aria-required
                  maxLength={30}
                />
              </LabelledField>
              {applicantMissing(checks).length ? (
                <Text type="secondary" style={{ flexBasis: '100%' }} data-testid="applicant-missing">
                  {t('store.mandate.applicantRequired')}
                </Text>
              ) : null}
            </Flex>
          ) : null}
          <DocumentsInput mandate={checks.mandate} documents={checks.documents} onChange={(documents) => set({ documents })} />
        </Flex>
      </Card>

      <Card size="small" title={t('store.identity.title')}>
        <Flex vertical gap={8}>
          <Paragraph style={{ margin: 0 }}>
            {customer.kind === 'company' ? t('store.identity.introCompany') : t('store.identity.intro')}
          </Paragraph>
          <Text type="secondary">
            {t('store.identity.expected', { type: t.dyn(`idType.${customer.idType}`, customer.idType) })}{' '}
            <span style={mono}>{customer.maskedIdNumber}</span>
          </Text>
          <Input
            data-testid="id-number-input"
            size="large"
            value={checks.idNumber}
            onChange={(e) => set({ idNumber: e.target.value })}
            placeholder={t('store.identity.placeholder')}
            aria-label={t('store.customer.idNumber')}
            autoComplete="off"
            maxLength={40}
            status={idState === 'mismatch' ? 'error' : undefined}
            style={{ maxWidth: 420, ...mono }}
          />
          {idState === 'match' ? (
            <Text type="success" data-testid="id-match">
              <CheckCircleFilled /> {t('store.identity.match')}
            </Text>
          ) : null}
          {idState === 'mismatch' ? (
            <Text type="danger" data-testid="id-mismatch">
              <StopOutlined /> {t('store.identity.mismatch')}
            </Text>
          ) : null}
          <Checkbox
            data-testid="face-matched"
            checked={checks.faceMatched}
            onChange={(e) => set({ faceMatched: e.target.checked })}
          >
            {checks.mandate === 'owner' ? t('store.identity.face') : t('store.identity.faceApplicant')}
          </Checkbox>
        </Flex>
      </Card>
    </Flex>
  );
}

// ---------------------------------------------------------------- (2) quote, payment, refund

interface QuoteStepProps {
  quote: StoreQuote;
  refreshing: boolean;
  acceptPenalty: boolean;
  onAcceptPenalty: () => void;
  onPay: (method: 'store_cash' | 'store_pos') => void;
  paying: 'store_cash' | 'store_pos' | null;
  payError: unknown;
  onRequote: () => void;
  draft: RouteDraft;
  setDraft: (d: RouteDraft) => void;
}

function QuoteStep(p: QuoteStepProps) {
  const t = useT();
  const { quote } = p;
  const payable = quote.blockers.some((b) => b.remedyAction === 'pay_outstanding');
  const due = amountToPay(quote);
  const shortfall = Math.max(0, quote.refund.shortfallFen ?? 0);
  const arrears = due - shortfall;

  return (
    <Flex vertical gap={16} style={{ maxWidth: 860 }}>
      {quote.eligible ? (
        <Alert type="success" showIcon icon={<CheckCircleFilled />} title={t('checks.eligible')} data-testid="eligible" />
      ) : (
        <Alert type="error" showIcon icon={<StopOutlined />} title={t('store.quote.blocked')} data-testid="not-eligible" />
      )}

      {quote.forwarding ? (
        <Alert
          type="info"
          showIcon
          data-testid="forwarding"
          title={t('store.quote.forwarded', { province: quote.forwarding.provinceName, days: quote.forwarding.slaDays })}
          description={quote.forwarding.message}
        />
      ) : null}

      {quote.blockers.map((b) => {
        const storeAction = b.remedyAction === 'pay_outstanding' || b.remedyAction === 'accept_penalty';
        return (
          <Card key={b.code} size="small" data-testid={`blocker-${b.code}`} style={{ borderColor: '#ffccc7' }}>
            <Flex vertical gap={8}>
              <Text strong>{b.message}</Text>
              {!storeAction && b.remedy ? (
                <Text>
                  <Text type="secondary">{t('checks.remedy')}</Text> {b.remedy}
                </Text>
              ) : null}
              {b.remedyAction === 'accept_penalty' ? (
                <div>
                  <Button type="primary" onClick={p.onAcceptPenalty} data-testid="accept-penalty">
                    {t('store.quote.acceptPenalty')}
                  </Button>
                </div>
              ) : null}
            </Flex>
          </Card>
        );
      })}

      {payable ? (
        <Card size="small" title={t('store.pay.title')} data-testid="pay-box">
          <Flex vertical gap={8}>
            <Text>
              {t('store.pay.due')} <Text strong style={{ fontSize: 18 }} data-testid="pay-amount">{formatFen(due)}</Text>
            </Text>
            {arrears > 0 && shortfall > 0 ? (
              <Text type="secondary" data-testid="pay-breakdown">
                {t('store.pay.breakdown', { arrears: formatFen(arrears), shortfall: formatFen(shortfall) })}
              </Text>
            ) : null}
            <Flex gap={8} wrap>
              {(['store_cash', 'store_pos'] as const).map((m) => (
                <Popconfirm
                  key={m}
                  title={t(m === 'store_cash' ? 'store.pay.confirmCash' : 'store.pay.confirmPos', { amount: formatFen(due) })}
                  onConfirm={() => p.onPay(m)}
                  okButtonProps={{ 'data-testid': `pay-confirm-${m}` }}
                >
                  <Button type={m === 'store_cash' ? 'primary' : 'default'} loading={p.paying === m} disabled={p.paying !== null} data-testid={`pay-${m}`}>
                    {t(m === 'store_cash' ? 'store.pay.cash' : 'store.pay.pos')}
                  </Button>
                </Popconfirm>
              ))}
            </Flex>
          </Flex>
        </Card>
      ) : null}
      {p.payError ? <ErrorAlert error={p.payError} testId="pay-error" /> : null}
      {p.acceptPenalty ? (
        <Alert type="info" showIcon title={t('checks.penaltyAccepted')} data-testid="penalty-accepted" />
      ) : null}
      {!quote.eligible ? (
        <div>
          <Button onClick={p.onRequote} loading={p.refreshing} data-testid="requote">
            {t('checks.requote')}
          </Button>
        </div>
      ) : null}

      {quote.warnings.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          icon={<WarningOutlined />}
          title={t('checks.warnings')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {quote.warnings.map((w) => (
                <li key={w.code} data-testid={`warning-${w.code}`}>
                  {w.message}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}

      <MoneyCards quote={quote} draft={p.draft} setDraft={p.setDraft} />
    </Flex>
  );
}

function MoneyCards({ quote, draft, setDraft }: { quote: StoreQuote; draft: RouteDraft; setDraft: (d: RouteDraft) => void }) {
  const t = useT();
  const r = quote.refund;
  const selected = quote.refundRoutes.find((x) => x.type === draft.type);
  return (
    <>
      <Card size="small" title={t('bill.title')}>
        <Table<BillItem>
          data-testid="bill-table"
          size="small"
          pagination={false}
          rowKey="code"
          dataSource={quote.bill.items}
          locale={{ emptyText: t('bill.empty') }}
          columns={[
            { title: t('bill.item'), dataIndex: 'label', key: 'label' },
            { title: t('bill.amount'), dataIndex: 'amountFen', key: 'amount', align: 'right', render: (v: number) => formatFen(v) },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <Text strong>{t('bill.total')}</Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                <Text strong data-testid="bill-total">
                  {formatFen(quote.bill.totalFen)}
                </Text>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
        {quote.penalty?.applies ? (
          <Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
            {t('store.quote.penalty', { amount: formatFen(quote.penalty.amountFen) })}{' '}
            {quote.penalty.accepted ? <Tag color="blue">{t('store.quote.penaltyAccepted')}</Tag> : null}
          </Text>
        ) : null}
      </Card>

      <RefundSummary refund={r} refundableLabel={t('store.quote.refundable')} />

      {r.refundableFen > 0 ? (
        <Card size="small" title={t('refund.route')}>
          <Radio.Group
            data-testid="refund-route"
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.target.value as RefundRouteType })}
            orientation="vertical"
            options={quote.refundRoutes.map((o) => ({
              value: o.type,
              label: <span data-testid={`route-${o.type}`}>{o.label || t.dyn(`refund.route.${o.type}`, o.type)}</span>,
            }))}
          />
          {draft.type === 'cash' ? (
            <Alert
              type="info"
              showIcon
              style={{ marginTop: 12 }}
              data-testid="cash-refund-note"
              title={t('store.refund.cashNow', { amount: formatFen(r.refundableFen) })}
            />
          ) : null}
          <RefundRouteDetails draft={draft} setDraft={setDraft} lines={selected?.lines ?? []} />
        </Card>
      ) : (
        <Text type="secondary">{t('refund.none')}</Text>
      )}
    </>
  );
}

// ---------------------------------------------------------------- (3) reminders read to the customer

function AcksStep({
  quote,
  acks,
  setAcks,
}: {
  quote: StoreQuote;
  acks: ReadonlySet<string>;
  setAcks: (next: ReadonlySet<string>) => void;
}) {
  const t = useT();
  const toggle = (code: string, on: boolean) => {
    const next = new Set(acks);
    if (on) next.add(code);
    else next.delete(code);
    setAcks(next);
  };
  const warningByCode = new Map(quote.warnings.map((w) => [w.code, w.message]));
  return (
    <Card size="small" title={t('store.acks.title')} style={{ maxWidth: 860 }}>
      <Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('store.acks.intro')}
      </Paragraph>
      <Flex vertical gap={12}>
        {quote.requiredAcknowledgements.map((code) => {
          const detail = warningByCode.get(code);
          const text = quote.acknowledgementTexts?.[code] ?? t.dyn(`ack.${code}`, detail ?? code);
          return (
            <Checkbox
              key={code}
              data-testid={`ack-${code}`}
              checked={acks.has(code)}
              styles={{ icon: { alignSelf: 'flex-start', marginTop: 3 } }}
              onChange={(e) => toggle(code, e.target.checked)}
            >
              <span style={{ fontSize: 15 }}>{text}</span>
              {detail && detail !== text ? (
                <Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {detail}
                </Text>
              ) : null}
            </Checkbox>
          );
        })}
        {quote.requiredAcknowledgements.length === 0 ? <Text type="secondary">{t('store.acks.none')}</Text> : null}
      </Flex>
    </Card>
  );
}
