// The dashboard's figures for a range of China calendar days and a carrier: cancellations per day
// (stacked by channel, carrier or outcome), requests by status, the review SLA, submit-to-completion
// time, refunds paid and owed, the most frequent blocking conditions, and what needs attention now.
import { lazy, Suspense, useCallback, useDeferredValue, useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Flex, Row, Segmented, Select, Statistic, Typography } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { getOpsStats, opsStatsCsvUrl, type StatsFilter } from '../../api.ts';
import type { OpsStats } from '../../api-types.ts';
import { channelLabel, ErrorAlert, Loading, statusLabel } from '../../common.tsx';
import type { ChartOption } from '../../components/EChart.tsx';
import { formatFen } from '../../format.ts';
import { useT, type TFunction } from '../../i18n.tsx';
import { addDays, chinaToday, daysBetween, CARRIERS } from './ops-rules.ts';
import { DayRange } from './DayRange.tsx';

const { Text } = Typography;

// ECharts (the heaviest library of the app, ~160 KiB compressed) loads when the first chart comes into
// view, and each chart is drawn only then (on a phone the charts are below the figures): a visit
// that never scrolls to them neither downloads nor runs it. Each chart's height is reserved meanwhile
// (the placeholder carries the chart's test id), so nothing below it moves.
const LazyEChart = lazy(() => import('../../components/EChart.tsx').then((m) => ({ default: m.EChart })));

/** True once the element has come within `margin` of the viewport (at once where IntersectionObserver is missing). */
function useNearViewport(margin = '0px'): [boolean, (el: HTMLDivElement | null) => void] {
  const [near, setNear] = useState(() => typeof IntersectionObserver !== 'function');
  const ref = useCallback((el: HTMLDivElement | null) => {
    if (!el || typeof IntersectionObserver !== 'function') return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setNear(true);
        io.disconnect();
      }
    }, { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [margin]);
  return [near, ref];
}

function EChart(props: { option: ChartOption; height: number; testId: string; label: string }) {
  const [near, ref] = useNearViewport();
  const placeholder = <div ref={near ? undefined : ref} data-testid={props.testId} style={{ width: '100%', height: props.height }} aria-hidden />;
  if (!near) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <LazyEChart {...props} />
    </Suspense>
  );
}
type Dimension = 'channel' | 'carrier' | 'outcome';

const OUTCOME_COLORS: Record<string, string> = {
  completed: '#52c41a',
  in_progress: '#1677ff',
  needs_attention: '#fa8c16',
  rejected: '#f5222d',
  withdrawn: '#bfbfbf',
};
const STATUS_COLORS: Record<string, string> = {
  pending_review: '#faad14',
  approved: '#69b1ff',
  executing: '#1677ff',
  completed: '#52c41a',
  rejected: '#f5222d',
  withdrawn: '#bfbfbf',
  needs_attention: '#fa8c16',
};

/** Hours as the dashboard shows them: minutes under an hour, one decimal under ten hours. */
export function hours(v: number | null, t: TFunction): string {
  if (v === null || v === undefined) return '—';
  if (v < 1) return t('ops.minutes', { n: Math.round(v * 60) });
  return t('ops.hours', { n: v.toFixed(v < 10 ? 1 : 0) });
}

export default function Overview({ onOpenAttention }: { onOpenAttention: () => void }) {
  const t = useT();
  const today = chinaToday();
  const [filter, setFilter] = useState<Required<StatsFilter>>({ from: addDays(today, -29), to: today, carrier: '' });
  const [dimension, setDimension] = useState<Dimension>('outcome');
  const validRange = !!filter.from && !!filter.to && filter.from <= filter.to;
  const stats = useQuery({
    queryKey: ['ops-stats', filter, t.lang],
    queryFn: () => getOpsStats(filter),
    enabled: validRange,
    placeholderData: (prev) => prev,
    refetchInterval: 60_000,
  });

  // The figures are drawn from the answer in a transition (React renders them in slices, yielding to the
  // browser between them) instead of in the one task that receives it.
  const shown = useDeferredValue(stats.data);

  const preset = (days: number) => setFilter({ ...filter, from: addDays(today, -(days - 1)), to: today });
  const presetValue = filter.to === today ? [7, 30, 90].find((d) => filter.from === addDays(today, -(d - 1))) : undefined;

  return (
    <Flex vertical gap={16} data-testid="ops-overview">
      <Card size="small">
        <Flex gap={12} wrap align="flex-end">
          <Flex vertical gap={4}>
            <Text type="secondary">{t('ops.filter.carrier')}</Text>
            <Select
              data-testid="ops-carrier"
              style={{ width: 160 }}
              value={filter.carrier}
              onChange={(carrier: string) => setFilter({ ...filter, carrier })}
              options={[{ value: '', label: t('ops.filter.allCarriers') }, ...CARRIERS.map((c) => ({ value: c, label: t.dyn(`carrier.${c}`, c) }))]}
              aria-label={t('ops.filter.carrier')}
            />
          </Flex>
          <Flex vertical gap={4}>
            <Text type="secondary">{t('ops.filter.range')}</Text>
            <DayRange
              testId="ops-range"
              value={validRange ? { from: filter.from, to: filter.to } : null}
              onChange={(v) => v && setFilter({ ...filter, from: v.from, to: v.to })}
              label={[t('ops.filter.from'), t('ops.filter.to')]}
            />
          </Flex>
          <Segmented<number>
            value={presetValue ?? 0}
            onChange={(d) => d && preset(d)}
            options={[
              { value: 7, label: t('ops.filter.days', { n: 7 }) },
              { value: 30, label: t('ops.filter.days', { n: 30 }) },
              { value: 90, label: t('ops.filter.days', { n: 90 }) },
            ]}
          />
          <Flex gap={8} style={{ marginInlineStart: 'auto' }} wrap>
            <Button icon={<ReloadOutlined />} onClick={() => stats.refetch()} loading={stats.isFetching} aria-label={t('ops.refresh')} />
            <Button icon={<DownloadOutlined />} href={opsStatsCsvUrl(filter)} download data-testid="ops-csv" disabled={!validRange}>
              {t('ops.csv')}
            </Button>
          </Flex>
        </Flex>
        {!validRange ? <Text type="danger">{t('ops.filter.badRange')}</Text> : null}
      </Card>

      {(stats.isPending || (stats.data && !shown)) && validRange ? <Loading /> : null}
      {stats.isError ? <ErrorAlert error={stats.error} testId="ops-error" /> : null}
      {shown ? (
        <Figures stats={shown} dimension={dimension} setDimension={setDimension} onOpenAttention={onOpenAttention} />
      ) : null}
    </Flex>
  );
}

function Figures({
  stats,
  dimension,
  setDimension,
  onOpenAttention,
}: {
  stats: OpsStats;
  dimension: Dimension;
  setDimension: (d: Dimension) => void;
  onOpenAttention: () => void;
}) {
  const t = useT();
  const total = Object.values(stats.byStatus).reduce((a, b) => a + (b ?? 0), 0);
  const perDay = usePerDayOption(stats, dimension, t);
  const statusOption = useStatusOption(stats, t);
  const blockerOption = useBlockerOption(stats, t);

  return (
    <Flex vertical gap={16}>
      {stats.needsAttention > 0 ? (
        <Alert
          type="warning"
          showIcon
          data-testid="ops-attention-alert"
          title={t('ops.attentionAlert', { n: stats.needsAttention })}
          action={
            <Button size="small" onClick={onOpenAttention}>
              {t('ops.openQueue')}
            </Button>
          }
        />
      ) : null}

      <Row gutter={[12, 12]}>
        <Figure testId="fig-total" title={t('ops.fig.total')} value={total} />
        <Figure testId="fig-completed" title={t('ops.fig.completed')} value={stats.byStatus.completed ?? 0} />
        <Figure
          testId="fig-attention"
          title={t('ops.fig.attention')}
          value={stats.needsAttention}
          color={stats.needsAttention ? '#d46b08' : undefined}
        />
        <Figure
          testId="fig-overdue"
          title={t('ops.fig.overdue')}
          value={stats.reviewSla.overdueNow}
          color={stats.reviewSla.overdueNow ? '#cf1322' : undefined}
        />
        <Figure
          testId="fig-review"
          title={t('ops.fig.review')}
          value={hours(stats.reviewSla.medianHours, t)}
          sub={t('ops.fig.reviewSub', { p90: hours(stats.reviewSla.p90Hours, t), n: stats.reviewSla.decided, late: stats.reviewSla.decidedLate })}
        />
        <Figure
          testId="fig-completion"
          title={t('ops.fig.completion')}
          value={hours(stats.completionTime.medianHours, t)}
          sub={t('ops.fig.completionSub', { p90: hours(stats.completionTime.p90Hours, t), n: stats.completionTime.completed })}
        />
        <Figure
          testId="fig-refund-paid"
          title={t('ops.fig.refundPaid')}
          value={formatFen(stats.refunds.paidFen)}
          sub={t('ops.fig.requests', { n: stats.refunds.paidRequests })}
        />
        <Figure
          testId="fig-refund-owed"
          title={t('ops.fig.refundOwed')}
          value={formatFen(stats.refunds.owedFen)}
          sub={t('ops.fig.requests', { n: stats.refunds.owedRequests })}
        />
      </Row>

      <Card size="small" title={t('ops.chart.perDay')}>
        <Flex justify="flex-end" style={{ marginBottom: 8 }}>
          <Segmented<Dimension>
            size="small"
            data-testid="ops-dimension"
            value={dimension}
            onChange={setDimension}
            options={[
              { value: 'outcome', label: t('ops.dim.outcome') },
              { value: 'channel', label: t('ops.dim.channel') },
              { value: 'carrier', label: t('ops.dim.carrier') },
            ]}
          />
        </Flex>
        <EChart option={perDay} height={320} testId="chart-per-day" label={t('ops.chart.perDay')} />
      </Card>

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('ops.chart.byStatus')} style={{ height: '100%' }}>
            {total > 0 ? (
              <EChart option={statusOption} height={280} testId="chart-by-status" label={t('ops.chart.byStatus')} />
            ) : (
              <Empty />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('ops.chart.blockers')} style={{ height: '100%' }}>
            {stats.topBlockers.length > 0 ? (
              <EChart
                option={blockerOption}
                height={Math.max(200, 34 * stats.topBlockers.length + 40)}
                testId="chart-blockers"
                label={t('ops.chart.blockers')}
              />
            ) : (
              <Empty />
            )}
          </Card>
        </Col>
      </Row>
    </Flex>
  );
}

function Empty() {
  const t = useT();
  return (
    <Flex align="center" justify="center" style={{ height: 200 }}>
      <Text type="secondary">{t('ops.noData')}</Text>
    </Flex>
  );
}

function Figure({
  title,
  value,
  sub,
  color,
  testId,
}: {
  title: string;
  value: string | number;
  sub?: string;
  color?: string;
  testId: string;
}) {
  return (
    <Col xs={12} md={8} xl={6}>
      <Card size="small" style={{ height: '100%' }} data-testid={testId}>
        <Statistic title={title} value={value} styles={{ content: { fontSize: 22, ...(color ? { color } : {}) } }} />
        {sub ? (
          <Text type="secondary" style={{ fontSize: 12 }}>
            {sub}
          </Text>
        ) : null}
      </Card>
    </Col>
  );
}

function seriesLabel(dimension: Dimension, key: string, t: TFunction): string {
  if (dimension === 'channel') return channelLabel(key, t);
  if (dimension === 'carrier') return t.dyn(`carrier.${key}`, key);
  return t.dyn(`outcome.${key}`, key);
}

function usePerDayOption(stats: OpsStats, dimension: Dimension, t: TFunction): ChartOption {
  return useMemo(() => {
    const days = daysBetween(stats.range.from, stats.range.to);
    const keys = [...new Set(stats.cancellationsPerDay.map((r) => r[dimension]))].sort();
    const index = new Map(days.map((d, i) => [d, i]));
    const series = keys.map((k) => {
      const data = days.map(() => 0);
      for (const r of stats.cancellationsPerDay) {
        if (r[dimension] !== k) continue;
        const i = index.get(r.date);
        if (i !== undefined) data[i] += r.count;
      }
      return {
        type: 'bar' as const,
        name: seriesLabel(dimension, k, t),
        stack: 'total',
        data,
        barMaxWidth: 28,
        ...(dimension === 'outcome' && OUTCOME_COLORS[k] ? { itemStyle: { color: OUTCOME_COLORS[k] } } : {}),
      };
    });
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.length ? series : [{ type: 'bar', name: t('ops.noData'), data: days.map(() => 0) }],
    };
  }, [stats, dimension, t]);
}

function useStatusOption(stats: OpsStats, t: TFunction): ChartOption {
  return useMemo(() => {
    const data = Object.entries(stats.byStatus)
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([status, n]) => ({ name: statusLabel(status, t), value: n ?? 0, itemStyle: { color: STATUS_COLORS[status] } }));
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', '45%'],
          avoidLabelOverlap: true,
          label: { formatter: '{b}\n{c}' },
          data,
        },
      ],
    };
  }, [stats, t]);
}

function useBlockerOption(stats: OpsStats, t: TFunction): ChartOption {
  return useMemo(() => {
    const rows = [...stats.topBlockers].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        data: rows.map((b) => t.dyn(`blocker.${b.code}`, b.code)),
        axisLabel: { width: 110, overflow: 'truncate' },
      },
      series: [{ type: 'bar', data: rows.map((b) => b.count), itemStyle: { color: '#fa541c' }, barMaxWidth: 22, label: { show: true, position: 'right' } }],
    };
  }, [stats, t]);
}
