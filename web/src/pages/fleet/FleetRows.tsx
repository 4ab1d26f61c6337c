// A fleet job's rows, in file order, from the server page by page (GET /fleet/jobs/:id/lines): the
// state and the reason in words, the carrier, the bill and refund; filtered by state. The page count
// comes from the job's counts per state, so no row is read twice to count them.
import { useState, type HTMLAttributes } from 'react';
import { Flex, Select, Table, Tag, Typography } from 'antd';
import { ErrorAlert } from '../../common.tsx';
import { formatFen } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { ScrollRegion } from './ScrollRegion.tsx';
import { useFleetLines, type FleetJobView, type FleetLine, type FleetRowState } from './fleet-hooks.ts';
import { carrierLabel, rowReason, rowStateLabel } from './fleet-text.ts';

const { Title, Text } = Typography;
const PAGE_SIZE = 20;

const STATE_COLORS: Record<FleetRowState, string> = {
  rejected: 'error', blocked: 'warning', ready: 'blue', queued: 'default', executing: 'processing', completed: 'success', failed: 'error', stopped: 'default',
};

export function FleetRows({ job, states, title, running }: { job: FleetJobView; states: readonly FleetRowState[]; title: string; running: boolean }) {
  const t = useT();
  const [state, setState] = useState<FleetRowState | ''>('');
  const [page, setPage] = useState(1);
  const lines = useFleetLines(job.id, state, page, PAGE_SIZE, running);
  const total = state ? job.counts[state] ?? 0 : job.rowsTotal;
  const filterId = `fleet-rows-filter-${job.id}`;
  return (
    <Flex vertical gap={12}>
      <Flex align="center" justify="space-between" gap={12} wrap>
        <Title level={3} style={{ margin: 0 }}>
          {title}
        </Title>
        <Flex align="center" gap={8}>
          <label htmlFor={filterId}>{t('fleet.rows.filter')}</label>
          <Select<FleetRowState | ''>
            id={filterId}
            value={state}
            style={{ minWidth: 160 }}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
            data-testid="fleet-rows-filter"
            options={[
              { value: '', label: `${t('fleet.state.all')} (${job.rowsTotal})` },
              ...states.map((s) => ({ value: s, label: `${rowStateLabel(s, t)} (${job.counts[s] ?? 0})` })),
            ]}
          />
        </Flex>
      </Flex>
      {lines.isError ? <ErrorAlert error={lines.error} /> : null}
      <ScrollRegion label={title}>
        <Table<FleetLine>
          rowKey="rowNo"
          size="small"
          data-testid="fleet-rows"
          loading={lines.isPending}
          dataSource={lines.data?.lines ?? []}
                  onRow={(l) => ({ 'data-testid': `fleet-row-${l.rowNo}`, 'data-state': l.state, 'data-reason': l.reason ?? '' }) as HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: PAGE_SIZE, total, showSizeChanger: false, onChange: setPage, hideOnSinglePage: true, size: 'small' }}
          locale={{ emptyText: <span style={{ color: 'rgba(0,0,0,0.66)' }}>{t('fleet.rows.none')}</span> }}
          columns={[
            { key: 'row', title: t('fleet.rows.row'), dataIndex: 'rowNo', width: 56 },
            {
              key: 'input', title: t('fleet.rows.input'),
              render: (_, l) => (l.input.trim() ? <Text code style={{ whiteSpace: 'nowrap' }}>{l.input}</Text> : <Text type="secondary">{t('fleet.rows.blank')}</Text>),
            },
            { key: 'kind', title: t('fleet.rows.kind'), render: (_, l) => (l.kind ? t.dyn(`fleet.kind.${l.kind}`, l.kind) : '—') },
            { key: 'carrier', title: t('fleet.rows.carrier'), render: (_, l) => carrierLabel(l.carrier, t) },
            {
              key: 'state', title: t('fleet.rows.state'),
              render: (_, l) => <Tag color={STATE_COLORS[l.state]} data-testid="fleet-row-state">{rowStateLabel(l.state, t)}</Tag>,
            },
            { key: 'reason', title: t('fleet.rows.reason'), render: (_, l) => <span data-testid="fleet-row-reason">{rowReason(l, t)}</span> },
            { key: 'bill', title: t('fleet.rows.bill'), align: 'right', render: (_, l) => (l.carrier ? formatFen(l.billFen) : '') },
            { key: 'refund', title: t('fleet.rows.refund'), align: 'right', render: (_, l) => (l.carrier ? formatFen(l.refundFen) : '') },
          ]}
        />
      </ScrollRegion>
    </Flex>
  );
}
