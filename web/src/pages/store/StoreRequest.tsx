// A store request after it was signed: progress (polled until it is done), the execution steps and
// timeline, the card handed back, and — once completed — the certificate and the signed agreement to
// print or download.
import { refundText } from '../../components/refund-text.ts';
import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Descriptions, Flex, Result, Table, Tag, Timeline, Typography } from 'antd';
import {
  CheckCircleFilled,
  DownloadOutlined,
  FileProtectOutlined,
  PrinterOutlined,
  SafetyCertificateOutlined,
  SyncOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import {
  certificatePdfUrl,
  getStoreCancellation,
  isApiError,
  storeAgreementPdfUrl,
  TERMINAL_STATUSES,
  type StoreCancellation,
} from '../../api.ts';
import { ErrorAlert, errorText, Loading, StatusTag, statusLabel } from '../../common.tsx';
import { noteText } from '../../notes.ts';
import { RequireStaff } from '../../components/RequireStaff.tsx';
import { colon, formatDateTime, formatFen, pickName } from '../../format.ts';
import { useT, type TFunction } from '../../i18n.tsx';
import { printPdf } from './print-pdf.ts';
import { CashHandOverCard } from './CashHandOver.tsx';

const { Title, Text } = Typography;

export default function StoreRequestPage() {
  return (
    <RequireStaff roles={['clerk', 'reviewer', 'ops']}>
      <StoreRequest />
    </RequireStaff>
  );
}

/** Polling stops at a final status, and slows down while a forwarded request waits for review. */
function pollInterval(status: string | undefined): number | false {
  if (!status) return 1500;
  if (TERMINAL_STATUSES.includes(status as never)) return false;
  return status === 'pending_review' ? 10_000 : 1500;
}

function StoreRequest() {
  const t = useT();
  const { id = '' } = useParams();
  const req = useQuery({
    queryKey: ['store-cancellation', id],
    queryFn: () => getStoreCancellation(id),
    refetchInterval: (q) => pollInterval(q.state.data?.status),
  });

  if (req.isPending) return <Loading />;
  if (req.isError) {
    return isApiError(req.error) && req.error.status === 404 ? (
      <Result status="404" title={t('err.not_found')} extra={<Link to="/staff/store">{t('store.title')}</Link>} />
    ) : (
      <ErrorAlert error={req.error} />
    );
  }
  const r: StoreCancellation = req.data;
  const terminal = TERMINAL_STATUSES.includes(r.status);

  return (
    <Flex vertical gap={16} style={{ maxWidth: 900 }} data-testid="store-request">
      <div>
        <Link to="/staff/store">← {t('store.title')}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Title level={2} style={{ margin: 0 }}>
            {t('store.request.title')}
          </Title>
          <StatusTag status={r.status} />
          {!terminal ? (
            <Text type="secondary" data-testid="polling">
              <SyncOutlined spin /> {t('request.polling')}
            </Text>
          ) : null}
        </Flex>
      </div>

      {r.status === 'completed' ? <Documents r={r} /> : null}
      {r.status === 'pending_review' ? (
        <Alert
          type="info"
          showIcon
          data-testid="store-pending-review"
          title={r.outOfProvince?.forwarded ? t('store.request.forwarded') : t('store.request.review')}
          description={r.slaDueAt ? `${t('request.sla')}${colon(t.lang)}${formatDateTime(r.slaDueAt, t.lang)}` : undefined}
        />
      ) : null}
      {r.status === 'needs_attention' ? (
        <Alert type="warning" showIcon title={t('store.request.needsAttention')} data-testid="store-needs-attention" />
      ) : null}
      {r.status === 'rejected' && r.rejectionReason ? (
        <Alert type="error" showIcon title={t('request.rejection')} description={r.rejectionReason} />
      ) : null}
      {r.status !== 'completed' && r.agreement ? <AgreementOnly r={r} /> : null}

      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={facts(r, t)} />
      </Card>

      {r.steps && r.steps.length > 0 ? (
        <Card size="small" title={t('request.steps')}>
          <Table
            size="small"
            pagination={false}
            rowKey="step"
            showHeader={false}
            dataSource={r.steps}
            data-testid="store-steps"
            columns={[
              { key: 'step', dataIndex: 'step', title: t('request.steps'), render: (s: string) => t.dyn(`step.${s}`, s) },
              { key: 'status', dataIndex: 'status', title: '', render: (s: string) => <StepTag status={s} /> },
              { key: 'attempts', dataIndex: 'attempts', title: '', align: 'right', render: (n: number) => t('request.attempts', { n }) },
            ]}
          />
        </Card>
      ) : null}

      <Card size="small" title={t('request.timeline')}>
        <Timeline
          data-testid="timeline"
          items={r.timeline.map((e, i) => ({
            key: `${e.status}-${i}`,
            color: e.status === 'completed' ? 'green' : e.status === 'needs_attention' || e.status === 'rejected' ? 'red' : 'blue',
            content: (
              <div>
                <Text strong>{statusLabel(e.status, t)}</Text>
                <Text type="secondary" style={{ marginInlineStart: 8 }}>
                  {formatDateTime(e.at, t.lang)}
                </Text>
                {noteText(e.note, e.status, 'staff', t) ? <div style={{ color: 'rgba(0,0,0,0.65)', wordBreak: 'break-word' }}>{noteText(e.note, e.status, 'staff', t)}</div> : null}
              </div>
            ),
          }))}
        />
      </Card>

      <div>
        <Link to="/staff/store">
          <Button type="primary" icon={<UserAddOutlined />} data-testid="next-customer">
            {t('store.request.next')}
          </Button>
        </Link>
      </div>
    </Flex>
  );
}

const STEP_COLOR: Record<string, string> = { done: 'success', running: 'processing', failed: 'error', pending: 'default' };

function StepTag({ status }: { status: string }) {
  const t = useT();
  return (
    <Tag color={STEP_COLOR[status] ?? 'default'} data-testid="step-status" data-status={status}>
      {t.dyn(`stepStatus.${status}`, status)}
    </Tag>
  );
}

function facts(r: StoreCancellation, t: TFunction) {
  const items = [
    { key: 'msisdn', label: t('request.number'), children: r.maskedMsisdn },
    {
      key: 'carrier',
      label: t('request.carrier'),
      children: r.carrierName ? pickName(r.carrierName, t.lang) : t.dyn(`carrier.${r.carrier}`, r.carrier),
    },
    ...(r.maskedIccid ? [{ key: 'iccid', label: t('line.iccid'), children: r.maskedIccid }] : []),
    { key: 'created', label: t('store.request.signedAt'), children: formatDateTime(r.createdAt, t.lang) },
    ...(r.mandate ? [{ key: 'mandate', label: t('store.mandate.title'), children: t.dyn(`mandate.${r.mandate}`, r.mandate) }] : []),
    ...(r.completedAt ? [{ key: 'completed', label: t('verify.completedAt'), children: formatDateTime(r.completedAt, t.lang) }] : []),
    ...(r.billTotalFen != null ? [{ key: 'bill', label: t('review.bill'), children: formatFen(r.billTotalFen) }] : []),
    ...(r.reference ? [{ key: 'reference', label: t('request.reference'), children: <span data-testid="request-reference">{r.reference.display}</span> }] : []),
    ...(refundText(r, t) ? [{ key: 'refund', label: t('request.refund'), children: refundText(r, t) }] : []),
    ...(r.refundRoute?.type
      ? [{ key: 'route', label: t('refund.route'), children: t.dyn(`agreement.route.${r.refundRoute.type}`, r.refundRoute.type) }]
      : []),
    { key: 'card', label: r.formFactor === 'esim' ? t('store.esim.title') : t('store.card.title'), children: <CardState r={r} /> },
    ...(r.certificateSerial ? [{ key: 'serial', label: t('request.serial'), children: r.certificateSerial }] : []),
  ];
  return items;
}

function CardState({ r }: { r: StoreCancellation }) {
  const t = useT();
  if (r.formFactor === 'esim') {
    const deleted = r.checks?.esimProfileDeleted;
    return <Text data-testid="esim-state">{deleted ? t('store.esim.deleted') : t('store.esim.notDeleted')}</Text>;
  }
  if (r.cardReturn?.returned) {
    return (
      <Text type="success" data-testid="card-returned">
        <CheckCircleFilled /> {t('store.request.cardReturned')}
        {r.cardReturn.at ? ` · ${formatDateTime(r.cardReturn.at, t.lang)}` : ''}
      </Text>
    );
  }
  return <Text type="warning" data-testid="card-not-returned">{t('store.request.cardNotReturned')}</Text>;
}

function PrintButton({ url, testId, label }: { url: string; testId: string; label: string }) {
  const t = useT();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<PrinterOutlined />}
      loading={busy}
      data-testid={testId}
      onClick={async () => {
        setBusy(true);
        try {
          await printPdf(url);
        } catch (err) {
          message.error(errorText(err, t).title);
        } finally {
          setBusy(false);
        }
      }}
    >
      {label}
    </Button>
  );
}

function Documents({ r }: { r: StoreCancellation }) {
  const t = useT();
  const serial = r.certificateSerial;
  return (
    <Alert
      type="success"
      showIcon
      icon={<SafetyCertificateOutlined />}
      data-testid="store-completed"
      title={serial ? `${t('store.request.completed')} · ${t('request.serial')}${colon(t.lang)}${serial}` : t('store.request.completed')}
      description={
        <Flex vertical gap={8} style={{ marginTop: 8 }}>
          {serial ? (
            <Flex gap={8} wrap>
              <Button type="primary" icon={<DownloadOutlined />} href={certificatePdfUrl(serial)} target="_blank" data-testid="certificate-link">
                {t('store.request.certificate')}
              </Button>
              <PrintButton url={certificatePdfUrl(serial)} testId="certificate-print" label={t('store.request.printCertificate')} />
            </Flex>
          ) : null}
          {r.agreement ? (
            <Flex gap={8} wrap>
              <Button icon={<FileProtectOutlined />} href={storeAgreementPdfUrl(r.id)} target="_blank" data-testid="agreement-link">
                {t('store.request.agreement')}
              </Button>
              <PrintButton url={storeAgreementPdfUrl(r.id)} testId="agreement-print" label={t('store.request.printAgreement')} />
            </Flex>
          ) : null}
          {/* Cash is handed over only for what the ledger records as paid, never for a promise alone. */}
          {r.cashHandOver && r.refund?.status !== 'not_recorded' ? <CashHandOverCard requestId={r.id} cash={r.cashHandOver} /> : null}
          {r.refundRoute?.type === 'cash' && r.refund?.status === 'not_recorded' ? (
            <Text type="warning" data-testid="cash-not-recorded">{t('store.request.cashNotRecorded')}</Text>
          ) : null}
        </Flex>
      }
    />
  );
}

function AgreementOnly({ r }: { r: StoreCancellation }) {
  const t = useT();
  return (
    <Flex gap={8} wrap>
      <Button icon={<FileProtectOutlined />} href={storeAgreementPdfUrl(r.id)} target="_blank" data-testid="agreement-link">
        {t('store.request.agreement')}
      </Button>
      <PrintButton url={storeAgreementPdfUrl(r.id)} testId="agreement-print" label={t('store.request.printAgreement')} />
    </Flex>
  );
}
