// The audit trail: who did what, when, from where. Staff by name, actions in words, details as
// labelled lines; filtered by staff member, action, days (China time) and request reference or
// subject; paged on the server. And a check of the log's seal.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Empty, Flex, Grid, Input, Select, Table, Tag, Typography } from 'antd';
import { SafetyOutlined, SearchOutlined } from '@ant-design/icons';
import type { AuditEntry } from '../../api-types.ts';
import { ErrorAlert, Loading, roleLabel } from '../../common.tsx';
import { formatDateTime } from '../../format.ts';
import { useT, type TFunction } from '../../i18n.tsx';
import { detailItems } from './audit-details.ts';
import { useAuditFacets, useAuditPage, useVerifyAudit, type AuditQuery } from './audit-hooks.ts';
import { DayRange, type DayRangeValue } from './DayRange.tsx';

const { Text } = Typography;
const PAGE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFERENCE = /^\s*(?:zx)?[\s-]*\d{4}[\s-]*\d{4}[\s-]*\d{4}\s*$/i;

export function actionLabel(action: string, t: TFunction): string {
  return t.dyn(`audit.action.${action}`, action);
}

export function actorText(e: AuditEntry, t: TFunction): string {
  if (e.actor.username) return `${e.actor.displayName ?? e.actor.username} (${e.actor.username})`;
  const kind = t.dyn(`actor.${e.actor.kind}`, e.actor.kind);
  return e.actor.id ? `${kind} ${e.actor.id.slice(0, 8)}` : kind;
}

/** What the text box means: a request id, a reference (受理编号), or a subject such as carrier:cmcc. */
function subjectFilter(text: string): Pick<AuditQuery, 'requestId' | 'reference' | 'subject'> {
  const v = text.trim();
  if (!v) return {};
  if (UUID.test(v)) return { requestId: v };
  if (REFERENCE.test(v)) return { reference: v };
  return { subject: v };
}

function Details({ e }: { e: AuditEntry }) {
  const t = useT();
  const items = detailItems(e.details, t);
  if (!items.length) return <Text type="secondary">—</Text>;
  return (
    <Descriptions
      size="small"
      column={1}
      data-testid={`audit-details-${e.seq}`}
      items={items.map((i) => ({ key: i.key, label: i.label, children: <span style={{ wordBreak: 'break-word' }}>{i.text}</span> }))}
    />
  );
}

export function AuditView({ initialRequestId }: { initialRequestId: string }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [text, setText] = useState(initialRequestId);
  const [query, setQuery] = useState<AuditQuery>({ ...subjectFilter(initialRequestId), page: 1, limit: PAGE });
  const entries = useAuditPage(query);
  const facets = useAuditFacets();
  const verify = useVerifyAudit();
  const set = (patch: Partial<AuditQuery>) => setQuery((q) => ({ ...q, ...patch, page: patch.page ?? 1 }));
  const range: DayRangeValue | null = query.from && query.to ? { from: query.from, to: query.to } : null;
  const rows = entries.data?.entries ?? [];

  const subjectText = (e: AuditEntry) => e.reference ?? e.subject ?? (e.requestId ? e.requestId.slice(0, 8) : '—');

  return (
    <Flex vertical gap={12} data-testid="audit-view">
      <Card size="small">
        <Flex vertical gap={8}>
          <Flex gap={8} wrap align="center">
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="audit-actor"
              aria-label={t('ops.audit.actor')}
              style={{ minWidth: 200 }}
              value={query.staffId ?? ''}
              onChange={(v: string) => set({ staffId: v || undefined })}
              options={[
                { value: '', label: t('ops.audit.anyActor') },
                ...(facets.data?.staff ?? []).map((s) => ({ value: s.id, label: `${s.displayName} (${s.username}) · ${roleLabel(s.role, t)}` })),
              ]}
            />
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="audit-action"
              aria-label={t('ops.audit.action')}
              style={{ minWidth: 200 }}
              value={query.action ?? ''}
              onChange={(v: string) => set({ action: v || undefined })}
              options={[{ value: '', label: t('ops.audit.anyAction') }, ...(facets.data?.actions ?? []).map((a) => ({ value: a, label: actionLabel(a, t) }))]}
            />
            <DayRange
              testId="audit-range"
              allowClear
              value={range}
              onChange={(v) => set({ from: v?.from, to: v?.to })}
              label={[t('ops.filter.from'), t('ops.filter.to')]}
            />
          </Flex>
          <form
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              set({ requestId: undefined, reference: undefined, subject: undefined, ...subjectFilter(text) });
            }}
          >
            <Flex gap={8} wrap>
              <Input
                allowClear
                data-testid="audit-id"
                value={text}
                maxLength={200}
                onChange={(e) => setText(e.target.value)}
                placeholder={t('ops.audit.subjectPlaceholder')}
                aria-label={t('ops.audit.subjectPlaceholder')}
                style={{ flex: '1 1 260px', minWidth: 0 }}
              />
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('ops.audit.search')}
              </Button>
              <Button icon={<SafetyOutlined />} onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
                {t('ops.audit.verify')}
              </Button>
            </Flex>
          </form>
        </Flex>
        {verify.data ? (
          <Alert
            style={{ marginTop: 12 }}
            type={verify.data.ok ? 'success' : 'error'}
            showIcon
            data-testid="audit-verify-result"
            title={
              verify.data.ok
                ? t('ops.audit.intact', { n: verify.data.entries })
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
      {entries.data && rows.length > 0 ? (
        <Text type="secondary" data-testid="audit-total">
          {t('ops.audit.total', { n: entries.data.total })}
        </Text>
      ) : null}
      {rows.length > 0 && screens.md ? (
        <Table<AuditEntry>
          size="small"
          rowKey="seq"
          dataSource={rows}
          data-testid="audit-table"
          loading={entries.isFetching && entries.isPlaceholderData}
          pagination={{
            current: query.page,
            pageSize: PAGE,
            total: entries.data?.total ?? 0,
            showSizeChanger: false,
            onChange: (page) => set({ page }),
          }}
          columns={[
            { key: 'seq', title: '#', dataIndex: 'seq', width: 70 },
            { key: 'at', title: t('ops.audit.at'), render: (_, e) => formatDateTime(e.at, t.lang), width: 170 },
            { key: 'actor', title: t('ops.audit.actor'), render: (_, e) => <span data-testid="audit-actor-name">{actorText(e, t)}</span>, width: 170 },
            {
              key: 'action',
              title: t('ops.audit.action'),
              render: (_, e) => (
                <Tag data-action={e.action} title={e.action}>
                  {actionLabel(e.action, t)}
                </Tag>
              ),
            },
            { key: 'subject', title: t('ops.audit.subject'), render: (_, e) => <Text style={{ fontSize: 12, wordBreak: 'break-all' }}>{subjectText(e)}</Text> },
            { key: 'ip', title: t('ops.audit.ip'), render: (_, e) => e.ip ?? '—', width: 120 },
            { key: 'details', title: t('ops.audit.details'), render: (_, e) => <Details e={e} />, width: 320 },
          ]}
        />
      ) : null}
      {rows.length > 0 && !screens.md ? (
        <>
          {rows.map((e) => (
            <Card key={e.seq} size="small">
              <Flex vertical gap={4}>
                <Flex justify="space-between" gap={8} wrap>
                  <Tag data-action={e.action}>{actionLabel(e.action, t)}</Tag>
                  <Text type="secondary">#{e.seq}</Text>
                </Flex>
                <Text type="secondary">
                  {formatDateTime(e.at, t.lang)} · {actorText(e, t)}
                  {e.ip ? ` · ${e.ip}` : ''}
                </Text>
                <Text style={{ fontSize: 12 }}>{subjectText(e)}</Text>
                <Details e={e} />
              </Flex>
            </Card>
          ))}
          <Flex justify="space-between" align="center">
            <Button disabled={query.page <= 1} onClick={() => set({ page: query.page - 1 })}>
              {t('review.page.prev')}
            </Button>
            <Text>{t('review.page.of', { page: query.page, pages: Math.max(1, Math.ceil((entries.data?.total ?? 0) / PAGE)) })}</Text>
            <Button disabled={query.page * PAGE >= (entries.data?.total ?? 0)} onClick={() => set({ page: query.page + 1 })}>
              {t('review.page.next')}
            </Button>
          </Flex>
        </>
      ) : null}
    </Flex>
  );
}
