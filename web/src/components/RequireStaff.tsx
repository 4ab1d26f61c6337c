import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useLocation, useNavigate } from 'react-router';
import { Loading, useMe } from '../common.tsx';
import { useT } from '../i18n.tsx';

/**
 * Renders children only for a signed-in staff member whose role is allowed. The carrier's admin is
 * allowed everywhere but where a page belongs to someone else's data (`allowAdmin={false}`: a
 * company's fleet console, whose API answers only that company's administrators).
 */
export function RequireStaff({ roles, allowAdmin = true, children }: { roles: string[]; allowAdmin?: boolean; children: ReactNode }) {
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
  if (!roles.includes(data.role) && !(allowAdmin && data.role === 'admin')) {
    return <Result status="403" title={t('staff.wrongRole')} />;
  }
  return <>{children}</>;
}
