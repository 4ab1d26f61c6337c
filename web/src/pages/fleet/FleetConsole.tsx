// The fleet console (role company_admin, bound to one company): a new job (paste or CSV, optional
// effective date) and the company's earlier jobs; one job at ?job=<id> (its dry run, then its
// progress), so a reload or a shared link opens the same job. Every call is bound to the signed-in
// administrator's company by the server.
import { Button, Flex, Table, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { ErrorAlert, useMe } from '../../common.tsx';
import { RequireStaff } from '../../components/RequireStaff.tsx';
import { formatDateTime } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { ScrollRegion } from './ScrollRegion.tsx';
import { useFleetJobs, type FleetJobListItem } from './fleet-hooks.ts';
import { FleetJob } from './FleetJob.tsx';
import { NewFleetJob } from './NewFleetJob.tsx';
import { jobStatusLabel } from './fleet-text.ts';

const { Title, Text, Paragraph } = Typography;

export default function FleetConsolePage() {
  return (
    <RequireStaff roles={['company_admin']} allowAdmin={false}>
      <FleetConsole />
    </RequireStaff>
  );
}

function FleetConsole() {
  const t = useT();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  const open = (id: string | null) => setParams(id ? { job: id } : {});
  const who = me.data?.kind === 'staff' ? me.data.displayName ?? me.data.username : '';
  return (
    <Flex vertical gap={16} data-testid="fleet-console">
      <div>
        <Title level={2} style={{ margin: 0 }}>
          {t('fleet.title')}
        </Title>
        {who ? <Text type="secondary">{t('fleet.role')} · {who}</Text> : null}
        <Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('fleet.intro')}
        </Paragraph>
      </div>
      {jobId ? (
        <>
          <div>
            <Button type="link" style={{ padding: 0 }} onClick={() => open(null)} data-testid="fleet-back">
              ← {t('fleet.job.back')}
            </Button>
          </div>
          {/* Keyed by the job: a stream that dropped for one job does not leave the next one polling. */}
          <FleetJob key={jobId} id={jobId} />
        </>
      ) : (
        <>
          <NewFleetJob onCreated={(job) => open(job.id)} />
          <JobList onOpen={open} />
        </>
      )}
    </Flex>
  );
}

function JobList({ onOpen }: { onOpen: (id: string) => void }) {
  const t = useT();
  const jobs = useFleetJobs();
  return (
    <Flex vertical gap={8} data-testid="fleet-jobs">
      <Title level={3} style={{ margin: 0 }}>
        {t('fleet.list.title')}
      </Title>
      {jobs.isError ? <ErrorAlert error={jobs.error} /> : null}
      <ScrollRegion label={t('fleet.list.title')}>
        <Table<FleetJobListItem>
          rowKey="id"
          size="small"
          loading={jobs.isPending}
          dataSource={jobs.data?.items ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
                  onRow={(j) => ({ 'data-testid': `fleet-job-${j.id}` }) as object}
          locale={{ emptyText: <span style={{ color: 'rgba(0,0,0,0.66)' }}>{t('fleet.list.none')}</span> }}
          columns={[
            { key: 'created', title: t('fleet.list.created'), render: (_, j) => formatDateTime(j.createdAt, t.lang) },
            { key: 'status', title: t('fleet.list.status'), render: (_, j) => jobStatusLabel(j.status, t) },
            { key: 'rows', title: t('fleet.list.rows'), dataIndex: 'rowsTotal', align: 'right' },
            { key: 'accepted', title: t('fleet.list.accepted'), dataIndex: 'rowsAccepted', align: 'right' },
            {
              key: 'open', title: t('fleet.list.open'),
              render: (_, j) => (
                <Button size="small" onClick={() => onOpen(j.id)} data-testid="fleet-job-open" aria-label={`${t('fleet.list.open')} ${j.id.slice(0, 8)}`}>
                  {t('fleet.list.open')}
                </Button>
              ),
            },
          ]}
        />
      </ScrollRegion>
    </Flex>
  );
}
