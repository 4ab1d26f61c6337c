// The audit trail: who did what, when, from where — for one request, one staff member, or everything,
// newest first, paged backwards. And a check of the hash chain the entries form.
import { useState } from 'react';
import { Alert, Button, Card, Empty, Flex, Grid, Input, Segmented, Table, Tag, Typography } from 'antd';
import { SafetyOutlined, SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { getAuditEntries, verifyAuditChain, type AuditEntry } from '../../api.ts';
import { ErrorAlert, Loading } from '../../common.tsx';
import { formatDateTime } from '../../format.ts';
import { useT } from '../../i18n.tsx';

const { Text } = Typography;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 50;
type By = 'requestId' | 'staffId' | 'all';

export function AuditView({ initialRequestId }: { initialRequestId: string }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [by, setBy] = useState<By>(initialRequestId ? 'requestId' : 'all');
  const [text, setText] = useState(initialRequestId);
  const [applied, setApplied] = useState<{ by: By; value: string }>({ by: initialRequestId ? 'requestId' : 'all', value: initialRequestId });
  const valid = by === 'all' || UUID.test(text.trim());

  const entries = useInfiniteQuery({
    queryKey: ['audit', applied],
    queryFn: ({ pageParam }) =>
      getAuditEntries({
        ...(applied.by === 'requestId' ? { requestId: applied.value } : {}),
        ...(applied.by === 'staffId' ? { staffId: applied.value } : {}),
        limit: PAGE,
        ...(pageParam ? { beforeSeq: pageParam } : {}),
      }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextBeforeSeq ?? undefined,
  });
  const verify = useMutation({ mutationFn: verifyAuditChain });
  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];

  const details = (e: AuditEntry) => {
    const json = JSON.stringify(e.details);
    return json && json !== '{}' ? (
      <Text code style={{ fontSize: 12, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
        {json.length > 400 ? `${json.slice(0, 400)}…` : json}
      </Text>
    ) : null;
  };
  const actor = (e: AuditEntry) => `${t.dyn(`actor.${e.actorKind}`, e.actorKind)}${e.actorId ? ` ${e.actorId.slice(0, 8)}` : ''}`;

  return (
    <Flex vertical gap={12} data-testid="audit-view">
      <Card size="small">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) setApplied({ by, value: by === 'all' ? '' : text.trim() });
          }}
        >
          <Flex gap={8} wrap align="center">
            <Segmented<By>
              value={by}
              onChange={setBy}
              options={[
                { value: 'requestId', label: t('ops.audit.byRequest') },
                { value: 'staffId', label: t('ops.audit.byStaff') },
                { value: 'all', label: t('ops.audit.all') },
              ]}
            />
            {by !== 'all' ? (
              <Input
                data-testid="audit-id"
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder={t('ops.audit.idPlaceholder')}
                aria-label={by === 'requestId' ? t('ops.audit.byRequest') : t('ops.audit.byStaff')}
                status={text.trim() && !valid ? 'error' : undefined}
                style={{ flex: '1 1 260px', minWidth: 0, fontFamily: 'ui-monospace, Menlo, monospace' }}
              />
            ) : null}
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} disabled={!valid} data-testid="audit-search">
              {t('ops.audit.search')}
            </Button>
            <Button icon={<SafetyOutlined />} onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
              {t('ops.audit.verify')}
            </Button>
          </Flex>
        </form>
        {verify.data ? (
          <Alert
            style={{ marginTop: 12 }}
            type={verify.data.ok ? 'success' : 'error'}
            showIcon
            data-testid="audit-verify-result"
            title={
              verify.data.ok
                ? t('ops.audit.intact', { n: verify.data.entries ?? verify.data.entriesChecked ?? 0 })
                : t('ops.audit.broken', { seq: verify.data.firstBrokenSeq ?? '?' })
            }
            description={verify.data.ok ? undefined : [verify.data.reason, verify.data.detail].filter(Boolean).join(' · ')}
          />
        ) : null}
        {verify.isError ? <ErrorAlert error={verify.error} /> : null}
      </Card>

      {entries.isPending ? <Loading /> : null}
      {entries.isError ? <ErrorAlert error={entries.error} /> : null}
      {entries.isSuccess && rows.length === 0 ? <Empty description={t('ops.audit.empty')} /> : null}
      {rows.length > 0 && screens.md ? (
        <Table<AuditEntry>
          size="small"
          rowKey="seq"
          pagination={false}
          dataSource={rows}
          data-testid="audit-table"
          columns={[
            { key: 'seq', title: '#', dataIndex: 'seq', width: 70 },
            { key: 'at', title: t('ops.audit.at'), render: (_, e) => formatDateTime(e.at, t.lang), width: 170 },
            { key: 'actor', title: t('ops.audit.actor'), render: (_, e) => actor(e), width: 150 },
            { key: 'action', title: t('ops.audit.action'), render: (_, e) => <Tag>{e.action}</Tag> },
            { key: 'subject', title: t('ops.audit.subject'), render: (_, e) => <Text style={{ fontSize: 12, wordBreak: 'break-all' }}>{e.subject ?? (e.requestId ? `request:${e.requestId.slice(0, 8)}` : '—')}</Text> },
            { key: 'ip', title: t('ops.audit.ip'), render: (_, e) => e.ip ?? '—', width: 120 },
            { key: 'details', title: t('ops.audit.details'), render: (_, e) => details(e) },
          ]}
        />
      ) : null}
      {rows.length > 0 && !screens.md
        ? rows.map((e) => (
            <Card key={e.seq} size="small">
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} wrap>
                  <Tag>{e.action}</Tag>
                  <Text type="secondary">#{e.seq}</Text>
                </Flex>
                <Text type="secondary">
                  {formatDateTime(e.at, t.lang)} · {actor(e)}
                  {e.ip ? ` · ${e.ip}` : ''}
                </Text>
                {details(e)}
              </Flex>
            </Card>
          ))
        : null}
      {entries.hasNextPage ? (
        <div>
          <Button onClick={() => entries.fetchNextPage()} loading={entries.isFetchingNextPage}>
            {t('ops.audit.more')}
          </Button>
        </div>
      ) : null}
    </Flex>
  );
}
