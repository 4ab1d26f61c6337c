import { createElement, lazy, Suspense, useState, type ComponentType, type CSSProperties } from 'react';
import { App as AntApp, Button, ConfigProvider, Flex, Grid, Layout, Typography, type ThemeConfig } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, matchRoutes, NavLink, Outlet, RouterProvider, useLocation, useNavigate, type RouteObject } from 'react-router';
import { signOut } from './api.ts';
import { LangSwitch, Loading, ME_KEY, NotFound, useMe } from './common.tsx';
import { useT } from './i18n.tsx';

// One chunk per page. A page can be loaded before it is first drawn (`preloadRoute`, main.tsx: the
// first render then draws the page at once instead of a spinner, over the page pre-rendered into the
// HTML) or by React.lazy when a navigation needs it.
type Page<P> = ComponentType<P> & { preload: () => Promise<void> };
function page<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): Page<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<void> | undefined;
  const preload = () =>
    (pending ??= load().then(
      (m) => { loaded = m.default; },
      (err: unknown) => { pending = undefined; throw err; }, // a failed fetch is tried again next time
    ));
  const Lazy = lazy(() => preload().then(() => ({ default: loaded! })));
  function Page(props: P) {
    // Chosen once per mount, so a page drawn through Lazy is not remounted once its module is in.
    const [C] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return createElement(C, props);
  }
  return Object.assign(Page, { preload });
}

const Landing = page(() => import('./pages/Landing.tsx'));
const Portal = page(() => import('./pages/Portal.tsx'));
const Wizard = page(() => import('./pages/Wizard.tsx'));
const RequestStatus = page(() => import('./pages/RequestStatus.tsx'));
const StaffSignIn = page(() => import('./pages/StaffSignIn.tsx'));
const ReviewQueue = page(() => import('./pages/ReviewQueue.tsx'));
const ReviewDecision = page(() => import('./pages/ReviewDecision.tsx'));
const StoreConsole = page(() => import('./pages/store/StoreConsole.tsx'));
const StoreRequest = page(() => import('./pages/store/StoreRequest.tsx'));
const OpsDashboard = page(() => import('./pages/ops/OpsDashboard.tsx'));
const StaffAdmin = page(() => import('./pages/ops/StaffAdmin.tsx'));
const MachineClients = page(() => import('./pages/admin/MachineClients.tsx'));
const FleetConsole = page(() => import('./pages/fleet/FleetConsole.tsx'));
const Verify = page(() => import('./pages/Verify.tsx'));
const RetrieveCertificate = page(() => import('./pages/RetrieveCertificate.tsx'));
const RecoverNumber = page(() => import('./pages/RecoverNumber.tsx'));

const { Header, Content, Footer } = Layout;

// Colours that read at WCAG AA (4.5:1) on white and on the grey page background (#f5f5f5): antd's
// defaults (secondary text at 45 % black, #1677ff for links and primary buttons) measure 3.3-4.1.
const LINK = '#0958d9';
const THEME: ThemeConfig = {
  // Components take their styles from antd's static stylesheet (imported in main.tsx) instead of
  // writing them at first render: on a throttled phone that render was most of the blocking time
  // (Lighthouse TBT 0.7-1.1 s, 0.54-0.69 s without). The tokens below still reach them, as CSS variables.
  zeroRuntime: true,
  token: {
    colorPrimary: LINK,
    // antd lightens primary and links on hover (#2e7ae6 is 4.2:1 under white text): darken instead.
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorInfo: LINK,
    colorLink: LINK,
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
    colorTextDescription: 'rgba(0, 0, 0, 0.66)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorError: '#cf1322',
    colorSuccessText: '#237804',
    colorWarningText: '#ad4e00',
    colorErrorText: '#cf1322',
  },
  components: {
    // Tags print their text in the colour's 7th shade (or the status colour) on its 1st: darker shades here.
    Tag: {
      colorSuccess: '#237804',
      colorWarning: '#ad4e00',
      colorError: '#cf1322',
      colorInfo: LINK,
      green7: '#237804',
      gold7: '#874d00',
      orange7: '#ad4e00',
      volcano7: '#ad2102',
      lime7: '#3f6600',
      cyan7: '#006d75',
      yellow7: '#614700',
    },
  },
};

function SignOutButton() {
  const t = useT();
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const mutation = useMutation({
    mutationFn: signOut,
    onSettled: async () => {
      qc.clear();
      await qc.invalidateQueries({ queryKey: ME_KEY });
      navigate('/');
    },
  });
  if (!me.data || me.data.kind === null) return null;
  return (
    <Button
      size="small"
      type="text"
      icon={<LogoutOutlined />}
      loading={mutation.isPending}
      onClick={() => mutation.mutate()}
      data-testid="sign-out"
      aria-label={t('nav.signOut')}
    >
      {screens.sm ? t('nav.signOut') : null}
    </Button>
  );
}

/** A company administrator's own console, in the header wherever they are (other roles do not see it). */
function FleetNavLink({ style }: { style: (s: { isActive: boolean }) => CSSProperties }) {
  const t = useT();
  const me = useMe();
  if (me.data?.kind !== 'staff' || me.data.role !== 'company_admin') return null;
  return (
    <NavLink to="/staff/fleet" style={style} data-testid="nav-fleet">
      {t('fleet.nav')}
    </NavLink>
  );
}

function Shell() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  // One h1 per page: the landing page has its own; elsewhere the app's name in the header is the h1
  // and each page's title an h2 under it.
  const brandIsHeading = useLocation().pathname !== '/';
  const navStyle = ({ isActive }: { isActive: boolean }) => ({
    color: isActive ? LINK : 'rgba(0,0,0,0.75)',
    whiteSpace: 'nowrap' as const,
  });
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header
        style={{
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
          padding: screens.sm ? '0 24px' : '0 12px',
          height: 56,
          lineHeight: '56px',
          position: 'sticky',
          top: 0,
          zIndex: 10,
        }}
      >
        <Flex align="center" justify="space-between" gap={8} style={{ maxWidth: 1120, margin: '0 auto', height: '100%' }}>
          <Link to="/" style={{ color: 'inherit', minWidth: 0 }} data-testid="brand">
            {brandIsHeading ? (
              <Typography.Title level={1} style={{ fontSize: 17, lineHeight: 'inherit', margin: 0, whiteSpace: 'nowrap' }}>
                {t('app.name')}
              </Typography.Title>
            ) : (
              <Typography.Text strong style={{ fontSize: 17, whiteSpace: 'nowrap' }}>
                {t('app.name')}
              </Typography.Text>
            )}
          </Link>
          <Flex align="center" gap={screens.sm ? 16 : 8} style={{ minWidth: 0 }}>
            <NavLink to="/portal" style={navStyle}>
              {t('nav.portal')}
            </NavLink>
            <FleetNavLink style={navStyle} />
            {screens.sm ? (
              <>
                <NavLink to="/staff" style={navStyle} end={false}>
                  {t('nav.staff')}
                </NavLink>
                <NavLink to="/verify" style={navStyle}>
                  {t('nav.verify')}
                </NavLink>
              </>
            ) : null}
            <LangSwitch />
            <SignOutButton />
          </Flex>
        </Flex>
      </Header>
      <Content style={{ padding: screens.sm ? '24px' : '16px 12px' }}>
        <div style={{ maxWidth: 1120, margin: '0 auto' }}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </div>
      </Content>
      <Footer style={{ textAlign: 'center', padding: '16px 12px', color: 'rgba(0,0,0,0.66)' }}>
        <Flex justify="center" gap={16} wrap>
          <span>{t('app.name')}</span>
          <Link to="/verify">{t('landing.verify')}</Link>
        </Flex>
      </Footer>
    </Layout>
  );
}

/** The app's routes: main.tsx runs them in a browser router, web/prerender.tsx in a memory router. */
export const routes: RouteObject[] = [
  {
    element: <Shell />,
    children: [
      { index: true, element: <Landing /> },
      { path: 'portal', element: <Portal /> },
      { path: 'portal/requests', element: <Portal tab="requests" /> },
      { path: 'portal/lines/:lineId/cancel', element: <Wizard /> },
      { path: 'portal/requests/:id', element: <RequestStatus /> },
      { path: 'portal/recover', element: <RecoverNumber /> },
      { path: 'staff', element: <StaffSignIn /> },
      { path: 'staff/review', element: <ReviewQueue /> },
      { path: 'staff/review/:id', element: <ReviewDecision /> },
      { path: 'staff/store', element: <StoreConsole /> },
      { path: 'staff/store/requests/:id', element: <StoreRequest /> },
      { path: 'staff/ops', element: <OpsDashboard /> },
      { path: 'staff/admin', element: <StaffAdmin /> },
      { path: 'staff/admin/clients', element: <MachineClients /> },
      { path: 'staff/fleet', element: <FleetConsole /> },
      { path: 'verify', element: <Verify /> },
      { path: 'verify/:serial', element: <Verify /> },
      { path: 'certificate/retrieve', element: <RetrieveCertificate /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];

/** Loads the page a path shows (its chunk), so that the first render can draw it. */
export async function preloadRoute(pathname: string): Promise<void> {
  const matches = matchRoutes(routes, pathname) ?? [];
  await Promise.all(matches.map((m) => (m.route.element as { type?: { preload?: () => Promise<void> } } | undefined)?.type?.preload?.()));
}

export default function App({ router }: { router: Parameters<typeof RouterProvider>[0]['router'] }) {
  return (
    <ConfigProvider theme={THEME}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}
