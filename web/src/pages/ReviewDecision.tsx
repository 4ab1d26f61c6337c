import { useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Flex,
  Grid,
  Input,
  Modal,
  Result,
  Row,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { CheckOutlined, CloseOutlined, LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { isApiError, type BillItem, type StoredRefundRoute } from '../api.ts';
import { channelLabel, ErrorAlert, Loading, StatusTag, statusLabel, useMe } from '../common.tsx';
import { noteText } from '../notes.ts';
import { RequireStaff } from '../components/RequireStaff.tsx';
import { formatDateTime, formatFen, formatMsisdn, pickName } from '../format.ts';
import { useT, type MessageKey, type TFunction } from '../i18n.tsx';
import { Countdown } from './review/Countdown.tsx';
import { useClaimReview, useDecideReview, useReleaseReview, useReviewDetail } from './review/review-hooks.ts';
import type { ReviewDetail } from '../api-types.ts';

/** Reasons a reviewer picks from (the subscriber reads them), plus their own words. */
export const REJECTION_PRESETS: readonly MessageKey[] = [
  'review.preset.documents',
  'review.preset.identity',
  'review.preset.account',
  'review.preset.store',
  'review.preset.duplicate',
];

const { Title, Text } = Typography;

export default function ReviewDecisionPage() {
  return (
    <RequireStaff roles={['reviewer']}>
      <ReviewDecision />
    </RequireStaff>
  );
}

function routeText(route: StoredRefundRoute | null, t: TFunction): string {
  if (!route) return '—';
  const parts = [t.dyn(`refund.route.${route.type}`, route.type)];
  if (route.type === 'bank') parts.push(route.bankName ?? '', route.maskedAccount ?? '');
  if (route.type === 'line') parts.push(route.msisdn ?? route.lineId ?? '');
  return parts.filter(Boolean).join(' · ');
}

function ReviewDecision() {
  const t = useT();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const back = (location.state as { back?: string } | null)?.back ?? '/staff/review';
  const { message } = AntApp.useApp();
  const screens = Grid.useBreakpoint();
  const me = useMe();
  const myName = me.data?.kind === 'staff' ? me.data.username : undefined;
  const [rejectOpen, setRejectOpen] = useState(false);
  const [approveOpen, setApproveOpen] = useState(false);
  const [presets, setPresets] = useState<MessageKey[]>([]);
  const [reason, setReason] = useState('');
  const [reasonTouched, setReasonTouched] = useState(false);

  const detail = useReviewDetail(id, t.lang);
  const { approve, reject, refresh } = useDecideReview(id);
  const claim = useClaimReview(id);
  const release = useReleaseReview(id);

  const afterDecision = async (text: string) => {
    message.success(text);
    await refresh();
    navigate(back);
  };
  const onRefused = async (err: unknown) => {
    if (isApiError(err) && err.status === 409) await refresh();
  };
  const doApprove = () =>
    approve.mutate(undefined, {
      onSuccess: () => {
        setApproveOpen(false);
        return afterDecision(t('review.approved'));
      },
      onError: async (err) => {
        setApproveOpen(false);
        await onRefused(err);
      },
    });
  const fullReason = [...presets.map((k) => t(k)), reason.trim()].filter(Boolean).join(' ');
  const doReject = () =>
    reject.mutate(fullReason, {
      onSuccess: async () => {
        setRejectOpen(false);
        await afterDecision(t('review.rejected'));
      },
      onError: async (err) => {
        if (isApiError(err) && err.status === 409) setRejectOpen(false);
        await onRefused(err);
      },
    });

  if (detail.isPending) return <Loading />;
  if (detail.isError) {
    return isApiError(detail.error) && detail.error.status === 404 ? (
      <Result status="404" title={t('err.not_found')} extra={<Link to={back}>{t('review.back')}</Link>} />
    ) : (
      <ErrorAlert error={detail.error} />
    );
  }
  const d: ReviewDetail = detail.data;
  const decided = d.status !== undefined && d.status !== 'pending_review';
  const refusal = [approve.error, reject.error].find((e) => isApiError(e) && e.status === 409);
  const conflictError = refusal && isApiError(refusal) && refusal.code !== 'claimed_by_other' ? refusal : null;
  const otherError = [approve.error, refusal, claim.error, release.error].find((e) => e && e !== conflictError) ?? null;
  const busy = approve.isPending || reject.isPending;
  const heldByOther = !!d.claim && d.claim.username !== myName;
  const mine = !!d.claim && d.claim.username === myName;

  const claimCard = decided ? null : (
    <Card size="small" title={t('review.claim.title')} data-testid="claim-card">
      <Flex vertical gap={8}>
        {d.claim ? (
          <Text data-testid="claim-state" data-mine={mine ? 'true' : 'false'}>
            <LockOutlined aria-hidden style={{ marginInlineEnd: 6 }} />
            {mine
              ? t('review.claim.youUntil', { time: formatDateTime(d.claim.expiresAt, t.lang) })
              : t('review.claim.heldUntil', { name: d.claim.displayName || d.claim.username, time: formatDateTime(d.claim.expiresAt, t.lang) })}
          </Text>
        ) : (
          <Text type="secondary" data-testid="claim-state" data-mine="false">
            {t('review.claim.free')}
          </Text>
        )}
        <Flex gap={8} wrap>
          {!heldByOther ? (
            <Button icon={<LockOutlined />} onClick={() => claim.mutate({ id })} loading={claim.isPending} data-testid="claim-button">
              {mine ? t('review.claim.extend') : t('review.claim.take')}
            </Button>
          ) : null}
          {mine ? (
            <Button icon={<UnlockOutlined />} onClick={() => release.mutate()} loading={release.isPending} data-testid="release-button">
              {t('review.claim.release')}
            </Button>
          ) : null}
        </Flex>
        {heldByOther ? <Alert type="info" showIcon title={t('review.claim.otherHolds')} data-testid="claim-other" /> : null}
      </Flex>
    </Card>
  );

  const decisionCard = (
    <Card size="small" title={t('review.decision')}>
      {decided ? (
        <Text data-testid="review-decided">
          {t('review.decided', { status: statusLabel(d.status ?? '', t) })}
        </Text>
      ) : (
        <Flex gap={8} wrap>
          <Button
            type="primary"
            icon={<CheckOutlined />}
            onClick={() => setApproveOpen(true)}
            loading={approve.isPending}
            disabled={busy || !!conflictError || heldByOther}
            data-testid="approve-button"
          >
            {t('review.approve')}
          </Button>
          <Button
            danger
            icon={<CloseOutlined />}
            onClick={() => setRejectOpen(true)}
            disabled={busy || !!conflictError || heldByOther}
            data-testid="reject-button"
          >
            {t('review.reject')}
          </Button>
        </Flex>
      )}
    </Card>
  );

  return (
    <Flex vertical gap={16}>
      <div>
        <Link to={back}>← {t('review.back')}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Title level={2} style={{ margin: 0 }}>
            {formatMsisdn(d.maskedMsisdn)}
          </Title>
          {d.reference ? <Text type="secondary">{d.reference.display}</Text> : null}
          {d.status ? <StatusTag status={d.status} /> : null}
          {d.overdue ? <Tag color="red">{t('review.overdue')}</Tag> : null}
        </Flex>
      </div>

      {conflictError ? (
        <Alert type="error" showIcon title={t('review.conflict')} data-testid="review-conflict" />
      ) : null}
      {otherError ? <ErrorAlert error={otherError} /> : null}
      {screens.lg ? null : claimCard}
      {screens.lg ? null : decisionCard}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Flex vertical gap={16}>
            <Card size="small">
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 2 }}
                items={[
                  { key: 'carrier', label: t('line.carrier'), children: pickName(d.carrierName, t.lang) },
                  {
                    key: 'ff',
                    label: t('line.msisdn'),
                    children: `${formatMsisdn(d.maskedMsisdn)} · ${d.formFactor === 'esim' ? t('line.esim') : t('line.physical')}`,
                  },
                  { key: 'channel', label: t('review.channel'), children: channelLabel(d.channel, t) },
                  { key: 'submitted', label: t('review.submitted'), children: formatDateTime(d.submittedAt, t.lang) },
                  {
                    key: 'due',
                    label: t('review.due'),
                    children: <Countdown due={d.slaDueAt} done={decided} />,
                  },
                  { key: 'route', label: t('review.refundRoute'), children: routeText(d.refundRoute, t) },
                ]}
              />
            </Card>

            <Card size="small" title={t('bill.title')}>
              <Table<BillItem>
                size="small"
                pagination={false}
                rowKey="code"
                dataSource={d.quote.bill.items}
                locale={{ emptyText: t('bill.empty') }}
                columns={[
                  { key: 'label', dataIndex: 'label', title: t('bill.item') },
                  {
                    key: 'amount',
                    dataIndex: 'amountFen',
                    title: t('bill.amount'),
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
                      <Text strong>{formatFen(d.quote.bill.totalFen)}</Text>
                    </Table.Summary.Cell>
                  </Table.Summary.Row>
                )}
              />
              <Descriptions
                style={{ marginTop: 12 }}
                size="small"
                column={1}
                items={[
                  { key: 'cash', label: t('refund.cash'), children: formatFen(d.quote.refund.cashBalanceFen) },
                  {
                    key: 'promo',
                    label: t('refund.promo'),
                    children: `${formatFen(d.quote.refund.promotionalCreditFen)} (${t('refund.notRefundable')})`,
                  },
                  { key: 'owed', label: t('refund.owed'), children: formatFen(d.quote.refund.owedFen) },
                  {
                    key: 'refundable',
                    label: t('refund.refundable'),
                    children: <Text strong>{formatFen(d.quote.refund.refundableFen)}</Text>,
                  },
                ]}
              />
            </Card>
          </Flex>
        </Col>

        <Col xs={24} lg={10}>
          <Flex vertical gap={16}>
            {screens.lg ? claimCard : null}
            {screens.lg ? decisionCard : null}

            {d.quote.warnings.length > 0 ? (
              <Alert
                type="warning"
                showIcon
                title={t('review.warnings')}
                description={
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {d.quote.warnings.map((w) => (
                      <li key={w.code}>{w.message}</li>
                    ))}
                  </ul>
                }
              />
            ) : null}

            <Card size="small" title={t('review.acks')}>
              {d.acknowledgements.length ? (
                <Flex vertical gap={4} data-testid="review-acks">
                  {d.acknowledgements.map((a) => (
                    <Text key={a}>
                      <CheckOutlined style={{ color: '#52c41a', marginInlineEnd: 8 }} />
                      {d.acknowledgementTexts?.[a] ?? t.dyn(`ack.${a}`, a)}
                    </Text>
                  ))}
                </Flex>
              ) : (
                <Text type="secondary">—</Text>
              )}
            </Card>

            <Card size="small" title={t('request.timeline')}>
              <Timeline
                items={d.timeline.map((e, i) => ({
                  key: i,
                  content: (
                    <div>
                      <Text strong>{statusLabel(e.status, t)}</Text>
                      <Text type="secondary" style={{ marginInlineStart: 8 }}>
                        {formatDateTime(e.at, t.lang)}
                      </Text>
                      {noteText(e.note, e.status, 'staff', t) ? <div>{noteText(e.note, e.status, 'staff', t)}</div> : null}
                    </div>
                  ),
                }))}
              />
            </Card>
          </Flex>
        </Col>
      </Row>

      <Modal
        open={approveOpen}
        title={t('review.approveTitle')}
        onCancel={() => setApproveOpen(false)}
        okText={t('review.approveConfirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: approve.isPending, 'data-testid': 'approve-confirm' }}
        onOk={doApprove}
        destroyOnHidden
      >
        <Flex vertical gap={8} data-testid="approve-summary">
          <Text>{t('review.approveWhat')}</Text>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'line', label: t('line.msisdn'), children: formatMsisdn(d.maskedMsisdn) },
              { key: 'bill', label: t('bill.total'), children: formatFen(d.quote.bill.totalFen) },
              { key: 'refund', label: t('refund.refundable'), children: <Text strong>{formatFen(d.quote.refund.refundableFen)}</Text> },
              { key: 'route', label: t('review.refundRoute'), children: routeText(d.refundRoute, t) },
            ]}
          />
          <Alert type="warning" showIcon title={t('review.approveIrreversible')} />
        </Flex>
      </Modal>

      <Modal
        open={rejectOpen}
        title={t('review.rejectTitle')}
        onCancel={() => setRejectOpen(false)}
        okText={t('review.reject')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, loading: reject.isPending, 'data-testid': 'reject-confirm' }}
        onOk={() => {
          setReasonTouched(true);
          if (fullReason.length >= 4) doReject();
        }}
        destroyOnHidden
      >
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('review.presetsLegend')}</legend>
          <Flex vertical gap={4} data-testid="reject-presets">
            {REJECTION_PRESETS.map((k) => (
              <Checkbox
                key={k}
                checked={presets.includes(k)}
                data-testid={`preset-${k.split('.').pop()}`}
                onChange={(e) => setPresets((p) => (e.target.checked ? [...p, k] : p.filter((x) => x !== k)))}
              >
                {t(k)}
              </Checkbox>
            ))}
          </Flex>
        </fieldset>
        <label htmlFor="reject-reason" style={{ display: 'block', marginTop: 12 }}>
          {t('review.rejectReason')}
        </label>
        <Input.TextArea
          id="reject-reason"
          data-testid="reject-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onBlur={() => setReasonTouched(true)}
          rows={3}
          maxLength={300}
          showCount
          status={reasonTouched && fullReason.length < 4 ? 'error' : undefined}
          style={{ marginTop: 8 }}
        />
        {reasonTouched && fullReason.length < 4 ? <Text type="danger">{t('review.reasonRequired')}</Text> : null}
        {fullReason ? (
          <div style={{ marginTop: 8 }} data-testid="reject-preview">
            <Text type="secondary">{t('review.reasonPreview')}</Text>
            <div>{fullReason}</div>
          </div>
        ) : null}
        {reject.isError && !(isApiError(reject.error) && reject.error.status === 409) ? (
          <div style={{ marginTop: 8 }}>
            <ErrorAlert error={reject.error} />
          </div>
        ) : null}
      </Modal>
    </Flex>
  );
}
