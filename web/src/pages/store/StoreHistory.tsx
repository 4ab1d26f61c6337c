// The clerk's own day at the counter: the requests they took since midnight, newest first.
import { Button, Card, Empty, Flex, Grid, Table, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { getStoreHistory, type StoreHistoryItem } from '../../api.ts';
import { ErrorAlert, Loading, StatusTag } from '../../common.tsx';
import { formatDateTime, formatFen, formatBeijingClock } from '../../format.ts';
import { useT } from '../../i18n.tsx';

const { Text } = Typography;

export function StoreHistory() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const history = useQuery({ queryKey: ['store-history'], queryFn: getStoreHistory, refetchInterval: 15_000 });
  if (history.isPending) return <Loading />;
  if (history.isError) return <ErrorAlert error={history.error} />;
  const items = history.data.items;
  const totals = items.reduce(
    (acc, r) => ({
      done: acc.done + (r.status === 'completed' ? 1 : 0),
      cash: acc.cash + (r.refundRoute === 'cash' ? (r.refundFen ?? 0) : 0),
    }),
    { done: 0, cash: 0 },
  );
  const time = (iso: string) => formatBeijingClock(iso, t.lang); // the store's day, in Beijing time
  const route = (r: StoreHistoryItem) => (r.refundRoute ? t.dyn(`agreement.route.${r.refundRoute}`, r.refundRoute) : '—');

  return (
    <Flex vertical gap={12} data-testid="store-history">
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Text data-testid="history-summary">
          {t('store.history.summary', { n: items.length, done: totals.done, cash: formatFen(totals.cash) })}
        </Text>
        <Button size="small" icon={<ReloadOutlined />} onClick={() => history.refetch()} loading={history.isFetching}>
          {t('common.retry')}
        </Button>
      </Flex>
      {items.length === 0 ? <Empty description={t('store.history.empty')} /> : null}
      {items.length > 0 && screens.md ? (
        <Table<StoreHistoryItem>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={items}
          columns={[
            { key: 'at', title: t('store.history.time'), render: (_, r) => time(r.createdAt) },
            { key: 'msisdn', title: t('line.msisdn'), render: (_, r) => <Text strong>{r.maskedMsisdn}</Text> },
            { key: 'carrier', title: t('line.carrier'), render: (_, r) => t.dyn(`carrier.${r.carrier}`, r.carrier) },
            { key: 'status', title: t('store.history.status'), render: (_, r) => <StatusTag status={r.status} /> },
            { key: 'bill', title: t('review.bill'), align: 'right', render: (_, r) => formatFen(r.billTotalFen ?? 0) },
            { key: 'refund', title: t('review.refund'), align: 'right', render: (_, r) => formatFen(r.refundFen ?? 0) },
            { key: 'route', title: t('refund.route'), render: (_, r) => route(r) },
            {
              key: 'open',
              title: '',
              align: 'right',
              render: (_, r) => (
                <Link to={`/staff/store/requests/${r.id}`} data-testid={`history-open-${r.id}`}>
                  {t('requests.view')}
                </Link>
              ),
            },
          ]}
        />
      ) : null}
      {items.length > 0 && !screens.md
        ? items.map((r) => (
            <Card key={r.id} size="small">
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} wrap>
                  <Text strong>{r.maskedMsisdn}</Text>
                  <StatusTag status={r.status} />
                </Flex>
                <Text type="secondary">
                  {formatDateTime(r.createdAt, t.lang)} · {t.dyn(`carrier.${r.carrier}`, r.carrier)}
                </Text>
                <Text>
                  {t('review.bill')} {formatFen(r.billTotalFen ?? 0)} · {t('review.refund')} {formatFen(r.refundFen ?? 0)} · {route(r)}
                </Text>
                <Link to={`/staff/store/requests/${r.id}`} data-testid={`history-open-${r.id}`}>
                  {t('requests.view')}
                </Link>
              </Flex>
            </Card>
          ))
        : null}
    </Flex>
  );
}
