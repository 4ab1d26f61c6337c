// The number pool: how many numbers are assigned, frozen, recovered, available again, and the numbers
// themselves (masked) with the end of their freeze.
import { useState } from 'react';
import { Button, Card, Empty, Flex, Grid, Input, Select, Table, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { getNumberPool, type PoolNumber, type PoolState } from '../../api.ts';
import { ErrorAlert, Loading } from '../../common.tsx';
import { formatDateTime } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { CARRIERS } from './ops-rules.ts';

const { Text } = Typography;
const STATES: PoolState[] = ['assigned', 'frozen', 'recovered', 'available'];
const STATE_COLORS: Record<PoolState, string> = { assigned: 'blue', frozen: 'cyan', recovered: 'purple', available: 'green' };

export function NumberPool() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [state, setState] = useState<string>('frozen');
  const [carrier, setCarrier] = useState<string>('');
  const [msisdn, setMsisdn] = useState('');
  const [search, setSearch] = useState('');
  const pool = useQuery({
    queryKey: ['number-pool', state, carrier, search],
    queryFn: () => getNumberPool({ state, carrier, msisdn: search }),
    placeholderData: (prev) => prev,
  });

  const stateTag = (n: PoolNumber) => (
    <Flex gap={4} wrap>
      <Tag color={STATE_COLORS[n.state]}>{t.dyn(`pool.${n.state}`, n.state)}</Tag>
      {n.recoverable ? <Tag color="gold">{t('ops.pool.recoverable')}</Tag> : null}
      {n.releaseDue ? <Tag color="orange">{t('ops.pool.releaseDue')}</Tag> : null}
    </Flex>
  );

  return (
    <Flex vertical gap={12} data-testid="number-pool">
      <Card size="small">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(msisdn.trim());
          }}
        >
          <Flex gap={8} wrap align="center">
            <Select
              data-testid="pool-state"
              value={state}
              onChange={setState}
              style={{ width: 150 }}
              aria-label={t('ops.pool.state')}
              options={[{ value: '', label: t('ops.pool.allStates') }, ...STATES.map((s) => ({ value: s, label: t.dyn(`pool.${s}`, s) }))]}
            />
            <Select
              value={carrier}
              onChange={setCarrier}
              style={{ width: 150 }}
              aria-label={t('ops.filter.carrier')}
              options={[{ value: '', label: t('ops.filter.allCarriers') }, ...CARRIERS.map((c) => ({ value: c, label: t.dyn(`carrier.${c}`, c) }))]}
            />
            <Input
              value={msisdn}
              onChange={(e) => setMsisdn(e.target.value)}
              placeholder={t('ops.pool.msisdn')}
              aria-label={t('ops.pool.msisdn')}
              inputMode="tel"
              allowClear
              style={{ flex: '1 1 180px', minWidth: 0 }}
            />
            <Button htmlType="submit" icon={<SearchOutlined />}>
              {t('lines.searchButton')}
            </Button>
          </Flex>
        </form>
        {pool.data?.counts ? (
          <Flex gap={8} wrap style={{ marginTop: 12 }} data-testid="pool-counts">
            {STATES.map((s) => (
              <Tag key={s} color={STATE_COLORS[s]} style={{ fontSize: 13, padding: '2px 8px' }}>
                {t.dyn(`pool.${s}`, s)} {pool.data?.counts?.[s] ?? 0}
              </Tag>
            ))}
          </Flex>
        ) : null}
      </Card>
      {pool.isPending ? <Loading /> : null}
      {pool.isError ? <ErrorAlert error={pool.error} /> : null}
      {pool.data && pool.data.items.length === 0 ? <Empty description={t('ops.pool.empty')} /> : null}
      {pool.data && pool.data.items.length > 0 && screens.md ? (
        <Table<PoolNumber>
          size="small"
          rowKey={(n) => `${n.carrier}-${n.maskedMsisdn}-${n.updatedAt}`}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          dataSource={pool.data.items}
          columns={[
            { key: 'msisdn', title: t('line.msisdn'), render: (_, n) => <Text strong>{n.maskedMsisdn}</Text> },
            { key: 'carrier', title: t('line.carrier'), render: (_, n) => t.dyn(`carrier.${n.carrier}`, n.carrier) },
            { key: 'state', title: t('ops.pool.state'), render: (_, n) => stateTag(n) },
            { key: 'until', title: t('ops.pool.frozenUntil'), render: (_, n) => formatDateTime(n.frozenUntil, t.lang) },
            { key: 'updated', title: t('ops.pool.updated'), render: (_, n) => formatDateTime(n.updatedAt, t.lang) },
          ]}
        />
      ) : null}
      {pool.data && pool.data.items.length > 0 && !screens.md
        ? pool.data.items.map((n) => (
            <Card key={`${n.carrier}-${n.maskedMsisdn}-${n.updatedAt}`} size="small">
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} wrap>
                  <Text strong>{n.maskedMsisdn}</Text>
                  <Text type="secondary">{t.dyn(`carrier.${n.carrier}`, n.carrier)}</Text>
                </Flex>
                {stateTag(n)}
                {n.frozenUntil ? (
                  <Text type="secondary">
                    {t('ops.pool.frozenUntil')} {formatDateTime(n.frozenUntil, t.lang)}
                  </Text>
                ) : null}
              </Flex>
            </Card>
          ))
        : null}
    </Flex>
  );
}
