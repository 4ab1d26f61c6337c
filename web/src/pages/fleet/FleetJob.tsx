// One fleet job. Before it is confirmed: the dry run (counts, totals per carrier with bill and refund,
// every row with its state and reason) and the confirmation, which says how many lines will be
// cancelled, for good. After: the progress bar with counts per state, percent and ETA (live from the
// SSE stream, polled if it drops), the results per line, the downloads, retry the failed, stop.
import { useState } from 'react';
import { App as AntApp, Alert, Button, Card, Col, Flex, Modal, Popconfirm, Progress, Row, Statistic, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, RedoOutlined, StopOutlined } from '@ant-design/icons';
import { ErrorAlert, Loading } from '../../common.tsx';
import { formatDateTime, formatFen } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { ScrollRegion } from './ScrollRegion.tsx';
import {
  fleetFileUrl, isJobOver, useConfirmFleetJob, useFleetJob, useResendFleetEndEmail, useRetryFailedFleetLines, useStopFleetJob,
  type FleetJobView, type FleetRowState,
} from './fleet-hooks.ts';
import { FleetRows } from './FleetRows.tsx';
import { carrierLabel, etaText, jobStatusLabel } from './fleet-text.ts';

const { Title, Text, Paragraph } = Typography;

const DRY_RUN_STATES: readonly FleetRowState[] = ['ready', 'blocked', 'rejected'];
const RUN_STATES: readonly FleetRowState[] = ['queued', 'executing', 'completed', 'failed', 'stopped', 'blocked', 'rejected'];
const PROGRESS_STATES: readonly FleetRowState[] = ['queued', 'executing', 'completed', 'failed', 'stopped'];

export function FleetJob({ id }: { id: string }) {
  const { job, live } = useFleetJob(id);
  if (job.isPending) return <Loading />;
  if (job.isError) return <ErrorAlert error={job.error} />;
  const view = job.data;
  return (
    <Flex vertical gap={16} data-testid="fleet-job" data-status={view.status}>
      <JobHeading job={view} />
      {view.status === 'dry_run' ? <DryRun job={view} /> : <Running job={view} live={live} />}
    </Flex>
  );
}

function JobHeading({ job }: { job: FleetJobView }) {
  const t = useT();
  return (
    <Flex vertical gap={4}>
      <Flex align="center" gap={8} wrap>
        <Title level={3} style={{ margin: 0 }}>
          {t('fleet.job.heading', { id: job.id.slice(0, 8) })}
        </Title>
        <Tag data-testid="fleet-job-status">{jobStatusLabel(job.status, t)}</Tag>
      </Flex>
      <Text type="secondary">
        {t('fleet.job.created', { at: formatDateTime(job.createdAt, t.lang) })} · {t.dyn(`fleet.job.source.${job.source}`, job.source)}
        {job.effectiveDate ? ` · ${t('fleet.job.effective', { date: job.effectiveDate })}` : ''}
      </Text>
    </Flex>
  );
}

function DryRun({ job }: { job: FleetJobView }) {
  const t = useT();
  const { message } = AntApp.useApp();
  const confirm = useConfirmFleetJob();
  const [asking, setAsking] = useState(false);
  const ready = job.totals.ready;
  return (
    <>
      <Card>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('fleet.dry.title')}
        </Title>
        <Paragraph type="secondary">{t('fleet.dry.intro')}</Paragraph>
        <Row gutter={[16, 16]} data-testid="fleet-dry-figures">
          <Figure title={t('fleet.dry.rows')} value={job.totals.rows} testId="fleet-fig-rows" />
          <Figure title={t('fleet.dry.ready')} value={ready} testId="fleet-fig-ready" color="#237804" />
          <Figure title={t('fleet.dry.blocked')} value={job.totals.blocked} testId="fleet-fig-blocked" color="#ad4e00" />
          <Figure title={t('fleet.dry.rejected')} value={job.totals.rejected} testId="fleet-fig-rejected" color="#cf1322" />
        </Row>
        <CarrierTotals job={job} />
        <Flex vertical gap={8} style={{ marginTop: 16 }}>
          {ready === 0 ? <Alert type="info" showIcon title={t('fleet.confirm.nothing')} /> : null}
          {confirm.isError ? <ErrorAlert error={confirm.error} testId="fleet-confirm-error" /> : null}
          <div>
            <Button type="primary" danger disabled={ready === 0} onClick={() => setAsking(true)} data-testid="fleet-confirm-open">
              {t('fleet.confirm.button', { n: ready })}
            </Button>
          </div>
        </Flex>
      </Card>
      <Card>
        <FleetRows job={job} states={DRY_RUN_STATES} title={t('fleet.rows.title')} running={false} />
      </Card>
      <Modal
        open={asking}
        title={t('fleet.confirm.title')}
        okText={t('fleet.confirm.ok')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, loading: confirm.isPending, 'data-testid': 'fleet-confirm-ok' }}
        onCancel={() => setAsking(false)}
        onOk={() =>
          confirm.mutate(job.id, {
            onSuccess: (r) => {
              setAsking(false);
              void message.success(t('fleet.confirm.done', { n: r.queued }));
            },
            onError: () => setAsking(false),
          })
        }
        data-testid="fleet-confirm-dialog"
      >
        <Paragraph strong data-testid="fleet-confirm-body">{t('fleet.confirm.body', { n: ready })}</Paragraph>
        {job.totals.blocked > 0 ? <Paragraph>{t('fleet.confirm.blocked', { n: job.totals.blocked })}</Paragraph> : null}
      </Modal>
    </>
  );
}

function Figure({ title, value, testId, color }: { title: string; value: number; testId: string; color?: string }) {
  return (
    <Col xs={12} sm={6} data-testid={testId} data-value={value}>
      <Statistic title={title} value={value} styles={{ content: { fontSize: 22, ...(color ? { color } : {}) } }} />
    </Col>
  );
}

interface CarrierRow { carrier: string; lines: number; ready: number; blocked: number; billFen: number; refundFen: number }

function CarrierTotals({ job }: { job: FleetJobView }) {
  const t = useT();
  const rows: CarrierRow[] = Object.entries(job.totals.carriers).map(([carrier, c]) => ({ carrier, ...c }));
  const total: CarrierRow = { carrier: '', lines: job.totals.accepted, ready: job.totals.ready, blocked: job.totals.blocked, billFen: job.totals.billFen, refundFen: job.totals.refundFen };
  return (
    <Flex vertical gap={8} style={{ marginTop: 16 }}>
      <Title level={4} style={{ margin: 0 }}>
        {t('fleet.carriers.title')}
      </Title>
      <ScrollRegion label={t('fleet.carriers.title')}>
        <Table<CarrierRow>
          rowKey={(r) => r.carrier || 'total'}
          size="small"
          pagination={false}
                  data-testid="fleet-carriers"
          dataSource={rows.length ? [...rows, total] : []}
          onRow={(r) => ({ 'data-testid': `fleet-carrier-${r.carrier || 'total'}` }) as object}
          locale={{ emptyText: <span style={{ color: 'rgba(0,0,0,0.66)' }}>{t('fleet.carriers.none')}</span> }}
          columns={[
            { key: 'carrier', title: t('fleet.carriers.carrier'), render: (_, r) => (r.carrier ? carrierLabel(r.carrier, t) : <Text strong>{t('fleet.carriers.total')}</Text>) },
            { key: 'lines', title: t('fleet.carriers.lines'), dataIndex: 'lines', align: 'right' },
            { key: 'ready', title: t('fleet.carriers.ready'), dataIndex: 'ready', align: 'right' },
            { key: 'blocked', title: t('fleet.carriers.blocked'), dataIndex: 'blocked', align: 'right' },
            { key: 'bill', title: t('fleet.carriers.bill'), align: 'right', render: (_, r) => <span data-testid="fleet-carrier-bill">{formatFen(r.billFen)}</span> },
            { key: 'refund', title: t('fleet.carriers.refund'), align: 'right', render: (_, r) => <span data-testid="fleet-carrier-refund">{formatFen(r.refundFen)}</span> },
          ]}
        />
      </ScrollRegion>
      <Text type="secondary">{t('fleet.carriers.moneyNote')}</Text>
    </Flex>
  );
}

function Running({ job, live }: { job: FleetJobView; live: boolean }) {
  const t = useT();
  const { message } = AntApp.useApp();
  const retry = useRetryFailedFleetLines();
  const stop = useStopFleetJob();
  const resend = useResendFleetEndEmail();
  const over = isJobOver(job.status);
  const failed = job.counts.failed ?? 0;
  const scheduled = !over && job.effectiveDate && job.effectiveDate > new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const actionError = retry.error ?? stop.error ?? resend.error;
  return (
    <>
      <Card>
        <Flex align="center" justify="space-between" gap={8} wrap>
          <Title level={3} style={{ margin: 0 }}>
            {t('fleet.progress.title')}
          </Title>
          {over ? null : (
            <Tag color={live ? 'processing' : 'default'} data-testid="fleet-live">
              {live ? t('fleet.progress.live') : t('fleet.progress.polling')}
            </Tag>
          )}
        </Flex>
        <Progress
          percent={job.percent}
          status={over ? (failed > 0 ? 'exception' : 'success') : 'active'}
          aria-label={t('fleet.progress.label')}
          data-testid="fleet-progress"
          data-percent={job.percent}
          style={{ marginTop: 12 }}
        />
        <Flex gap={16} wrap style={{ marginTop: 8 }} data-testid="fleet-progress-text">
          <Text strong>{t('fleet.progress.percent', { percent: job.percent })}</Text>
          <Text type="secondary">
            {over
              ? t('fleet.progress.done', { at: formatDateTime(job.finishedAt, t.lang) })
              : scheduled
                ? t('fleet.progress.scheduled', { date: job.effectiveDate! })
                : job.etaSeconds !== null && job.etaSeconds > 0
                  ? t('fleet.progress.eta', { time: etaText(job.etaSeconds, t) })
                  : t('fleet.progress.etaUnknown')}
          </Text>
        </Flex>
        <Row gutter={[16, 16]} style={{ marginTop: 12 }} data-testid="fleet-counts">
          {PROGRESS_STATES.map((s) => (
            <Col key={s} xs={8} sm={4} data-testid={`fleet-count-${s}`} data-value={job.counts[s] ?? 0}>
              <Statistic title={t.dyn(`fleet.state.${s}`, s)} value={job.counts[s] ?? 0} styles={{ content: { fontSize: 20 } }} />
            </Col>
          ))}
        </Row>
        <Flex gap={8} wrap style={{ marginTop: 16 }}>
          <Button icon={<DownloadOutlined />} href={fleetFileUrl(job.id, 'results.csv')} download data-testid="fleet-download-csv">
            {t('fleet.actions.csv')}
          </Button>
          {over ? (
            <>
              <Button icon={<DownloadOutlined />} href={fleetFileUrl(job.id, 'summary.pdf')} download data-testid="fleet-download-pdf">
                {t('fleet.actions.pdf')}
              </Button>
              <Button icon={<DownloadOutlined />} href={fleetFileUrl(job.id, 'manifest')} download data-testid="fleet-download-manifest">
                {t('fleet.actions.manifest')}
              </Button>
            </>
          ) : null}
          {failed > 0 ? (
            <Button
              icon={<RedoOutlined />}
              loading={retry.isPending}
              data-testid="fleet-retry"
              onClick={() => retry.mutate(job.id, { onSuccess: (r) => void message.success(t('fleet.actions.retried', { n: r.retried })) })}
            >
              {t('fleet.actions.retry', { n: failed })}
            </Button>
          ) : null}
          {job.status === 'running' ? (
            <Popconfirm
              title={t('fleet.actions.stopConfirm')}
              okText={t('fleet.actions.stopOk')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => stop.mutate(job.id, { onSuccess: (r) => void message.success(t('fleet.actions.stopped', { n: r.stopped })) })}
            >
              <Button danger icon={<StopOutlined />} loading={stop.isPending} data-testid="fleet-stop">
                {t('fleet.actions.stop')}
              </Button>
            </Popconfirm>
          ) : null}
        </Flex>
        {over ? null : <Text type="secondary" style={{ display: 'block', marginTop: 8 }}>{t('fleet.actions.proofAfterEnd')}</Text>}
        {over && job.endEmailFailure ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 12 }}
            data-testid="fleet-end-email-failed"
            title={t('fleet.endEmail.failed', { at: formatDateTime(job.endEmailFailure.at, t.lang) })}
            description={job.endEmailFailure.error ? t('fleet.endEmail.error', { error: job.endEmailFailure.error }) : undefined}
            action={(
              <Button
                size="small"
                loading={resend.isPending}
                data-testid="fleet-end-email-resend"
                onClick={() => resend.mutate(job.id, { onSuccess: () => void message.success(t('fleet.endEmail.resent')) })}
              >
                {t('fleet.endEmail.resend')}
              </Button>
            )}
          />
        ) : null}
        {actionError ? <div style={{ marginTop: 12 }}><ErrorAlert error={actionError} /></div> : null}
      </Card>
      <Card>
        <FleetRows job={job} states={RUN_STATES} title={t('fleet.rows.results')} running={!over} />
      </Card>
    </>
  );
}
