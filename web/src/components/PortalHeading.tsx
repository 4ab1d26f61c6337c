// Pieces the subscriber pages share: the page title under a link back to "my lines", and the answer
// for a page that needs the subscriber signed in.
import type { ReactNode } from 'react';
import { Button, Result, Typography } from 'antd';
import { Link } from 'react-router';
import { useT } from '../i18n.tsx';

export function PortalHeading({ children, backTo = '/portal', backLabel }: { children: ReactNode; backTo?: string; backLabel?: string }) {
  const t = useT();
  return (
    <div>
      <Link to={backTo}>← {backLabel ?? t('request.backToLines')}</Link>
      <Typography.Title level={2} style={{ margin: '8px 0 0' }}>
        {children}
      </Typography.Title>
    </div>
  );
}

export function SignInFirst() {
  const t = useT();
  return (
    <Result
      status="403"
      title={t('err.unauthenticated')}
      extra={
        <Link to="/portal">
          <Button type="primary">{t('signin.submit')}</Button>
        </Link>
      }
    />
  );
}
