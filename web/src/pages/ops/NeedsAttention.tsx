// The needs-attention queue: requests whose execution stopped, oldest first, with the step that failed
// and its last error. Retry resumes from that step; "resolve by hand" completes the request with a
// note saying what was done.
import { useState } from 'react';
import { App as AntApp, Button, Card, Empty, Flex, Grid, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { AuditOutlined, CheckOutlined, RedoOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getNeedsAttention, resolveNeedsAttention, retryNeedsAttention } from '../../api.ts';
import type { NeedsAttentionItem } from '../../api-types.ts';
import { channelLabel, ErrorAlert, errorText, Loading } from '../../common.tsx';
import { formatDateTime } from '../../format.ts';
import { useT } from '../../i18n.tsx';

const { Text } = Typography;

export function NeedsAttention({ onAudit }: { onAudit: (requestId: string) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const { message } = AntApp.useApp();
  const [resolving, setResolving] = useState<NeedsAttentionItem | null>(null);
  const [note, setNote] = useState('');
  const list = useQuery({ queryKey: ['needs-attention'], queryFn: getNeedsAttention, refetchInterval: 15_000 });

  const refresh = async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: ['needs-attention'] }), qc.invalidateQueries({ queryKey: ['ops-stats'] })]);
  };
  const retry = useMutation({
    mutationFn: (id: string) => retryNeedsAttention(id),
    onSuccess: async () => {
      message.success(t('ops.na.retried'));
      await refresh();
    },
    onError: (err) => message.error(errorText(err, t).title),
  });
  const resolve = useMutation({
    mutationFn: (v: { id: string; note: string }) => resolveNeedsAttention(v.id, v.note),
    onSuccess: async () => {
      message.success(t('ops.na.resolved'));
      setResolving(null);
      setNote('');
      await refresh();
    },
  });

  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorAlert error={list.error} />;
  const items = list.data.items;

  const actions = (r: NeedsAttentionItem, block = false) => (
    <Flex gap={6} wrap style={block ? { width: '100%' } : undefined}>
      <Popconfirm title={t('ops.na.retryConfirm')} onConfirm={() => retry.mutate(r.id)} okButtonProps={{ 'data-testid': `na-retry-confirm-${r.id}` }}>
        <Button size="small" type="primary" icon={<RedoOutlined />} loading={retry.isPending && retry.variables === r.id} data-testid={`na-retry-${r.id}`}>
          {t('ops.na.retry')}
        </Button>
      </Popconfirm>
      <Button size="small" icon={<CheckOutlined />} onClick={() => setResolving(r)} data-testid={`na-resolve-${r.id}`}>
        {t('ops.na.resolve')}
      </Button>
      <Button size="small" type="text" icon={<AuditOutlined />} onClick={() => onAudit(r.id)} aria-label={t('ops.tab.audit')}>
        {screens.sm ? t('ops.tab.audit') : null}
      </Button>
    </Flex>
  );
  const stepText = (r: NeedsAttentionItem) => (r.step ? t.dyn(`step.${r.step}`, r.step) : '—');

  return (
    <Flex vertical gap={12} data-testid="needs-attention">
      <Text type="secondary" data-testid="na-count">
        {t('ops.na.count', { n: items.length })}
      </Text>
      {items.length === 0 ? <Empty description={t('ops.na.empty')} /> : null}
      {items.length > 0 && screens.lg ? (
        <Table<NeedsAttentionItem>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={items}
          onRow={(r) => ({ role: 'row', 'data-testid': `na-row-${r.id}` })}
          columns={[
            { key: 'since', title: t('ops.na.since'), render: (_, r) => formatDateTime(r.since, t.lang) },
            {
              key: 'line',
              title: t('review.line'),
              render: (_, r) => (
                <Flex vertical>
                  <Text strong>{r.maskedMsisdn}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {t.dyn(`carrier.${r.carrier}`, r.carrier)} · {channelLabel(r.channel, t)}
                  </Text>
                </Flex>
              ),
            },
            { key: 'step', title: t('ops.na.step'), render: (_, r) => <Tag color="orange">{stepText(r)}</Tag> },
            {
              key: 'error',
              title: t('ops.na.error'),
              render: (_, r) => (
                <Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-word' }}>
                  {r.lastError ?? r.reason ?? '—'}
                </Text>
              ),
            },
            { key: 'attempts', title: t('ops.na.attempts'), align: 'right', render: (_, r) => r.attempts },
            { key: 'actions', title: '', render: (_, r) => actions(r) },
          ]}
        />
      ) : null}
      {items.length > 0 && !screens.lg
        ? items.map((r) => (
            <Card key={r.id} size="small" data-testid={`na-row-${r.id}`}>
              <Flex vertical gap={6}>
                <Flex justify="space-between" gap={8} wrap>
                  <Text strong>{r.maskedMsisdn}</Text>
                  <Tag color="orange">{stepText(r)}</Tag>
                </Flex>
                <Text type="secondary">
                  {t.dyn(`carrier.${r.carrier}`, r.carrier)} · {channelLabel(r.channel, t)} · {formatDateTime(r.since, t.lang)}
                </Text>
                <Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-word' }}>
                  {r.lastError ?? r.reason ?? '—'} · {t('request.attempts', { n: r.attempts })}
                </Text>
                {actions(r, true)}
              </Flex>
            </Card>
          ))
        : null}

      <Modal
        open={resolving !== null}
        title={t('ops.na.resolveTitle')}
        onCancel={() => {
          setResolving(null);
          resolve.reset();
        }}
        onOk={() => resolving && resolve.mutate({ id: resolving.id, note: note.trim() })}
        okText={t('ops.na.resolve')}
        okButtonProps={{ disabled: !note.trim(), loading: resolve.isPending, 'data-testid': 'na-resolve-ok' }}
        destroyOnHidden
      >
        <Flex vertical gap={8}>
          <Text>{t('ops.na.resolveIntro', { msisdn: resolving?.maskedMsisdn ?? '' })}</Text>
          <Input.TextArea
            data-testid="na-note"
            rows={4}
            maxLength={1000}
            showCount
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('ops.na.notePlaceholder')}
            aria-label={t('ops.na.note')}
          />
          {resolve.isError ? <ErrorAlert error={resolve.error} /> : null}
        </Flex>
      </Modal>
    </Flex>
  );
}
