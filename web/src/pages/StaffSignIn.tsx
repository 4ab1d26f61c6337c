import { Alert, Button, Card, Col, Collapse, Flex, Form, Grid, Input, Row, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { staffSignIn } from '../api.ts';
import { ErrorAlert, Loading, ME_KEY, roleLabel, staffHome, useDemoAccounts, useMe } from '../common.tsx';
import { useT } from '../i18n.tsx';

const { Title, Text } = Typography;

/** Where to go after sign-in: the page asked for in ?next= when the role may open it, else the role's home. */
function destination(role: string, next: string | null): string {
  if (next === 'store' && (role === 'clerk' || role === 'admin')) return '/staff/store';
  if (next && next.startsWith('/staff/')) {
    const allowed =
      role === 'admin' ||
      (next.startsWith('/staff/review') && role === 'reviewer') ||
      (next.startsWith('/staff/store') && role === 'clerk') ||
      (next.startsWith('/staff/ops') && role === 'ops');
    if (allowed) return next;
  }
  return staffHome(role);
}

export default function StaffSignIn() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const me = useMe();
  const demo = useDemoAccounts();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const screens = Grid.useBreakpoint();

  const login = useMutation({
    mutationFn: (v: { username: string; password: string }) => staffSignIn(v.username, v.password),
    onSuccess: async (res) => {
      await qc.invalidateQueries({ queryKey: ME_KEY });
      navigate(destination(res.staff.role, next));
    },
  });

  if (me.isPending) return <Loading />;
  const current = me.data?.kind === 'staff' ? me.data : null;

  return (
    <Row justify="center">
      <Col xs={24} sm={20} md={14} lg={10}>
        <Card styles={{ body: { padding: screens.sm ? 24 : 16 } }}>
          <Title level={2} style={{ marginTop: 0, fontSize: 24 }}>
            {t('staff.title')}
          </Title>
          {next === 'store' ? <Alert type="info" showIcon title={t('staff.storeHint')} style={{ marginBottom: 16 }} /> : null}
          {current ? (
            <Flex vertical gap={12} style={{ marginBottom: 24 }}>
              <Text data-testid="staff-current">
                {t('staff.signedInAs', { name: current.displayName ?? current.username, role: roleLabel(current.role, t) })}
              </Text>
              <Button type="primary" onClick={() => navigate(destination(current.role, next))} data-testid="staff-go-console">
                {t('staff.goConsole')}
              </Button>
            </Flex>
          ) : null}
          <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => login.mutate(v)}>
            <Form.Item
              name="username"
              label={t('staff.username')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input data-testid="staff-username" autoComplete="username" size="large" />
            </Form.Item>
            <Form.Item name="password" label={t('staff.password')} rules={[{ required: true, message: t('common.required') }]}>
              <Input.Password data-testid="staff-password" autoComplete="current-password" size="large" />
            </Form.Item>
            {login.isError ? (
              <div style={{ marginBottom: 16 }}>
                <ErrorAlert error={login.error} testId="staff-sign-in-error" />
              </div>
            ) : null}
            <Button type="primary" htmlType="submit" block size="large" loading={login.isPending} data-testid="staff-sign-in-button">
              {t('staff.submit')}
            </Button>
          </Form>
          {demo.data && demo.data.staff.length > 0 ? (
            <Collapse
              style={{ marginTop: 24 }}
              size="small"
              data-testid="demo-staff"
              items={[
                {
                  key: 'staff',
                  label: t('dev.staffAccounts'),
                  children: (
                    <Flex vertical gap={8}>
                      <Text type="secondary">{t('dev.staffHint')}</Text>
                      {demo.data.staff.map((s) => (
                        <Button
                          key={s.username}
                          block
                          data-testid={`demo-staff-${s.username}`}
                          onClick={() => form.setFieldsValue({ username: s.username, password: s.password })}
                          style={{ height: 'auto', padding: '6px 12px' }}
                        >
                          <Flex justify="space-between" gap={8} wrap style={{ width: '100%' }}>
                            <Text code>{s.username}</Text>
                            <Tag>{roleLabel(s.role, t)}</Tag>
                          </Flex>
                        </Button>
                      ))}
                    </Flex>
                  ),
                },
              ]}
            />
          ) : null}
        </Card>
      </Col>
    </Row>
  );
}
