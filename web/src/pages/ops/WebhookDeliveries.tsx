// Webhook deliveries for ops: counts per status, the log (newest first, filtered by status), one
// delivery's attempts (outcome, response code, latency), redelivery, and the subscriptions (enable
// one that a 410 Gone disabled).
import { useState } from 'react';
import { Button, Card, Descriptions, Empty, Flex, Modal, Select, Table, Tag, Typography, message } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { ErrorAlert, Loading } from '../../common.tsx';
import { formatDateTime } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import {
  useDeliveries, useDelivery, useEnableSubscription, useRedeliver, useSubscriptions,
  type DeliveryStatus, type WebhookDelivery, type WebhookSubscription,
} from './webhook-hooks.ts';

const { Text } = Typography;
const STATUSES: DeliveryStatus[] = ['pending', 'queued', 'delivered', 'dead', 'cancelled'];
const COLORS: Record<DeliveryStatus, string> = { pending: 'orange', queued: 'blue', delivered: 'green', dead: 'red', cancelled: 'default' };

export function WebhookDeliveries() {
  const t = useT();
  const [status, setStatus] = useState<DeliveryStatus | ''>('dead');
  const [open, setOpen] = useState<string | null>(null);
  const deliveries = useDeliveries(status);
  const redeliver = useRedeliver();
  const [toast, holder] = message.useMessage();

  const again = (id: string) =>
    redeliver.mutate(id, {
      onSuccess: () => void toast.success(t('ops.webhooks.redelivered')),
      onError: (e) => void toast.error(e instanceof Error ? e.message : String(e)),
    });

  return (
    <Flex vertical gap={12} data-testid="webhook-deliveries">
      {holder}
      <Card size="small">
        <Flex gap={8} wrap align="center">
          <Select
            data-testid="webhook-status"
            value={status}
            onChange={setStatus}
            style={{ width: 180 }}
            aria-label={t('ops.webhooks.status')}
            options={[{ value: '', label: t('ops.webhooks.allStatuses') }, ...STATUSES.map((s) => ({ value: s, label: t.dyn(`ops.webhooks.state.${s}`, s) }))]}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void deliveries.refetch()}>
            {t('ops.webhooks.refresh')}
          </Button>
        </Flex>
        {deliveries.data ? (
          <Flex gap={8} wrap style={{ marginTop: 12 }} data-testid="webhook-counts">
            {STATUSES.map((s) => (
              <Tag key={s} color={COLORS[s]}>
                {t.dyn(`ops.webhooks.state.${s}`, s)} {deliveries.data.counts[s] ?? 0}
              </Tag>
            ))}
          </Flex>
        ) : null}
      </Card>
      {deliveries.isPending ? <Loading /> : null}
      {deliveries.isError ? <ErrorAlert error={deliveries.error} /> : null}
      {deliveries.data && deliveries.data.items.length === 0 ? <Empty description={t('ops.webhooks.empty')} /> : null}
      {deliveries.data && deliveries.data.items.length > 0 ? (
        <Table<WebhookDelivery>
          size="small"
          rowKey="id"
          scroll={{ x: true }}
          pagination={{ pageSize: 25, hideOnSinglePage: true }}
          dataSource={deliveries.data.items}
          columns={[
            { key: 'event', title: t('ops.webhooks.event'), render: (_, d) => <Text>{d.eventType}</Text> },
            { key: 'target', title: t('ops.webhooks.target'), render: (_, d) => <Text style={{ wordBreak: 'break-all' }}>{d.target}</Text> },
            { key: 'status', title: t('ops.webhooks.status'), render: (_, d) => <Tag color={COLORS[d.status]}>{t.dyn(`ops.webhooks.state.${d.status}`, d.status)}</Tag> },
            { key: 'attempts', title: t('ops.webhooks.attempts'), render: (_, d) => d.attempts },
            { key: 'code', title: t('ops.webhooks.lastCode'), render: (_, d) => d.lastStatusCode ?? (d.lastError ? d.lastError.split(':')[0] : '—') },
            { key: 'created', title: t('ops.webhooks.created'), render: (_, d) => formatDateTime(d.createdAt, t.lang) },
            {
              key: 'actions',
              title: t('ops.webhooks.actions'),
              render: (_, d) => (
                <Flex gap={4} wrap>
                  <Button size="small" onClick={() => setOpen(d.id)} data-testid={`webhook-open-${d.id}`}>
                    {t('ops.webhooks.attemptLog')}
                  </Button>
                  {d.status !== 'pending' && d.status !== 'queued' ? (
                    <Button size="small" onClick={() => again(d.id)} loading={redeliver.isPending && redeliver.variables === d.id} data-testid={`webhook-redeliver-${d.id}`}>
                      {t('ops.webhooks.redeliver')}
                    </Button>
                  ) : null}
                </Flex>
              ),
            },
          ]}
        />
      ) : null}
      <AttemptLog id={open} onClose={() => setOpen(null)} />
      <Subscriptions />
    </Flex>
  );
}

function AttemptLog({ id, onClose }: { id: string | null; onClose: () => void }) {
  const t = useT();
  const d = useDelivery(id);
  return (
    <Modal open={!!id} onCancel={onClose} footer={null} title={t('ops.webhooks.attemptLog')} width={720}>
      {d.isPending && id ? <Loading /> : null}
      {d.isError ? <ErrorAlert error={d.error} /> : null}
      {d.data ? (
        <Flex vertical gap={12}>
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'id', label: 'webhook-id', children: <Text copyable>{d.data.webhookId}</Text> },
              { key: 'owner', label: t('ops.webhooks.owner'), children: d.data.owner },
              { key: 'next', label: t('ops.webhooks.nextAttempt'), children: d.data.nextAttemptAt ? formatDateTime(d.data.nextAttemptAt, t.lang) : '—' },
            ]}
          />
          <Table
            size="small"
            rowKey="attempt"
            pagination={false}
            dataSource={d.data.attemptLog}
            columns={[
              { key: 'n', title: '#', render: (_, a) => a.attempt },
              { key: 'at', title: t('ops.webhooks.at'), render: (_, a) => formatDateTime(a.at, t.lang) },
              { key: 'outcome', title: t('ops.webhooks.outcome'), render: (_, a) => a.outcome },
              { key: 'code', title: t('ops.webhooks.lastCode'), render: (_, a) => a.statusCode ?? a.error ?? '—' },
              { key: 'ms', title: t('ops.webhooks.latency'), render: (_, a) => t('ops.webhooks.ms', { ms: a.latencyMs }) },
            ]}
          />
        </Flex>
      ) : null}
    </Modal>
  );
}

function Subscriptions() {
  const t = useT();
  const subs = useSubscriptions();
  const enable = useEnableSubscription();
  if (subs.isError) return <ErrorAlert error={subs.error} />;
  if (!subs.data) return null;
  return (
    <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('ops.webhooks.subscriptions')}</h3>}>
      {subs.data.items.length === 0 ? <Empty description={t('ops.webhooks.noSubscriptions')} /> : null}
      {subs.data.items.length > 0 ? (
        <Table<WebhookSubscription>
          size="small"
          rowKey="id"
          scroll={{ x: true }}
          pagination={{ pageSize: 25, hideOnSinglePage: true }}
          dataSource={subs.data.items}
          columns={[
            { key: 'owner', title: t('ops.webhooks.owner'), render: (_, s) => s.owner },
            { key: 'target', title: t('ops.webhooks.target'), render: (_, s) => <Text style={{ wordBreak: 'break-all' }}>{s.target}</Text> },
            { key: 'query', title: t('ops.webhooks.query'), render: (_, s) => s.query ?? s.eventTypes.join(', ') ?? '—' },
            {
              key: 'status',
              title: t('ops.webhooks.status'),
              render: (_, s) => (
                <Flex gap={4} wrap align="center">
                  <Tag color={s.status === 'active' ? 'green' : 'red'}>{t.dyn(`ops.webhooks.sub.${s.status}`, s.status)}</Tag>
                  {s.disabledReason ? <Text type="secondary">{s.disabledReason}</Text> : null}
                  {s.status === 'disabled' ? (
                    <Button size="small" onClick={() => enable.mutate(s.id)} loading={enable.isPending && enable.variables === s.id}>
                      {t('ops.webhooks.enable')}
                    </Button>
                  ) : null}
                </Flex>
              ),
            },
          ]}
        />
      ) : null}
    </Card>
  );
}
