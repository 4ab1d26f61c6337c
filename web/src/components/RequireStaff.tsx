import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useLocation, useNavigate } from 'react-router';
import { Loading, useMe } from '../common.tsx';
import { useT } from '../i18n.tsx';

/** Renders children only for a signed-in staff member whose role is allowed (admin always is). */
export function RequireStaff({ roles, children }: { roles: string[]; children: ReactNode }) {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  if (me.isPending) return <Loading />;
  const data = me.data;
  if (!data || data.kind !== 'staff') {
    return (
      <Result
        status="403"
        title={t('staff.needSignIn')}
        extra={
          <Button type="primary" onClick={() => navigate(`/staff?next=${encodeURIComponent(location.pathname)}`)}>
            {t('staff.title')}
          </Button>
        }
      />
    );
  }
  if (data.role !== 'admin' && !roles.includes(data.role)) {
    return <Result status="403" title={t('staff.wrongRole')} />;
  }
  return <>{children}</>;
}
