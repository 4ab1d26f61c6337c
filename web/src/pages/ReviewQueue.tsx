import { Button, Card, Col, Empty, Flex, Grid, Row, Table, Tag, Typography } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { getReviewQueue, type ReviewItem } from '../api.ts';
import { channelLabel, ErrorAlert, Loading } from '../common.tsx';
import { RequireStaff } from '../components/RequireStaff.tsx';
import { colon, formatDateTime, formatFen, pickName } from '../format.ts';
import { useT } from '../i18n.tsx';

const { Title, Text } = Typography;
const OVERDUE_RED = '#cf1322';

export default function ReviewQueuePage() {
  return (
    <RequireStaff roles={['reviewer']}>
      <ReviewQueue />
    </RequireStaff>
  );
}

function bySla(a: ReviewItem, b: ReviewItem) {
  const due = (x: ReviewItem) => (x.slaDueAt ? Date.parse(x.slaDueAt) : Number.POSITIVE_INFINITY);
  return due(a) - due(b);
}

function ReviewQueue() {
  const t = useT();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const queue = useQuery({ queryKey: ['review-queue'], queryFn: getReviewQueue, refetchInterval: 10_000 });

  if (queue.isPending) return <Loading />;
  if (queue.isError) return <ErrorAlert error={queue.error} />;
  const items = [...queue.data.items].sort(bySla);
  const open = (id: string) => navigate(`/staff/review/${id}`);

  const warningTags = (codes: string[]) =>
    codes.map((c) => (
      <Tag key={c} color="orange" style={{ marginBottom: 2 }}>
        {t.dyn(`warn.${c}`, c)}
      </Tag>
    ));

  return (
    <Flex vertical gap={16}>
      <Flex align="baseline" gap={12} wrap>
        <Title level={2} style={{ margin: 0 }}>
          {t('review.title')}
        </Title>
        <Text type="secondary" data-testid="queue-count">
          {t('review.count', { n: items.length })}
        </Text>
      </Flex>
      {items.length === 0 ? <Empty description={t('review.empty')} /> : null}
      {items.length > 0 && screens.md ? (
        <Table<ReviewItem>
          data-testid="review-queue"
          rowKey="id"
          dataSource={items}
          pagination={false}
          size="middle"
          onRow={(r) => ({
            'data-testid': `queue-row-${r.id}`,
            'data-overdue': r.overdue ? 'true' : 'false',
            style: r.overdue ? { background: '#fff1f0' } : undefined,
          })}
          columns={[
            {
              key: 'due',
              title: t('review.due'),
              render: (_, r) => (
                <Text style={r.overdue ? { color: OVERDUE_RED, fontWeight: 600 } : undefined}>
                  {r.overdue ? (
                    <Tag color="red" data-testid="overdue">
                      {t('review.overdue')}
                    </Tag>
                  ) : null}
                  {formatDateTime(r.slaDueAt, t.lang)}
                </Text>
              ),
            },
            {
              key: 'line',
              title: t('review.line'),
              render: (_, r) => (
                <Flex vertical>
                  <Text strong>{r.maskedMsisdn}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {pickName(r.carrierName, t.lang)} · {r.formFactor === 'esim' ? t('line.esim') : t('line.physical')}
                  </Text>
                </Flex>
              ),
            },
            { key: 'channel', title: t('review.channel'), render: (_, r) => channelLabel(r.channel, t) },
            { key: 'submitted', title: t('review.submitted'), render: (_, r) => formatDateTime(r.submittedAt, t.lang) },
            { key: 'bill', title: t('review.bill'), align: 'right', render: (_, r) => formatFen(r.billTotalFen) },
            { key: 'refund', title: t('review.refund'), align: 'right', render: (_, r) => formatFen(r.refundFen) },
            { key: 'warnings', title: t('review.warnings'), render: (_, r) => warningTags(r.warnings) },
            {
              key: 'open',
              title: '',
              align: 'right',
              render: (_, r) => (
                <Button type="primary" onClick={() => open(r.id)} data-testid={`review-open-${r.id}`}>
                  {t('review.open')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
      {items.length > 0 && !screens.md ? (
        <Row gutter={[12, 12]} data-testid="review-queue">
          {items.map((r) => (
            <Col key={r.id} xs={24}>
                <Card
                  size="small"
                  data-testid={`queue-row-${r.id}`}
                  data-overdue={r.overdue ? 'true' : 'false'}
                  style={r.overdue ? { borderColor: '#ffa39e', background: '#fff1f0' } : undefined}
                >
                  <Flex vertical gap={6}>
                    <Flex justify="space-between" gap={8} wrap>
                      <Flex gap={8} align="center">
                        <Text strong>{r.maskedMsisdn}</Text>
                        {r.overdue ? (
                          <Tag color="red" data-testid="overdue">
                            {t('review.overdue')}
                          </Tag>
                        ) : null}
                      </Flex>
                      <Text type="secondary">
                        {pickName(r.carrierName, t.lang)} · {channelLabel(r.channel, t)}
                      </Text>
                    </Flex>
                    <Text style={r.overdue ? { color: OVERDUE_RED, fontWeight: 600 } : undefined}>
                      <ClockCircleOutlined /> {t('review.due')}{colon(t.lang)}{formatDateTime(r.slaDueAt, t.lang)}
                    </Text>
                    <Flex justify="space-between" gap={8} wrap>
                      <Text>
                        {t('review.bill')} {formatFen(r.billTotalFen)} · {t('review.refund')} {formatFen(r.refundFen)}
                      </Text>
                    </Flex>
                    {r.warnings.length ? <div>{warningTags(r.warnings)}</div> : null}
                    <Button type="primary" block onClick={() => open(r.id)} data-testid={`review-open-${r.id}`}>
                      {t('review.open')}
                    </Button>
                  </Flex>
                </Card>
            </Col>
          ))}
        </Row>
      ) : null}
    </Flex>
  );
}
