// The reviewer's queue, as a back office list: filters (carrier, channel, status, overdue) and the
// search by reference or last 4 digits live in the URL (Back, Forward and reload keep them); the
// whole number is searched through a POST body and kept only in memory. Pages come from the server.
// Each row shows the deadline countdown and who holds a claim; a free request is claimed from here.
import { useState } from 'react';
import { App as AntApp, Button, Card, Col, Empty, Flex, Grid, Input, Row, Select, Table, Tag, Typography } from 'antd';
import { LockOutlined, SearchOutlined } from '@ant-design/icons';
import { useNavigate, useSearchParams } from 'react-router';
import { useMe, channelLabel, ErrorAlert, Loading, StatusTag } from '../common.tsx';
import { RequireStaff } from '../components/RequireStaff.tsx';
import { formatFen, formatMsisdn, pickName } from '../format.ts';
import { useT, type TFunction } from '../i18n.tsx';
import type { ReviewQueueItem } from '../api-types.ts';
import { Countdown } from './review/Countdown.tsx';
import { useClaimReview, useReviewQueue, type QueueFilter } from './review/review-hooks.ts';

const { Title, Text } = Typography;
const PAGE_SIZE = 20;
const CARRIERS = ['cmcc', 'cucc', 'ctcc', 'cbn'] as const;
const CHANNELS = ['online', 'store', 'api', 'fleet'] as const;
const STATUSES = ['pending_review', 'approved', 'rejected', 'withdrawn', 'executing', 'completed', 'needs_attention'] as const;
const PHONE = /^\s*(?:\+?86)?\s*1\d{2}[\s-]?\d{4}[\s-]?\d{4}\s*$/;

export default function ReviewQueuePage() {
  return (
    <RequireStaff roles={['reviewer']}>
      <ReviewQueue />
    </RequireStaff>
  );
}

/** The filter as the URL says it. */
export function filterFromParams(p: URLSearchParams): QueueFilter {
  const pick = <T extends string>(key: string, allowed: readonly T[]) => {
    const v = p.get(key);
    return v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  const overdue = p.get('overdue');
  const page = Number(p.get('page'));
  return {
    carrier: pick('carrier', CARRIERS),
    channel: pick('channel', CHANNELS),
    status: pick('status', STATUSES),
    overdue: overdue === 'true' ? true : overdue === 'false' ? false : undefined,
    q: (p.get('q') ?? '').slice(0, 40) || undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    pageSize: PAGE_SIZE,
  };
}

function ClaimTag({ item, me, t }: { item: ReviewQueueItem; me: string | undefined; t: TFunction }) {
  if (!item.claim) return null;
  const mine = item.claim.username === me;
  return (
    <Tag icon={<LockOutlined aria-hidden />} color={mine ? 'blue' : 'default'} data-testid={`claim-${item.id}`} data-mine={mine ? 'true' : 'false'}>
      {mine ? t('review.claim.mine') : t('review.claim.heldBy', { name: item.claim.displayName || item.claim.username })}
    </Tag>
  );
}

function ReviewQueue() {
  const t = useT();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const { message } = AntApp.useApp();
  const me = useMe();
  const myName = me.data?.kind === 'staff' ? me.data.username : undefined;
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const [qText, setQText] = useState(filter.q ?? '');
  const [numberText, setNumberText] = useState('');
  const [msisdn, setMsisdn] = useState('');
  const queue = useReviewQueue(filter, msisdn);
  const claim = useClaimReview();

  const setFilter = (patch: Partial<Record<'carrier' | 'channel' | 'status' | 'overdue' | 'q' | 'page', string | undefined>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next);
  };
  const open = (id: string) => navigate(`/staff/review/${id}`, { state: { back: `/staff/review${params.size ? `?${params}` : ''}` } });
  const claimAndOpen = (item: ReviewQueueItem) =>
    claim.mutate(
      { id: item.id },
      {
        onSuccess: () => open(item.id),
        onError: () => message.error(t('review.claim.failed')),
      },
    );
  const numberValid = !numberText.trim() || PHONE.test(numberText);
  const pending = (filter.status ?? 'pending_review') === 'pending_review';

  const filters = (
    <Card size="small">
      <Flex vertical gap={8}>
        <Flex gap={8} wrap align="center">
          <Select
            aria-label={t('review.filter.carrier')}
            data-testid="filter-carrier"
            style={{ minWidth: 150 }}
            value={filter.carrier ?? ''}
            onChange={(v: string) => setFilter({ carrier: v || undefined })}
            options={[{ value: '', label: t('review.filter.anyCarrier') }, ...CARRIERS.map((c) => ({ value: c, label: t.dyn(`carrier.${c}`, c) }))]}
          />
          <Select
            aria-label={t('review.filter.channel')}
            data-testid="filter-channel"
            style={{ minWidth: 130 }}
            value={filter.channel ?? ''}
            onChange={(v: string) => setFilter({ channel: v || undefined })}
            options={[{ value: '', label: t('review.filter.anyChannel') }, ...CHANNELS.map((c) => ({ value: c, label: channelLabel(c, t) }))]}
          />
          <Select
            aria-label={t('review.filter.status')}
            data-testid="filter-status"
            style={{ minWidth: 150 }}
            value={filter.status ?? 'pending_review'}
            onChange={(v: string) => setFilter({ status: v === 'pending_review' ? undefined : v })}
            options={STATUSES.map((s) => ({ value: s, label: t.dyn(`status.${s}`, s) }))}
          />
          <Select
            aria-label={t('review.filter.deadline')}
            data-testid="filter-overdue"
            style={{ minWidth: 140 }}
            value={filter.overdue === undefined ? 'all' : String(filter.overdue)}
            onChange={(v: string) => setFilter({ overdue: v === 'all' ? undefined : v })}
            options={[
              { value: 'all', label: t('review.filter.anyDeadline') },
              { value: 'true', label: t('review.overdue') },
              { value: 'false', label: t('review.filter.onTime') },
            ]}
          />
        </Flex>
        <Flex gap={8} wrap>
          <form
            style={{ flex: '1 1 260px', minWidth: 0 }}
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setFilter({ q: qText.trim() || undefined });
            }}
          >
            <Input
              allowClear
              data-testid="queue-search"
              aria-label={t('review.filter.search')}
              placeholder={t('review.filter.search')}
              value={qText}
              maxLength={40}
              onChange={(e) => {
                setQText(e.target.value);
                if (!e.target.value) setFilter({ q: undefined });
              }}
              suffix={
                <Button type="text" size="small" htmlType="submit" icon={<SearchOutlined />} aria-label={t('review.filter.searchButton')} data-testid="queue-search-go" />
              }
            />
          </form>
          <form
            style={{ flex: '1 1 220px', minWidth: 0 }}
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              if (numberValid) setMsisdn(numberText.trim());
            }}
          >
            <Input
              allowClear
              type="tel"
              autoComplete="off"
              data-testid="queue-number"
              aria-label={t('review.filter.number')}
              placeholder={t('review.filter.number')}
              value={numberText}
              status={numberValid ? undefined : 'error'}
              maxLength={20}
              onChange={(e) => {
                setNumberText(e.target.value);
                if (!e.target.value) setMsisdn('');
              }}
              suffix={
                <Button type="text" size="small" htmlType="submit" icon={<SearchOutlined />} aria-label={t('review.filter.numberButton')} data-testid="queue-number-go" />
              }
            />
            {numberValid ? null : <Text type="danger">{t('review.filter.numberInvalid')}</Text>}
          </form>
        </Flex>
      </Flex>
    </Card>
  );

  if (queue.isPending) return <Loading />;
  if (queue.isError) return <ErrorAlert error={queue.error} />;
  const { items, total } = queue.data;

  const warningTags = (codes: string[]) =>
    codes.map((c) => (
      <Tag key={c} color="orange" style={{ marginBottom: 2 }}>
        {t.dyn(`warn.${c}`, c)}
      </Tag>
    ));
  const action = (r: ReviewQueueItem, block = false) => {
    const free = pending && (!r.claim || r.claim.username === myName);
    return (
      <Flex gap={6} vertical={block} style={block ? { width: '100%' } : undefined}>
        {free && !r.claim ? (
          <Button block={block} onClick={() => claimAndOpen(r)} loading={claim.isPending && claim.variables?.id === r.id} data-testid={`review-claim-${r.id}`}>
            {t('review.claim.take')}
          </Button>
        ) : null}
        <Button type="primary" block={block} onClick={() => open(r.id)} data-testid={`review-open-${r.id}`}>
          {t('review.open')}
        </Button>
      </Flex>
    );
  };
  const pagination = {
    current: filter.page,
    pageSize: PAGE_SIZE,
    total,
    showSizeChanger: false,
    showTotal: (n: number) => t('review.total', { n }),
    onChange: (page: number) => setFilter({ page: page > 1 ? String(page) : undefined }),
  };

  return (
    <Flex vertical gap={16}>
      <Flex align="baseline" gap={12} wrap>
        <Title level={2} style={{ margin: 0 }}>
          {t('review.title')}
        </Title>
        <Text type="secondary" data-testid="queue-count" data-total={total}>
          {pending ? t('review.count', { n: total }) : t('review.total', { n: total })}
        </Text>
      </Flex>
      {filters}
      {msisdn ? (
        <Flex gap={8} align="center" wrap>
          <Tag closable onClose={() => { setMsisdn(''); setNumberText(''); }} data-testid="number-filter">
            {t('review.filter.byNumber', { number: formatMsisdn(msisdn).replace(/^(\d{3}) \d{4}/, '$1 ****') })}
          </Tag>
        </Flex>
      ) : null}
      {claim.isError ? <ErrorAlert error={claim.error} testId="claim-error" /> : null}
      {items.length === 0 ? <Empty description={t('review.empty')} /> : null}
      {items.length > 0 && screens.md ? (
        <Table<ReviewQueueItem>
          data-testid="review-queue"
          rowKey="id"
          dataSource={items}
          pagination={pagination}
          size="middle"
          loading={queue.isFetching && queue.isPlaceholderData}
          onRow={(r) => ({
            'data-testid': `queue-row-${r.id}`,
            'data-overdue': r.overdue ? 'true' : 'false',
            style: r.overdue ? { background: '#fff1f0' } : undefined,
          })}
          columns={[
            { key: 'due', title: t('review.due'), render: (_, r) => <Countdown due={r.slaDueAt} done={r.status !== 'pending_review'} /> },
            {
              key: 'line',
              title: t('review.line'),
              render: (_, r) => (
                <Flex vertical>
                  <Text strong>{formatMsisdn(r.maskedMsisdn)}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {r.reference ?? ''}
                  </Text>
                </Flex>
              ),
            },
            {
              key: 'carrier',
              title: t('line.carrier'),
              render: (_, r) => (
                <Flex vertical>
                  <Text>{pickName(r.carrierName, t.lang)}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {channelLabel(r.channel, t)} · {r.formFactor === 'esim' ? t('line.esim') : t('line.physical')}
                  </Text>
                </Flex>
              ),
            },
            { key: 'bill', title: t('review.bill'), align: 'right', render: (_, r) => formatFen(r.billTotalFen) },
            { key: 'refund', title: t('review.refund'), align: 'right', render: (_, r) => formatFen(r.refundFen) },
            { key: 'warnings', title: t('review.warnings'), render: (_, r) => warningTags(r.warnings) },
            {
              key: 'state',
              title: t('review.claim.column'),
              render: (_, r) => (pending ? <ClaimTag item={r} me={myName} t={t} /> : <StatusTag status={r.status} />),
            },
            { key: 'open', title: t('review.actions'), align: 'right', render: (_, r) => action(r) },
          ]}
        />
      ) : null}
      {items.length > 0 && !screens.md ? (
        <>
          <Row gutter={[12, 12]} data-testid="review-queue">
            {items.map((r) => (
              <Col key={r.id} xs={24}>
                <Card
                  size="small"
                  data-testid={`queue-row-${r.id}`}
                  data-overdue={r.overdue ? 'true' : 'false'}
                  style={r.overdue ? { borderColor: '#ffa39e' } : undefined}
                >
                  <Flex vertical gap={6}>
                    <Flex justify="space-between" gap={8} wrap>
                      <Text strong>{formatMsisdn(r.maskedMsisdn)}</Text>
                      <Text type="secondary">
                        {pickName(r.carrierName, t.lang)} · {channelLabel(r.channel, t)}
                      </Text>
                    </Flex>
                    {r.reference ? <Text type="secondary">{r.reference}</Text> : null}
                    <Countdown due={r.slaDueAt} done={r.status !== 'pending_review'} />
                    <Text>
                      {t('review.bill')} {formatFen(r.billTotalFen)} · {t('review.refund')} {formatFen(r.refundFen)}
                    </Text>
                    {r.warnings.length ? <div>{warningTags(r.warnings)}</div> : null}
                    {pending ? <ClaimTag item={r} me={myName} t={t} /> : <StatusTag status={r.status} />}
                    {action(r, true)}
                  </Flex>
                </Card>
              </Col>
            ))}
          </Row>
          <MobilePager page={filter.page} total={total} onPage={(p) => setFilter({ page: p > 1 ? String(p) : undefined })} t={t} />
        </>
      ) : null}
    </Flex>
  );
}

function MobilePager({ page, total, onPage, t }: { page: number; total: number; onPage: (p: number) => void; t: TFunction }) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (pages <= 1) return null;
  return (
    <Flex justify="space-between" align="center" gap={8} data-testid="mobile-pager">
      <Button disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('review.page.prev')}
      </Button>
      <Text>{t('review.page.of', { page, pages })}</Text>
      <Button disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('review.page.next')}
      </Button>
    </Flex>
  );
}
