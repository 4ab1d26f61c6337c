import type { ReactNode } from 'react';
import { Card, Descriptions, Flex, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import type { Line } from '../api.ts';
import { formatDate, formatFen, formatMsisdn, pickName, telHref } from '../format.ts';
import { useT } from '../i18n.tsx';

const STATUS_COLOR: Record<string, string> = { active: 'green', suspended: 'orange', lost: 'red', cancelled: 'default' };
const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', wordBreak: 'break-all' as const };

/** A hotline as a link the phone can call: "客服电话 4006-171-171". */
export function Hotline({ phone, label = true }: { phone: string; label?: boolean }) {
  const t = useT();
  return (
    <span>
      {label ? `${t('line.hotline')} ` : null}
      <a href={telHref(phone)} data-testid="hotline-link" style={{ textDecoration: 'underline' }}>
        {phone}
      </a>
    </span>
  );
}

export function LineTags({ line }: { line: Line }) {
  const t = useT();
  return (
    <Flex gap={4} wrap>
      <Tag color={line.formFactor === 'esim' ? 'purple' : 'blue'}>
        {line.formFactor === 'esim' ? t('line.esim') : t('line.physical')}
      </Tag>
      <Tag color={STATUS_COLOR[line.status] ?? 'default'}>{t.dyn(`line.status.${line.status}`, line.status)}</Tag>
      {line.mvno ? <Tag color="gold">{`${t('line.mvno')} · ${pickName(line.mvno.name, t.lang)}`}</Tag> : null}
    </Flex>
  );
}

export function lineFacts(line: Line, t: ReturnType<typeof useT>): DescriptionsProps['items'] {
  const items: NonNullable<DescriptionsProps['items']> = [];
  if (line.planName) {
    items.push({
      key: 'plan',
      label: t('line.plan'),
      children: line.monthlyFeeFen != null ? `${line.planName} · ${formatFen(line.monthlyFeeFen)}` : line.planName,
    });
  }
  if (line.deviceLabel) items.push({ key: 'device', label: t('line.device'), children: line.deviceLabel });
  items.push({ key: 'iccid', label: t('line.iccid'), children: <span style={mono}>{line.maskedIccid}</span> });
  items.push({ key: 'imsi', label: t('line.imsi'), children: <span style={mono}>{line.maskedImsi}</span> });
  if (line.maskedEid) items.push({ key: 'eid', label: t('line.eid'), children: <span style={mono}>{line.maskedEid}</span> });
  const province = line.homeProvinceName ? pickName(line.homeProvinceName, t.lang) : line.homeProvince;
  if (province) items.push({ key: 'province', label: t('line.province'), children: province });
  if (line.bundleRole) {
    items.push({ key: 'bundle', label: t('line.bundleRole'), children: t.dyn(`bundle.${line.bundleRole}`, line.bundleRole) });
  }
  if (line.mvno) {
    items.push({
      key: 'mvno',
      label: t('line.mvno'),
      children: (
        <span>
          {pickName(line.mvno.name, t.lang)}
          {' · '}
          <Hotline phone={line.mvno.hotline} />
        </span>
      ),
    });
  }
  if (line.forwarded) {
    items.push({
      key: 'forwarded',
      label: t('line.forwardedTicket'),
      children: <span data-testid={`forwarded-ticket-${line.msisdn}`}>{line.forwarded.ticket}</span>,
    });
    // The seller's answers, as they come (src/partners): accepted, then completed or refused with a reason.
    const f = line.forwarded;
    items.push({
      key: 'forward-status',
      label: t('line.forward.status'),
      children: (
        <span data-testid={`forward-status-${line.msisdn}`}>
          {t.dyn(`line.forward.state.${f.status ?? 'forwarded'}`, f.status ?? 'forwarded')}
          {f.partnerReference ? ` · ${t('line.forward.reference', { reference: f.partnerReference })}` : null}
          {(f.answers ?? []).filter((a) => a.reason).map((a) => (
            <span key={a.at} style={{ display: 'block' }}>
              {formatDate(a.at, t.lang)} {a.reason}
            </span>
          ))}
        </span>
      ),
    });
  }
  if (line.status === 'cancelled' && line.frozenUntil) {
    items.push({
      key: 'frozen',
      label: t('line.frozenUntil'),
      children: <span data-testid={`frozen-until-${line.msisdn}`}>{formatDate(line.frozenUntil, t.lang)}</span>,
    });
  }
  if (line.companions?.length) {
    items.push({
      key: 'companions',
      label: t('line.companions'),
      children: line.companions
        .map((c) => `${c.deviceLabel} (${c.formFactor === 'esim' ? t('line.esim') : t('line.physical')})`)
        .join('、'),
    });
  }
  return items;
}

export function LineCard({ line, actions, highlight }: { line: Line; actions?: ReactNode; highlight?: boolean }) {
  const t = useT();
  return (
    <Card
      data-testid={`line-${line.msisdn}`}
      style={{ height: '100%', ...(highlight ? { borderColor: '#1677ff', boxShadow: '0 0 0 2px rgba(22,119,255,0.15)' } : {}) }}
      styles={{ body: { padding: 16 } }}
    >
      <Flex vertical gap={12}>
        <Flex justify="space-between" align="flex-start" gap={8} wrap>
          <Typography.Text strong style={{ fontSize: 18, ...mono }}>
            {formatMsisdn(line.msisdn)}
          </Typography.Text>
          <LineTags line={line} />
        </Flex>
        <Descriptions size="small" column={1} items={lineFacts(line, t)} styles={{ label: { whiteSpace: 'nowrap' } }} />
        {actions ? <Flex gap={8} wrap>{actions}</Flex> : null}
      </Flex>
    </Card>
  );
}
