// The operations dashboard (roles ops and admin): figures and charts, the needs-attention queue, the
// audit trail, the number pool, and — for admins — carrier and MVNO settings. One tab each; the tab
// is in the URL (?tab=) so a link can open it. The charts load in their own chunk. On a phone the six
// tabs do not fit: a labelled select picks the section instead (Ant Design's overflow "more" button sits
// inside the tablist, which screen readers cannot use).
import { lazy, Suspense, type ReactNode } from 'react';
import { Button, Flex, Grid, Select, Tabs, Typography } from 'antd';
import { TeamOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import { Loading, useMe } from '../../common.tsx';
import { RequireStaff } from '../../components/RequireStaff.tsx';
import { useT } from '../../i18n.tsx';

// Each section is its own chunk, loaded when its tab is opened: the overview (the page's default, whose
// chunk ops.html preloads) does not wait for the others' tables and forms (antd's Table alone is ~90 KiB
// compressed) to come over the network and be evaluated.
const Overview = lazy(() => import('./Overview.tsx'));
const NeedsAttention = lazy(() => import('./NeedsAttention.tsx').then((m) => ({ default: m.NeedsAttention })));
const AuditView = lazy(() => import('./AuditView.tsx').then((m) => ({ default: m.AuditView })));
const NumberPool = lazy(() => import('./NumberPool.tsx').then((m) => ({ default: m.NumberPool })));
const CarrierSettingsEditor = lazy(() => import('./CarrierSettings.tsx').then((m) => ({ default: m.CarrierSettingsEditor })));
const WebhookDeliveries = lazy(() => import('./WebhookDeliveries.tsx').then((m) => ({ default: m.WebhookDeliveries })));

const { Title } = Typography;
const TABS = ['overview', 'attention', 'audit', 'numbers', 'webhooks', 'settings'] as const;
type Tab = (typeof TABS)[number];

export default function OpsDashboardPage() {
  return (
    <RequireStaff roles={['ops']}>
      <OpsDashboard />
    </RequireStaff>
  );
}

function OpsDashboard() {
  const t = useT();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const isAdmin = me.data?.kind === 'staff' && me.data.role === 'admin';
  const raw = params.get('tab') as Tab | null;
  const tab: Tab = raw && TABS.includes(raw) ? raw : 'overview';

  const open = (next: Tab, extra: Record<string, string> = {}) =>
    setParams(next === 'overview' ? { ...extra } : { tab: next, ...extra }, { replace: false });
  const narrow = Grid.useBreakpoint().md === false;
  const sections: { key: Tab; label: string; children: ReactNode }[] = [
    { key: 'overview', label: t('ops.tab.overview'), children: <Overview onOpenAttention={() => open('attention')} /> },
    { key: 'attention', label: t('ops.tab.attention'), children: <NeedsAttention onAudit={(id) => open('audit', { requestId: id })} /> },
    { key: 'audit', label: t('ops.tab.audit'), children: <AuditView initialRequestId={params.get('requestId') ?? ''} /> },
    { key: 'numbers', label: t('ops.tab.numbers'), children: <NumberPool /> },
    { key: 'webhooks', label: t('ops.tab.webhooks'), children: <WebhookDeliveries /> },
    { key: 'settings', label: t('ops.tab.settings'), children: <CarrierSettingsEditor canEdit={isAdmin} /> },
  ];
  for (const x of sections) x.children = <Suspense fallback={<Loading />}>{x.children}</Suspense>;

  return (
    <Flex vertical gap={12}>
      <Flex align="center" justify="space-between" gap={12} wrap>
        <Title level={2} style={{ margin: 0 }}>
          {t('ops.title')}
        </Title>
        {isAdmin ? (
          <Link to="/staff/admin" data-testid="staff-admin-link">
            <Button icon={<TeamOutlined />}>{t('admin.title')}</Button>
          </Link>
        ) : null}
      </Flex>
      {narrow ? (
        <>
          <Select
            aria-label={t('ops.section')}
            data-testid="ops-section"
            value={tab}
            onChange={(k) => open(k)}
            options={sections.map((x) => ({ value: x.key, label: x.label }))}
          />
          {sections.find((x) => x.key === tab)?.children}
        </>
      ) : (
        <Tabs activeKey={tab} onChange={(k) => open(k as Tab)} destroyOnHidden items={sections} />
      )}
    </Flex>
  );
}
