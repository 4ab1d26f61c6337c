// Staff accounts (role admin): list, create (a clerk belongs to a store), disable / enable, unlock
// (sign-in locks from addresses that sent too many wrong passwords), reset the password. A generated password is shown once, to hand to the person; the server keeps only its hash.
import { useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Flex,
  Form,
  Grid,
  Input,
  Modal,
  Popconfirm,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { KeyOutlined, StopOutlined, UnlockOutlined, UserAddOutlined, CheckOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  createStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  listStaffAccounts,
  request,
  resetStaffAccountPassword,
  unlockStaffAccount,
  type CreateStaff,
  type StaffListItem,
} from '../../api.ts';
import type { StoreChoices } from '../../api-types.ts';
import { ErrorAlert, errorText, Loading, roleLabel, useMe } from '../../common.tsx';
import { RequireStaff } from '../../components/RequireStaff.tsx';
import { formatDateTime, pickName } from '../../format.ts';
import { useT } from '../../i18n.tsx';

const { Title, Text, Paragraph } = Typography;
const ROLES = ['clerk', 'reviewer', 'ops', 'admin'] as const;

export default function StaffAdminPage() {
  return (
    <RequireStaff roles={['admin']}>
      <StaffAdmin />
    </RequireStaff>
  );
}

function StaffAdmin() {
  const t = useT();
  const qc = useQueryClient();
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const { message } = AntApp.useApp();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ username: string; password: string } | null>(null);
  const list = useQuery({ queryKey: ['admin-staff'], queryFn: listStaffAccounts });
  const myName = me.data?.kind === 'staff' ? me.data.username : null;

  const refresh = () => qc.invalidateQueries({ queryKey: ['admin-staff'] });
  const toggle = useMutation({
    mutationFn: (s: StaffListItem) => (s.disabled ? enableStaffAccount(s.id) : disableStaffAccount(s.id)),
    onSuccess: async () => {
      message.success(t('admin.saved'));
      await refresh();
    },
    onError: (err) => message.error(errorText(err, t).title),
  });
  const unlock = useMutation({
    mutationFn: (s: StaffListItem) => unlockStaffAccount(s.id),
    onSuccess: async () => {
      message.success(t('admin.unlocked'));
      await refresh();
    },
    onError: (err) => message.error(errorText(err, t).title),
  });
  const reset = useMutation({
    mutationFn: (s: StaffListItem) => resetStaffAccountPassword(s.id),
    onSuccess: async (res, s) => {
      if (res.password) setShown({ username: s.username, password: res.password });
      await refresh();
    },
    onError: (err) => message.error(errorText(err, t).title),
  });

  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorAlert error={list.error} />;
  const items = list.data.items;

  const state = (s: StaffListItem) => (
    <Flex gap={4} wrap>
      {s.disabled ? <Tag color="default">{t('admin.disabled')}</Tag> : <Tag color="green">{t('admin.active')}</Tag>}
      {s.locked ? (
        <Tag color="red" title={s.lockedUntil ? t('admin.lockedFrom', { n: s.lockedAddresses ?? 1, until: formatDateTime(s.lockedUntil, t.lang) }) : undefined}>
          {t('admin.locked')}
        </Tag>
      ) : null}
    </Flex>
  );
  const actions = (s: StaffListItem) => (
    <Flex gap={6} wrap>
      <Popconfirm
        title={s.disabled ? t('admin.enableConfirm', { name: s.username }) : t('admin.disableConfirm', { name: s.username })}
        onConfirm={() => toggle.mutate(s)}
        disabled={s.username === myName}
      >
        <Button
          size="small"
          danger={!s.disabled}
          icon={s.disabled ? <CheckOutlined /> : <StopOutlined />}
          disabled={s.username === myName}
          loading={toggle.isPending && toggle.variables?.id === s.id}
          data-testid={`staff-toggle-${s.username}`}
        >
          {s.disabled ? t('admin.enable') : t('admin.disable')}
        </Button>
      </Popconfirm>
      {s.locked ? (
        <Popconfirm title={t('admin.unlockConfirm', { name: s.username })} onConfirm={() => unlock.mutate(s)}>
          <Button size="small" icon={<UnlockOutlined />} loading={unlock.isPending && unlock.variables?.id === s.id} data-testid={`staff-unlock-${s.username}`}>
            {t('admin.unlock')}
          </Button>
        </Popconfirm>
      ) : null}
      <Popconfirm title={t('admin.resetConfirm', { name: s.username })} onConfirm={() => reset.mutate(s)}>
        <Button size="small" icon={<KeyOutlined />} loading={reset.isPending && reset.variables?.id === s.id} data-testid={`staff-reset-${s.username}`}>
          {t('admin.reset')}
        </Button>
      </Popconfirm>
    </Flex>
  );
  const store = (s: StaffListItem) => (s.storeName ? pickName(s.storeName, t.lang) : (s.storeId ?? '—'));

  return (
    <Flex vertical gap={16} data-testid="staff-admin">
      <div>
        <Flex justify="space-between" gap={12} wrap>
          <Link to="/staff/ops">← {t('ops.title')}</Link>
          <Link to="/staff/admin/clients" data-testid="machine-clients-link">{t('clients.link')} →</Link>
        </Flex>
        <Flex align="center" justify="space-between" gap={12} wrap style={{ marginTop: 8 }}>
          <Title level={2} style={{ margin: 0 }}>
            {t('admin.title')}
          </Title>
          <Button type="primary" icon={<UserAddOutlined />} onClick={() => setCreating(true)} data-testid="staff-create-open">
            {t('admin.create')}
          </Button>
        </Flex>
      </div>
      {screens.md ? (
        <Table<StaffListItem>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={items}
          onRow={(s) => ({ role: 'row', 'data-testid': `staff-row-${s.username}` })}
          columns={[
            {
              key: 'user',
              title: t('staff.username'),
              render: (_, s) => (
                <Flex vertical>
                  <Text strong>{s.username}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {s.displayName}
                  </Text>
                </Flex>
              ),
            },
            { key: 'role', title: t('admin.role'), render: (_, s) => <Tag>{roleLabel(s.role, t)}</Tag> },
            { key: 'store', title: t('admin.store'), render: (_, s) => store(s) },
            { key: 'state', title: t('admin.state'), render: (_, s) => state(s) },
            { key: 'created', title: t('admin.created'), render: (_, s) => formatDateTime(s.createdAt, t.lang) },
            { key: 'actions', title: '', render: (_, s) => actions(s) },
          ]}
        />
      ) : (
        items.map((s) => (
          <Card key={s.id} size="small" data-testid={`staff-row-${s.username}`}>
            <Flex vertical gap={6}>
              <Flex justify="space-between" gap={8} wrap>
                <Text strong>{s.username}</Text>
                <Tag>{roleLabel(s.role, t)}</Tag>
              </Flex>
              <Text type="secondary">
                {s.displayName} · {store(s)}
              </Text>
              {state(s)}
              {actions(s)}
            </Flex>
          </Card>
        ))
      )}

      <CreateStaffModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={async (username, password) => {
          setCreating(false);
          if (password) setShown({ username, password });
          else message.success(t('admin.saved'));
          await refresh();
        }}
      />

      <Modal
        open={shown !== null}
        title={t('admin.passwordTitle', { name: shown?.username ?? '' })}
        onCancel={() => setShown(null)}
        onOk={() => setShown(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        destroyOnHidden
      >
        <Paragraph>{t('admin.passwordOnce')}</Paragraph>
        <Paragraph copyable={{ text: shown?.password ?? '' }} style={{ fontSize: 18 }}>
          <Text code data-testid="staff-password-shown">
            {shown?.password}
          </Text>
        </Paragraph>
      </Modal>
    </Flex>
  );
}

function CreateStaffModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (username: string, password: string | undefined) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<CreateStaff>();
  const role = Form.useWatch('role', form);
  const stores = useQuery({
    queryKey: ['admin-stores'],
    queryFn: () => request<StoreChoices>('GET', '/admin/stores'),
    enabled: open,
    staleTime: 5 * 60_000,
  });
  const create = useMutation({
    mutationFn: (v: CreateStaff) =>
      createStaffAccount({
        username: v.username.trim(),
        role: v.role,
        ...(v.displayName?.trim() ? { displayName: v.displayName.trim() } : {}),
        ...(v.role === 'clerk' && v.storeId ? { storeId: v.storeId.trim() } : {}),
        ...(v.password ? { password: v.password } : {}),
      }),
    onSuccess: (res) => {
      form.resetFields();
      onCreated(res.staff.username, res.password);
    },
  });
  return (
    <Modal
      open={open}
      title={t('admin.create')}
      onCancel={() => {
        create.reset();
        onClose();
      }}
      onOk={() => form.submit()}
      okText={t('admin.createOk')}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'staff-create-ok' }}
      destroyOnHidden
    >
      <Form<CreateStaff> form={form} layout="vertical" requiredMark={false} initialValues={{ role: 'clerk' }} onFinish={(v) => create.mutate(v)}>
        <Form.Item
          name="username"
          label={t('staff.username')}
          rules={[
            { required: true, message: t('common.required') },
            { pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{2,63}$/, message: t('admin.usernameRule') },
          ]}
        >
          <Input autoComplete="off" data-testid="staff-new-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('admin.displayName')}>
          <Input autoComplete="off" maxLength={100} />
        </Form.Item>
        <Form.Item name="role" label={t('admin.role')} rules={[{ required: true }]}>
          <Select options={ROLES.map((r) => ({ value: r, label: roleLabel(r, t) }))} data-testid="staff-new-role" />
        </Form.Item>
        {role === 'clerk' ? (
          <Form.Item name="storeId" label={t('admin.store')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={stores.isPending}
              options={(stores.data?.items ?? []).map((st) => ({
                value: st.id,
                label: `${pickName(st.name, t.lang)} · ${t.dyn(`carrier.${st.carrier}`, st.carrier)}`,
              }))}
              aria-label={t('admin.store')}
              data-testid="staff-new-store"
            />
          </Form.Item>
        ) : null}
        <Form.Item name="password" label={t('admin.password')} extra={t('admin.passwordHint')} rules={[{ min: 10, message: t('admin.passwordRule') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {create.isError ? <ErrorAlert error={create.error} /> : null}
        <Alert type="info" showIcon title={t('admin.auditNote')} />
      </Form>
    </Modal>
  );
}
