import { useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
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
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import {
  approveReview,
  getReview,
  isApiError,
  rejectReview,
  type BillItem,
  type StoredRefundRoute,
  type ReviewDetail,
  type ReviewItem,
} from '../api.ts';
import { channelLabel, ErrorAlert, Loading, StatusTag, statusLabel } from '../common.tsx';
import { noteText } from '../notes.ts';
import { RequireStaff } from '../components/RequireStaff.tsx';
import { formatDateTime, formatFen, pickName } from '../format.ts';
import { useT, type TFunction } from '../i18n.tsx';

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
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const screens = Grid.useBreakpoint();
  const [rejectOpen, setRejectOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonTouched, setReasonTouched] = useState(false);

  const detail = useQuery({ queryKey: ['review', id, t.lang], queryFn: () => getReview(id) }); // texts come in the reader's language

  const afterDecision = async (text: string) => {
    message.success(text);
    // drop the decided request from the cached queue at once, then refresh it
    qc.setQueryData<{ items: ReviewItem[] }>(['review-queue'], (old) =>
      old ? { items: old.items.filter((x) => x.id !== id) } : old,
    );
    await qc.invalidateQueries({ queryKey: ['review-queue'] });
    navigate('/staff/review');
  };
  const onConflict = async (err: unknown) => {
    if (isApiError(err) && err.status === 409) {
      await qc.invalidateQueries({ queryKey: ['review', id] });
      await qc.invalidateQueries({ queryKey: ['review-queue'] });
    }
  };
  const approve = useMutation({
    mutationFn: () => approveReview(id),
    onSuccess: () => afterDecision(t('review.approved')),
    onError: onConflict,
  });
  const reject = useMutation({
    mutationFn: (r: string) => rejectReview(id, r),
    onSuccess: async () => {
      setRejectOpen(false);
      await afterDecision(t('review.rejected'));
    },
    onError: async (err) => {
      if (isApiError(err) && err.status === 409) setRejectOpen(false);
      await onConflict(err);
    },
  });

  if (detail.isPending) return <Loading />;
  if (detail.isError) {
    return isApiError(detail.error) && detail.error.status === 404 ? (
      <Result status="404" title={t('err.not_found')} extra={<Link to="/staff/review">{t('review.back')}</Link>} />
    ) : (
      <ErrorAlert error={detail.error} />
    );
  }
  const d: ReviewDetail = detail.data;
  const decided = d.status !== undefined && d.status !== 'pending_review';
  const conflictError = [approve.error, reject.error].find((e) => isApiError(e) && e.status === 409);
  const otherError = approve.error && approve.error !== conflictError ? approve.error : null;
  const busy = approve.isPending || reject.isPending;

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
            onClick={() => approve.mutate()}
            loading={approve.isPending}
            disabled={busy || !!conflictError}
            data-testid="approve-button"
          >
            {t('review.approve')}
          </Button>
          <Button
            danger
            icon={<CloseOutlined />}
            onClick={() => setRejectOpen(true)}
            disabled={busy || !!conflictError}
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
        <Link to="/staff/review">← {t('review.back')}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Title level={2} style={{ margin: 0 }}>
            {d.maskedMsisdn}
          </Title>
          {d.status ? <StatusTag status={d.status} /> : null}
          {d.overdue ? <Tag color="red">{t('review.overdue')}</Tag> : null}
        </Flex>
      </div>

      {conflictError ? (
        <Alert type="error" showIcon title={t('review.conflict')} data-testid="review-conflict" />
      ) : null}
      {otherError ? <ErrorAlert error={otherError} /> : null}
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
                    children: `${d.maskedMsisdn} · ${d.formFactor === 'esim' ? t('line.esim') : t('line.physical')}`,
                  },
                  { key: 'channel', label: t('review.channel'), children: channelLabel(d.channel, t) },
                  { key: 'submitted', label: t('review.submitted'), children: formatDateTime(d.submittedAt, t.lang) },
                  {
                    key: 'due',
                    label: t('review.due'),
                    children: (
                      <Text type={d.overdue ? 'danger' : undefined} strong={d.overdue}>
                        {formatDateTime(d.slaDueAt, t.lang)}
                      </Text>
                    ),
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
        open={rejectOpen}
        title={t('review.rejectTitle')}
        onCancel={() => setRejectOpen(false)}
        okText={t('review.reject')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, loading: reject.isPending, 'data-testid': 'reject-confirm' }}
        onOk={() => {
          setReasonTouched(true);
          if (reason.trim()) reject.mutate(reason.trim());
        }}
        destroyOnHidden
      >
        <label htmlFor="reject-reason">{t('review.rejectReason')}</label>
        <Input.TextArea
          id="reject-reason"
          data-testid="reject-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onBlur={() => setReasonTouched(true)}
          rows={4}
          maxLength={500}
          showCount
          status={reasonTouched && !reason.trim() ? 'error' : undefined}
          style={{ marginTop: 8 }}
        />
        {reasonTouched && !reason.trim() ? <Text type="danger">{t('review.reasonRequired')}</Text> : null}
        {reject.isError && !(isApiError(reject.error) && reject.error.status === 409) ? (
          <div style={{ marginTop: 8 }}>
            <ErrorAlert error={reject.error} />
          </div>
        ) : null}
      </Modal>
    </Flex>
  );
}
