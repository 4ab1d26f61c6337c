import { refundText } from '../components/refund-text.ts';
import { Alert, Button, Card, Descriptions, Flex, Popconfirm, Result, Steps, Timeline, Typography } from 'antd';
import { DownloadOutlined, SafetyCertificateOutlined, SyncOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import {
  certificatePdfUrl,
  getCancellation,
  isApiError,
  TERMINAL_STATUSES,
  withdrawCancellation,
  type CancellationRequest,
  type TimelineEntry,
} from '../api.ts';
import { channelLabel, ErrorAlert, Loading, StatusTag, statusLabel } from '../common.tsx';
import { noteText } from '../notes.ts';
import { SignInFirst } from '../components/PortalHeading.tsx';
import { colon, formatDateTime, formatMsisdn, pickName } from '../format.ts';
import { useT } from '../i18n.tsx';

const { Title, Text } = Typography;

const TIMELINE_COLOR: Record<string, string> = {
  completed: 'green',
  rejected: 'red',
  withdrawn: 'gray',
  needs_attention: 'red',
};

export default function RequestStatus() {
  const t = useT();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const req = useQuery({
    queryKey: ['cancellation', id],
    queryFn: () => getCancellation(id),
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s && TERMINAL_STATUSES.includes(s) ? false : 2000;
    },
  });
  const withdraw = useMutation({
    mutationFn: () => withdrawCancellation(id),
    onSettled: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['cancellation', id] }),
        qc.invalidateQueries({ queryKey: ['lines'] }),
        qc.invalidateQueries({ queryKey: ['my-cancellations'] }),
      ]);
    },
  });

  if (req.isPending) return <Loading />;
  if (req.isError && isApiError(req.error) && req.error.status === 401) return <SignInFirst />;
  if (req.isError) {
    return isApiError(req.error) && req.error.status === 404 ? (
      <Result status="404" title={t('err.not_found')} extra={<Link to="/portal">{t('request.backToLines')}</Link>} />
    ) : (
      <ErrorAlert error={req.error} />
    );
  }
  const r = req.data;
  const terminal = TERMINAL_STATUSES.includes(r.status);

  return (
    <Flex vertical gap={16} style={{ maxWidth: 860 }}>
      <div>
        <Link to="/portal/requests">← {t('lines.tab.requests')}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Title level={2} style={{ margin: 0 }}>
            {t('request.title')}
          </Title>
          <StatusTag status={r.status} />
          {!terminal ? (
            <Text type="secondary" data-testid="polling">
              <SyncOutlined spin /> {t('request.polling')}
            </Text>
          ) : null}
        </Flex>
      </div>

      {r.status === 'completed' && r.certificateSerial ? <CertificateBox serial={r.certificateSerial} /> : null}
      {r.status === 'rejected' ? (
        <Alert
          type="error"
          showIcon
          title={t('request.rejection')}
          description={
            <Flex vertical gap={8} align="flex-start">
              {r.rejectionReason ? <span>{r.rejectionReason}</span> : null}
              <span>{t('request.applyAgainHint')}</span>
            </Flex>
          }
          action={<ApplyAgain lineId={r.lineId} />}
          data-testid="rejection"
        />
      ) : null}
      {r.status === 'withdrawn' ? (
        <Alert type="info" showIcon title={t('request.withdrawn')} action={<ApplyAgain lineId={r.lineId} />} data-testid="withdrawn" />
      ) : null}

      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={facts(r, t)} />
        {r.status === 'pending_review' ? (
          <Flex gap={8} style={{ marginTop: 12 }} wrap>
            <Popconfirm
              title={t('request.withdrawConfirm')}
              onConfirm={() => withdraw.mutate()}
              okButtonProps={{ danger: true, 'data-testid': 'withdraw-confirm' }}
            >
              <Button danger loading={withdraw.isPending} data-testid="withdraw-button">
                {t('request.withdraw')}
              </Button>
            </Popconfirm>
          </Flex>
        ) : null}
        {withdraw.isError ? (
          <div style={{ marginTop: 12 }}>
            <ErrorAlert error={withdraw.error} />
          </div>
        ) : null}
      </Card>

      <Card size="small" title={t('request.timeline')}>
        <Timeline data-testid="timeline" items={timelineItems(r.timeline, r.status, terminal, t)} />
      </Card>

      {r.steps && r.steps.length > 0 ? (
        <Card size="small" title={t('progress.title')}>
          <Steps orientation="vertical" size="small" data-testid="progress" items={progressItems(r, t)} />
        </Card>
      ) : null}
    </Flex>
  );
}

function facts(r: CancellationRequest, t: ReturnType<typeof useT>) {
  const items = [
    ...(r.reference ? [{ key: 'reference', label: t('request.reference'), children: <span data-testid="request-reference">{r.reference.display}</span> }] : []),
    { key: 'msisdn', label: t('request.number'), children: formatMsisdn(r.msisdn) },
    { key: 'carrier', label: t('request.carrier'), children: r.carrierName ? pickName(r.carrierName, t.lang) : t.dyn(`carrier.${r.carrier}`, r.carrier) },
    { key: 'channel', label: t('request.channel'), children: channelLabel(r.channel, t) },
    { key: 'created', label: t('request.created'), children: formatDateTime(r.createdAt, t.lang) },
  ];
  if (r.slaDueAt) items.push({ key: 'sla', label: t('request.sla'), children: formatDateTime(r.slaDueAt, t.lang) });
  if (r.completedAt) items.push({ key: 'completed', label: t('verify.completedAt'), children: formatDateTime(r.completedAt, t.lang) });
  const refund = refundText(r, t);
  if (refund) items.push({ key: 'refund', label: t('request.refund'), children: refund });
  if (r.certificateSerial) items.push({ key: 'serial', label: t('request.serial'), children: r.certificateSerial });
  return items;
}

function timelineItems(entries: TimelineEntry[], current: string, terminal: boolean, t: ReturnType<typeof useT>) {
  const note = (e: TimelineEntry) => noteText(e.note, e.status, 'subscriber', t);
  const items = entries.map((e, i) => ({
    key: `${e.status}-${i}`,
    color: TIMELINE_COLOR[e.status] ?? 'blue',
    content: (
      <div>
        <Text strong>{statusLabel(e.status, t)}</Text>
        <Text type="secondary" style={{ marginInlineStart: 8 }}>
          {formatDateTime(e.at, t.lang)}
        </Text>
        {note(e) ? <div style={{ color: 'rgba(0,0,0,0.65)' }}>{note(e)}</div> : null}
      </div>
    ),
  }));
  if (!terminal && entries.length > 0 && entries[entries.length - 1].status === current) {
    items.push({ key: 'pending', color: 'gray', content: <Text type="secondary">…</Text> });
  }
  return items;
}

/**
 * The execution steps as what happens next, in words: done, under way, next. Never a step key, a raw
 * status, a count of attempts or an error: a step that is stuck says staff are on it.
 */
function progressItems(r: CancellationRequest, t: ReturnType<typeof useT>) {
  const steps = (r.steps ?? []).filter((s) => s.status !== 'skipped');
  const current = steps.findIndex((s) => s.status !== 'done');
  const stuck = r.status === 'needs_attention';
  const moving = r.status === 'executing' || r.status === 'approved';
  return steps.map((s, i) => {
    const word = (phase: 'done' | 'now' | 'next') => t.dyn(`progress.${s.step}.${phase}`, t.dyn(`step.${s.step}`, t('progress.title')));
    if (s.status === 'done') return { key: s.step, status: 'finish' as const, title: word('done') };
    if (i === current && stuck) return { key: s.step, status: 'error' as const, title: word('now'), content: t('progress.attention') };
    if (i === current && moving) return { key: s.step, status: 'process' as const, title: word('now') };
    return { key: s.step, status: 'wait' as const, title: word('next') };
  });
}

/** A new request for the same line, once this one was rejected or withdrawn (the wizard starts afresh). */
function ApplyAgain({ lineId }: { lineId: string }) {
  const t = useT();
  return (
    <Link to={`/portal/lines/${encodeURIComponent(lineId)}/cancel`} data-testid="apply-again">
      <Button type="primary">{t('request.applyAgain')}</Button>
    </Link>
  );
}

function CertificateBox({ serial }: { serial: string }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Alert
      type="success"
      showIcon
      icon={<SafetyCertificateOutlined />}
      title={`${t('request.serial')}${colon(t.lang)}${serial}`}
      description={
        <Flex gap={12} wrap style={{ marginTop: 8 }}>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            href={certificatePdfUrl(serial)}
            download
            data-testid="certificate-link"
          >
            {t('request.certificate')}
          </Button>
          <Button onClick={() => navigate(`/verify/${encodeURIComponent(serial)}`)} data-testid="verify-link">
            {t('request.verifyLink')}
          </Button>
        </Flex>
      }
    />
  );
}
