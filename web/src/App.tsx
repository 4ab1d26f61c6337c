import { lazy, Suspense } from 'react';
import { App as AntApp, Button, Flex, Grid, Layout, Typography } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createBrowserRouter, Link, NavLink, Outlet, RouterProvider, useNavigate } from 'react-router';
import { signOut } from './api.ts';
import { LangSwitch, Loading, ME_KEY, NotFound, useMe } from './common.tsx';
import { useT } from './i18n.tsx';

// One chunk per page.
const Landing = lazy(() => import('./pages/Landing.tsx'));
const Portal = lazy(() => import('./pages/Portal.tsx'));
const Wizard = lazy(() => import('./pages/Wizard.tsx'));
const RequestStatus = lazy(() => import('./pages/RequestStatus.tsx'));
const StaffSignIn = lazy(() => import('./pages/StaffSignIn.tsx'));
const ReviewQueue = lazy(() => import('./pages/ReviewQueue.tsx'));
const ReviewDecision = lazy(() => import('./pages/ReviewDecision.tsx'));
const StoreConsole = lazy(() => import('./pages/store/StoreConsole.tsx'));
const StoreRequest = lazy(() => import('./pages/store/StoreRequest.tsx'));
const OpsDashboard = lazy(() => import('./pages/ops/OpsDashboard.tsx'));
const StaffAdmin = lazy(() => import('./pages/ops/StaffAdmin.tsx'));
const Verify = lazy(() => import('./pages/Verify.tsx'));
const RetrieveCertificate = lazy(() => import('./pages/RetrieveCertificate.tsx'));

const { Header, Content, Footer } = Layout;

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

function Shell() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const navStyle = ({ isActive }: { isActive: boolean }) => ({
    color: isActive ? '#1677ff' : 'rgba(0,0,0,0.75)',
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
            <Typography.Text strong style={{ fontSize: 17, whiteSpace: 'nowrap' }}>
              {t('app.name')}
            </Typography.Text>
          </Link>
          <Flex align="center" gap={screens.sm ? 16 : 8} style={{ minWidth: 0 }}>
            <NavLink to="/portal" style={navStyle}>
              {t('nav.portal')}
            </NavLink>
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
      <Footer style={{ textAlign: 'center', padding: '16px 12px', color: 'rgba(0,0,0,0.45)' }}>
        <Flex justify="center" gap={16} wrap>
          <span>{t('app.name')}</span>
          <Link to="/verify">{t('landing.verify')}</Link>
        </Flex>
      </Footer>
    </Layout>
  );
}

const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      { index: true, element: <Landing /> },
      { path: 'portal', element: <Portal /> },
      { path: 'portal/requests', element: <Portal tab="requests" /> },
      { path: 'portal/lines/:lineId/cancel', element: <Wizard /> },
      { path: 'portal/requests/:id', element: <RequestStatus /> },
      { path: 'staff', element: <StaffSignIn /> },
      { path: 'staff/review', element: <ReviewQueue /> },
      { path: 'staff/review/:id', element: <ReviewDecision /> },
      { path: 'staff/store', element: <StoreConsole /> },
      { path: 'staff/store/requests/:id', element: <StoreRequest /> },
      { path: 'staff/ops', element: <OpsDashboard /> },
      { path: 'staff/admin', element: <StaffAdmin /> },
      { path: 'verify', element: <Verify /> },
      { path: 'verify/:serial', element: <Verify /> },
      { path: 'certificate/retrieve', element: <RetrieveCertificate /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export default function App() {
  return (
    <AntApp>
      <RouterProvider router={router} />
    </AntApp>
  );
}
