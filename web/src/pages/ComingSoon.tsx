import { Result } from 'antd';
import { RequireStaff } from '../components/RequireStaff.tsx';
import { useT } from '../i18n.tsx';

export default function ComingSoon({ which }: { which: 'store' | 'ops' }) {
  const t = useT();
  return (
    <RequireStaff roles={which === 'store' ? ['clerk'] : ['ops']}>
      <Result
        status="info"
        title={t('soon.title')}
        subTitle={t(which === 'store' ? 'soon.store' : 'soon.ops')}
        data-testid={`coming-soon-${which}`}
      />
    </RequireStaff>
  );
}
