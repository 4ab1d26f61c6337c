// Machine clients (role admin): the systems that call the platform with OAuth 2.0 client
// credentials (the carrier's BSS on TMF622/637, MVNO partners, fleet companies). Register one (the
// secret is shown once, only its hash is kept), see their scopes, revoke one (its tokens stop at once).
import { useState } from 'react';
import { Alert, App as AntApp, Button, Flex, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { ErrorAlert, errorText, Loading } from '../../common.tsx';
import { RequireStaff } from '../../components/RequireStaff.tsx';
import { formatDateTime } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { useCreateMachineClient, useMachineClients, useRevokeMachineClient, type MachineClientRow, type NewMachineClient } from './client-hooks.ts';

const { Title, Text, Paragraph } = Typography;

export default function MachineClientsPage() {
  return (
    <RequireStaff roles={['admin']}>
      <MachineClients />
    </RequireStaff>
  );
}

function MachineClients() {
  const t = useT();
  const { message } = AntApp.useApp();
  const list = useMachineClients();
  const revoke = useRevokeMachineClient();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ clientId: string; clientSecret: string } | null>(null);

  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorAlert error={list.error} />;

  const actsFor = (c: MachineClientRow) =>
    c.mvnoCode ? t('clients.forMvno', { code: c.mvnoCode }) : c.companyId ? t('clients.forCompany', { id: c.companyId }) : t('clients.forCarrier');
  return (
    <Flex vertical gap={16} data-testid="machine-clients">
      <div>
        <Link to="/staff/admin">← {t('admin.title')}</Link>
        <Flex align="center" justify="space-between" gap={12} wrap style={{ marginTop: 8 }}>
          <Title level={2} style={{ margin: 0 }}>
            {t('clients.title')}
          </Title>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="client-create-open">
            {t('clients.create')}
          </Button>
        </Flex>
        <Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('clients.intro')}
        </Paragraph>
      </div>
      <Table<MachineClientRow>
        rowKey="clientId"
        dataSource={list.data.items}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <span style={{ color: 'rgba(0,0,0,0.66)' }}>{t('clients.none')}</span> }}
        columns={[
          { title: t('clients.name'), dataIndex: 'name' },
          { title: t('clients.clientId'), dataIndex: 'clientId', render: (v: string) => <Text code copyable>{v}</Text> },
          { title: t('clients.scopes'), dataIndex: 'scopes', render: (s: string[]) => <Flex gap={4} wrap>{s.map((x) => <Tag key={x}>{x}</Tag>)}</Flex> },
          { title: t('clients.actsFor'), key: 'for', render: (_: unknown, c) => actsFor(c) },
          { title: t('clients.created'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, t.lang) },
          {
            title: t('clients.status'), key: 'status',
            render: (_: unknown, c) => (c.revokedAt ? <Tag>{t('clients.revokedAt', { at: formatDateTime(c.revokedAt, t.lang) })}</Tag> : <Tag color="green">{t('clients.active')}</Tag>),
          },
          {
            title: t('clients.actions'), key: 'actions',
            render: (_: unknown, c) => (c.revokedAt ? null : (
              <Popconfirm
                title={t('clients.revokeConfirm', { name: c.name })}
                onConfirm={() => revoke.mutate(c.clientId, { onSuccess: () => message.success(t('clients.revoked')), onError: (err) => message.error(errorText(err, t).title) })}
              >
                <Button size="small" danger icon={<StopOutlined />} loading={revoke.isPending && revoke.variables === c.clientId} data-testid={`client-revoke-${c.clientId}`}>
                  {t('clients.revoke')}
                </Button>
              </Popconfirm>
            )),
          },
        ]}
      />
      <CreateClientModal open={creating} scopes={list.data.scopes} onClose={() => setCreating(false)} onCreated={(c) => { setCreating(false); setShown(c); }} />
      <Modal
        open={shown !== null}
        title={t('clients.secretTitle')}
        onCancel={() => setShown(null)}
        onOk={() => setShown(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        destroyOnHidden
      >
        <Paragraph>{t('clients.secretOnce')}</Paragraph>
        <Paragraph>
          {t('clients.clientId')}: <Text code copyable>{shown?.clientId}</Text>
        </Paragraph>
        <Paragraph copyable={{ text: shown?.clientSecret ?? '' }}>
          {t('clients.secret')}: <Text code data-testid="client-secret-shown">{shown?.clientSecret}</Text>
        </Paragraph>
      </Modal>
    </Flex>
  );
}

function CreateClientModal({ open, scopes, onClose, onCreated }: { open: boolean; scopes: string[]; onClose: () => void; onCreated: (c: { clientId: string; clientSecret: string }) => void }) {
  const t = useT();
  const [form] = Form.useForm<NewMachineClient>();
  const create = useCreateMachineClient();
  const submit = (v: NewMachineClient) =>
    create.mutate({ name: v.name, scopes: v.scopes, mvnoCode: v.mvnoCode || null, companyId: v.companyId || null }, { onSuccess: (c) => { form.resetFields(); onCreated(c); } });
  return (
    <Modal open={open} title={t('clients.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('clients.createOk')} confirmLoading={create.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark>
        <Form.Item name="name" label={t('clients.name')} rules={[{ required: true, message: t('common.required') }, { max: 100 }]}>
          <Input autoComplete="off" data-testid="client-name" />
        </Form.Item>
        <Form.Item name="scopes" label={t('clients.scopes')} rules={[{ required: true, message: t('common.required') }]}>
          <Select mode="multiple" options={scopes.map((s) => ({ value: s, label: s }))} data-testid="client-scopes" />
        </Form.Item>
        <Form.Item name="mvnoCode" label={t('clients.mvnoCode')} extra={t('clients.mvnoHelp')} rules={[{ max: 32 }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="companyId" label={t('clients.companyId')} extra={t('clients.companyHelp')} rules={[{ max: 64 }]}>
          <Input autoComplete="off" />
        </Form.Item>
        {create.isError ? <ErrorAlert error={create.error} /> : null}
        <Alert type="info" showIcon title={t('clients.secretNote')} />
      </Form>
    </Modal>
  );
}
