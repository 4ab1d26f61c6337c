import { useEffect, useState } from 'react';
import { RefundSummary } from '../components/RefundSummary.tsx';
import { RefundRouteDetails } from '../components/RefundRouteDetails.tsx';
import { PayDialog, type PayChoice } from '../components/PayDialog.tsx';
import { buildRefundRoute, type RouteDraft } from '../refund-route.ts';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Grid,
  Input,
  Progress,
  Radio,
  Result,
  Steps,
  Table,
  Typography,
} from 'antd';
import { CheckCircleFilled, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import {
  forwardToMvno,
  getLines,
  getQuote,
  isApiError,
  payArrears,
  submitCancellation,
  type Blocker,
  type BillItem,
  type Line,
  type Quote,
  type RefundRoute,
  type RefundRouteType,
} from '../api.ts';
import { ErrorAlert, Loading, StatusTag } from '../common.tsx';
import { Hotline, LineCard } from '../components/LineCard.tsx';
import { StoreList } from '../components/StoreList.tsx';
import { PortalHeading } from '../components/PortalHeading.tsx';
import { colon, formatFen, formatMsisdn, last4, newUuid, pickName } from '../format.ts';
import { useT, type MessageKey, type TFunction } from '../i18n.tsx';
import { clearAnswers, useWizardAnswers, useWizardStep } from './wizard-progress.ts';

const { Title, Text, Paragraph } = Typography;

const STEPS: MessageKey[] = [
  'wizard.step.facts',
  'wizard.step.checks',
  'wizard.step.bill',
  'wizard.step.confirm',
  'wizard.step.submit',
];

export default function Wizard() {
  const t = useT();
  const { lineId } = useParams();
  const lines = useQuery({ queryKey: ['lines'], queryFn: getLines });
  if (lines.isPending) return <Loading />;
  if (lines.isError) return <ErrorAlert error={lines.error} />;
  const line = lines.data.lines.find((l) => l.id === lineId);
  const back = (
    <Link to="/portal">
      <Button>{t('request.backToLines')}</Button>
    </Link>
  );
  if (!line) return <Result status="404" title={t('wizard.lineNotFound')} extra={back} />;
  if (line.status === 'cancelled' || line.liveRequest?.status === 'completed') {
    return (
      <Result
        status="info"
        title={t('wizard.isCancelled')}
        extra={
          line.liveRequest ? (
            <Link to={`/portal/requests/${line.liveRequest.id}`} data-testid="live-request-link">
              <Button type="primary">{t('submit.viewLive')}</Button>
            </Link>
          ) : (
            back
          )
        }
      />
    );
  }
  if (line.liveRequest) {
    return (
      <Result
        status="info"
        title={t('wizard.alreadyLive')}
        subTitle={<StatusTag status={line.liveRequest.status} />}
        extra={
          <Link to={`/portal/requests/${line.liveRequest.id}`} data-testid="live-request-link">
            <Button type="primary">{t('submit.viewLive')}</Button>
          </Link>
        }
      />
    );
  }
  return <WizardFlow line={line} />;
}


function WizardFlow({ line }: { line: Line }) {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const { message, modal } = AntApp.useApp();

  // The step is in the URL; the answers survive a reload (sessionStorage, this tab only).
  const [step, setStep] = useWizardStep();
  const [answers, update] = useWizardAnswers(line.id);
  // One key per wizard, so a retried submit after a network failure cannot create two requests.
  const { idempotencyKey, acceptPenalty, email, draft } = answers;
  const setIdempotencyKey = (k: string) => update({ idempotencyKey: k });
  const setAcceptPenalty = (v: boolean) => update({ acceptPenalty: v });
  const acks: ReadonlySet<string> = new Set(answers.acks);
  const setAcks = (next: ReadonlySet<string>) => update({ acks: [...next] });
  const setDraft = (d: RouteDraft) => update({ draft: d });
  const setEmail = (v: string) => update({ email: v });
  const [confirm4, setConfirm4] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [ticket, setTicket] = useState<string | null>(null);

  const quote = useQuery({
    queryKey: ['quote', line.id, acceptPenalty, t.lang],
    queryFn: () => getQuote(line.id, acceptPenalty),
    enabled: step >= 1,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
  const q = quote.data;

  const required = q?.requiredAcknowledgements ?? [];
  const allAcked = required.every((c) => acks.has(c));
  const routeChoice = q ? (draft.type ?? q.refundRoutes[0]?.type ?? null) : null;
  const route = q ? buildRefundRoute({ ...draft, type: routeChoice }, q) : null;
  const confirmOk = confirm4 === last4(line.msisdn);

  const [payOpen, setPayOpen] = useState(false);
  const pay = useMutation({
    mutationFn: (choice: PayChoice) => payArrears(line.id, acceptPenalty, choice),
    onSuccess: async (res) => {
      setPayOpen(false);
      message.success(res.paidFen > 0 ? t('checks.paidAmount', { amount: formatFen(res.paidFen) }) : t('checks.paid'));
      await qc.invalidateQueries({ queryKey: ['quote', line.id] });
    },
  });
  const forward = useMutation({
    mutationFn: () => forwardToMvno(line.id),
    onSuccess: async (res) => {
      setTicket(ticketText(res.ticket));
      await qc.invalidateQueries({ queryKey: ['lines'] });
    },
  });
  const submit = useMutation({
    mutationFn: () =>
      submitCancellation(
        {
          lineId: line.id,
          quoteVersion: q!.version,
          acknowledgements: required.filter((c) => acks.has(c)),
          confirmLast4: confirm4,
          refundRoute: route!,
          ...(acceptPenalty ? { acceptPenalty: true } : {}),
          ...(email.trim() ? { email: email.trim() } : {}),
        },
        idempotencyKey,
      ),
    onSuccess: async (res) => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['lines'] }),
        qc.invalidateQueries({ queryKey: ['my-cancellations'] }),
      ]);
      clearAnswers(line.id);
      navigate(`/portal/requests/${res.id}`, { state: { justSubmitted: true }, replace: true });
    },
    onError: async (err) => {
      if (!isApiError(err) || err.status === 0 || err.status >= 500) return; // safe to retry with the same key
      // The server refused this attempt; a corrected attempt is a new request.
      setIdempotencyKey(newUuid());
      if (err.code === 'quote_stale' || err.code === 'not_eligible') {
        setNotice(t('submit.stale'));
        await qc.invalidateQueries({ queryKey: ['quote', line.id] });
        setStep(1);
      } else if (err.code === 'acknowledgements_missing') {
        setStep(1);
      } else if (err.code === 'confirmation_mismatch') {
        setStep(3);
      } else if (err.code === 'already_requested') {
        await qc.invalidateQueries({ queryKey: ['lines'] });
      }
    },
  });

  const canNext =
    step === 0 ||
    (step === 1 && !!q && !quote.isFetching && q.eligible && allAcked) ||
    (step === 2 && !!q && route !== null) ||
    (step === 3 && confirmOk);

  const go = (to: number) => {
    setStep(to);
    window.scrollTo({ top: 0 });
  };

  // A step reached by the URL (reload, a link, Forward) that the answers do not allow yet goes back
  // to the first step that still needs something (ticks lost, a changed quote, the typed digits).
  const reachable = (() => {
    if (!q || quote.isFetching) return step;
    if (!(q.eligible && allAcked)) return Math.min(step, 1);
    if (route === null) return Math.min(step, 2);
    if (!confirmOk) return Math.min(step, 3);
    return step;
  })();
  useEffect(() => {
    if (reachable < step) setStep(reachable, { replace: true });
  }, [reachable, step, setStep]);

  return (
    <Flex vertical gap={20}>
      <PortalHeading>{t('wizard.title', { msisdn: formatMsisdn(line.msisdn) })}</PortalHeading>

      {screens.md ? (
        <Steps current={step} size="small" items={STEPS.map((k) => ({ title: t(k) }))} />
      ) : (
        <div data-testid="wizard-progress">
          <Text strong>
            {t('wizard.stepOf', { i: step + 1, n: STEPS.length })} · {t(STEPS[step])}
          </Text>
          <Progress percent={((step + 1) / STEPS.length) * 100} showInfo={false} size="small" aria-label={t('wizard.stepOf', { i: step + 1, n: STEPS.length })} />
        </div>
      )}

      {notice ? <Alert type="warning" showIcon closable={{ onClose: () => setNotice(null) }} title={notice} /> : null}

      <div data-testid={`wizard-step-${step}`}>
        {step === 0 ? (
          <Flex vertical gap={12}>
            <Paragraph style={{ margin: 0 }}>{t('wizard.factsIntro')}</Paragraph>
            <div style={{ maxWidth: 560 }}>
              <LineCard line={line} />
            </div>
            <Text type="secondary">
              {t('line.carrier')}
              {colon(t.lang)}
              {pickName(line.carrierName, t.lang)}
            </Text>
          </Flex>
        ) : null}

        {step >= 1 && !q && quote.isPending ? <Loading /> : null}
        {step >= 1 && quote.isError ? (
          <ErrorAlert
            error={quote.error}
            action={<Button onClick={() => quote.refetch()}>{t('common.retry')}</Button>}
          />
        ) : null}

        {step === 1 && q ? (
          <Checks
            quote={q}
            acks={acks}
            setAcks={setAcks}
            refreshing={quote.isFetching}
            acceptPenalty={acceptPenalty}
            onPay={() => {
              pay.reset();
              setPayOpen(true);
            }}
            paying={pay.isPending}
            payError={payOpen ? null : pay.error}
            onAcceptPenalty={() => setAcceptPenalty(true)}
            onForward={() => forward.mutate()}
            forwarding={forward.isPending}
            forwardError={forward.error}
            ticket={ticket}
            onRequote={() => quote.refetch()}
            mvnoName={line.mvno ? pickName(line.mvno.name, t.lang) : null}
            line={line}
          />
        ) : null}

        {q?.payment ? (
          <PayDialog
            open={payOpen}
            payment={q.payment}
            paying={pay.isPending}
            error={pay.error}
            onPay={(choice) => pay.mutate(choice)}
            onCancel={() => setPayOpen(false)}
          />
        ) : null}

        {step === 2 && q ? (
          <BillAndRefund quote={q} draft={{ ...draft, type: routeChoice }} setDraft={setDraft} />
        ) : null}

        {step === 3 ? (
          <Card style={{ maxWidth: 760 }}>
            <Paragraph>{t('confirm.intro', { msisdn: formatMsisdn(line.msisdn) })}</Paragraph>
            <label htmlFor="confirm-last4">
              <Text strong>{t('confirm.last4')}</Text>
            </label>
            <Input
              id="confirm-last4"
              data-testid="confirm-last4"
              value={confirm4}
              onChange={(e) => setConfirm4(e.target.value.replace(/\D/g, '').slice(0, 4))}
              inputMode="numeric"
              autoComplete="off"
              maxLength={4}
              size="large"
              status={confirm4.length === 4 && !confirmOk ? 'error' : undefined}
              style={{ maxWidth: 200, display: 'block', marginTop: 8, letterSpacing: 6, fontSize: 20 }}
            />
            {confirm4.length === 4 && !confirmOk ? (
              <Text type="danger" data-testid="confirm-mismatch">
                {t('confirm.mismatch')}
              </Text>
            ) : null}
            <label htmlFor="contact-email" style={{ display: 'block', marginTop: 20 }}>
              <Text strong>{t('wizard.email.label')}</Text>
            </label>
            <Input
              id="contact-email"
              data-testid="contact-email"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              maxLength={254}
              style={{ maxWidth: 360, display: 'block', marginTop: 8 }}
            />
            <Text type="secondary">{t('wizard.email.help')}</Text>
          </Card>
        ) : null}

        {step === 4 && q ? (
          <Card style={{ maxWidth: 760 }}>
            <Title level={3} style={{ marginTop: 0, fontSize: 20 }}>
              {t('submit.summary')}
            </Title>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'n', label: t('line.msisdn'), children: formatMsisdn(line.msisdn) },
                { key: 'c', label: t('line.carrier'), children: pickName(line.carrierName, t.lang) },
                { key: 'b', label: t('bill.total'), children: formatFen(q.bill.totalFen) },
                { key: 'r', label: t('refund.refundable'), children: formatFen(q.refund.refundableFen) },
                { key: 'route', label: t('refund.route'), children: route ? routeLabel(route, q, t) : '—' },
                { key: 'a', label: t('checks.reminders'), children: t('submit.acks', { n: required.length }) },
              ]}
            />
            <Paragraph type="secondary" style={{ marginTop: 12 }}>
              {t('submit.intro')}
            </Paragraph>
            {submit.isError ? (
              <ErrorAlert
                error={submit.error}
                testId="submit-error"
                action={<AlreadyRequestedLink error={submit.error} line={line} />}
              />
            ) : null}
          </Card>
        ) : null}
      </div>

      <Flex gap={12} justify="space-between" style={{ maxWidth: 760 }}>
        <Button onClick={() => go(step - 1)} disabled={step === 0 || submit.isPending} data-testid="wizard-back">
          {t('wizard.back')}
        </Button>
        {step < STEPS.length - 1 ? (
          <Button type="primary" onClick={() => go(step + 1)} disabled={!canNext} data-testid="wizard-next">
            {t('wizard.next')}
          </Button>
        ) : (
          <Button
            type="primary"
            danger
            onClick={() =>
              modal.confirm({
                title: t('submit.confirmTitle', { msisdn: formatMsisdn(line.msisdn) }),
                content: (
                  <Flex vertical gap={8} data-testid="submit-confirm-dialog">
                    <span>{t('submit.confirmBody')}</span>
                    {q && route && q.refund.refundableFen > 0 ? (
                      <Text strong>{t('submit.confirmRefund', { amount: formatFen(q.refund.refundableFen), route: routeLabel(route, q, t) })}</Text>
                    ) : null}
                  </Flex>
                ),
                okText: t('submit.confirmOk'),
                cancelText: t('submit.confirmCancel'),
                okButtonProps: { danger: true, 'data-testid': 'submit-confirm' } as { danger: boolean },
                onOk: () => submit.mutate(),
              })
            }
            loading={submit.isPending}
            disabled={!q || !route || !confirmOk || !allAcked}
            data-testid="wizard-submit"
          >
            {t('wizard.submit')}
          </Button>
        )}
      </Flex>
    </Flex>
  );
}

function ticketText(ticket: unknown): string {
  if (typeof ticket === 'string' || typeof ticket === 'number') return String(ticket);
  if (ticket && typeof ticket === 'object') {
    const o = ticket as Record<string, unknown>;
    const id = o.id ?? o.ticketId ?? o.reference ?? o.number;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return JSON.stringify(ticket);
}

function AlreadyRequestedLink({ error, line }: { error: unknown; line: Line }) {
  const t = useT();
  if (!isApiError(error) || error.code !== 'already_requested') return null;
  const d = (error.details ?? {}) as Record<string, unknown>;
  const id = d.requestId ?? d.id ?? line.liveRequest?.id;
  if (typeof id !== 'string') return null;
  return (
    <Link to={`/portal/requests/${id}`} data-testid="live-request-link">
      <Button size="small">{t('submit.viewLive')}</Button>
    </Link>
  );
}

function routeLabel(route: RefundRoute, quote: Quote, t: TFunction): string {
  const option = quote.refundRoutes.find((r) => r.type === route.type);
  const base = option?.label || t.dyn(`refund.route.${route.type}`, route.type);
  if (route.type === 'bank') return `${base} · ${route.bankName} · ${route.accountName} · ****${route.bankAccount.slice(-4)}`;
  if (route.type === 'line') {
    const target = option?.lines?.find((l) => l.id === route.lineId);
    return target ? `${base} · ${formatMsisdn(target.msisdn)}` : base;
  }
  return base;
}

// ---------------------------------------------------------------- (b) checks

interface ChecksProps {
  quote: Quote;
  acks: ReadonlySet<string>;
  setAcks: (next: ReadonlySet<string>) => void;
  refreshing: boolean;
  acceptPenalty: boolean;
  onPay: () => void;
  paying: boolean;
  payError: unknown;
  onAcceptPenalty: () => void;
  onForward: () => void;
  forwarding: boolean;
  forwardError: unknown;
  ticket: string | null;
  onRequote: () => void;
  mvnoName: string | null;
  line: Line;
}

function Checks(p: ChecksProps) {
  const t = useT();
  const { quote } = p;
  const sellerName = quote.seller ? pickName(quote.seller.name, t.lang) : p.mvnoName;
  const ticket = p.ticket ?? quote.seller?.forwardedTicket ?? null;
  const warningByCode = new Map(quote.warnings.map((w) => [w.code, w.message]));
  // The stores are listed once, under the first blocker that sends the subscriber there.
  const firstStoreBlocker = quote.blockers.find((b) => b.remedyAction === 'visit_store')?.code;

  const toggle = (code: string, on: boolean) => {
    const next = new Set(p.acks);
    if (on) next.add(code);
    else next.delete(code);
    p.setAcks(next);
  };

  const action = (b: Blocker) => {
    switch (b.remedyAction) {
      case 'pay_outstanding':
        return (
          <Button type="primary" size="small" onClick={p.onPay} loading={p.paying} data-testid="remedy-pay_arrears">
            {t('checks.payArrears')}
          </Button>
        );
      case 'accept_penalty':
        return (
          <Button type="primary" size="small" onClick={p.onAcceptPenalty} data-testid="remedy-accept_penalty">
            {t('checks.acceptPenalty')}
          </Button>
        );
      case 'forward_to_mvno':
        return ticket ? null : (
          <Button
            type="primary"
            size="small"
            onClick={p.onForward}
            loading={p.forwarding}
            data-testid="remedy-forward_to_mvno"
          >
            {t('checks.forward', { name: sellerName ?? t('line.mvno') })}
          </Button>
        );
      default:
        return null;
    }
  };

  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
      {quote.eligible ? (
        <Alert type="success" showIcon icon={<CheckCircleFilled />} title={t('checks.eligible')} data-testid="eligible" />
      ) : (
        <Alert type="error" showIcon icon={<StopOutlined />} title={t('checks.blocked')} data-testid="not-eligible" />
      )}

      {quote.blockers.map((b) => (
        <Card key={b.code} size="small" data-testid={`blocker-${b.code}`} style={{ borderColor: '#ffccc7' }}>
          <Flex vertical gap={6}>
            <Text strong>{b.message}</Text>
            <Text>
              <Text type="secondary">{t('checks.remedy')}</Text> {b.remedy}
            </Text>
            {b.remedyAction === 'visit_store' ? <Text type="warning">{t('checks.visitStore')}</Text> : null}
            {b.code === firstStoreBlocker ? <StoreList line={p.line} /> : null}
            <div>{action(b)}</div>
          </Flex>
        </Card>
      ))}
      {p.payError ? <ErrorAlert error={p.payError} /> : null}
      {p.forwardError ? <ErrorAlert error={p.forwardError} /> : null}
      {ticket ? (
        <Alert
          type="success"
          showIcon
          data-testid="forward-ticket"
          title={t('checks.forwarded', { ticket })}
          description={
            <Flex vertical gap={4} align="flex-start">
              <span>{t('forwarded.next', { name: sellerName ?? '' })}</span>
              <Link to="/portal/requests" data-testid="forwarded-to-requests">
                {t('line.viewForwarded')}
              </Link>
            </Flex>
          }
        />
      ) : null}
      {quote.seller ? (
        <Text type="secondary">
          {t('checks.sellerName', { name: sellerName ?? '' })} <Hotline phone={quote.seller.hotline} />
        </Text>
      ) : null}
      {p.acceptPenalty ? <Alert type="info" showIcon title={t('checks.penaltyAccepted')} /> : null}
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

      {quote.requiredAcknowledgements.length > 0 ? (
        <Card size="small" title={t('checks.reminders')}>
          <Flex vertical gap={10}>
            {quote.requiredAcknowledgements.map((code) => {
              const detail = warningByCode.get(code);
              return (
                <Checkbox
                  key={code}
                  data-testid={`ack-${code}`}
                  checked={p.acks.has(code)}
                  styles={{ icon: { alignSelf: 'flex-start', marginTop: 3 } }}
                  disabled={!quote.eligible}
                  onChange={(e) => toggle(code, e.target.checked)}
                >
                  {quote.acknowledgementTexts?.[code] ?? t.dyn(`ack.${code}`, detail ?? code)}
                  {detail && detail !== quote.acknowledgementTexts?.[code] ? (
                    <Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                      {detail}
                    </Text>
                  ) : null}
                </Checkbox>
              );
            })}
          </Flex>
        </Card>
      ) : null}
    </Flex>
  );
}

// ---------------------------------------------------------------- (c) bill and refund

function BillAndRefund({
  quote,
  draft,
  setDraft,
}: {
  quote: Quote;
  draft: RouteDraft;
  setDraft: (d: RouteDraft) => void;
}) {
  const t = useT();
  const r = quote.refund;
  const needsRoute = r.refundableFen > 0;
  const selected = quote.refundRoutes.find((x) => x.type === draft.type);
  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
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
            {
              title: t('bill.amount'),
              dataIndex: 'amountFen',
              key: 'amount',
              align: 'right',
              render: (v: number) => formatFen(v),
            },
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
      </Card>

      <RefundSummary refund={r} refundableLabel={t('refund.refundable')} />

      {needsRoute ? (
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
          <RefundRouteDetails draft={draft} setDraft={setDraft} lines={selected?.lines ?? []} />
        </Card>
      ) : (
        <Text type="secondary">{t('refund.none')}</Text>
      )}
    </Flex>
  );
}
