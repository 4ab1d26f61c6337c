// The cancellation agreement as the customer reads it before signing, in Chinese or English (the
// customer's choice, independent of the clerk's screen language). The server writes the same facts
// into the signed PDF and keeps its hash.
import type { ReactNode } from 'react';
import { Card, Descriptions, Flex, Segmented, Typography } from 'antd';
import type { RefundRoute, StoreCustomer, StoreLine, StoreQuote } from '../../api.ts';
import { formatFen, pickName } from '../../format.ts';
import { isMessageKey, translate, useCatalogue, type Lang, type MessageKey } from '../../i18n.tsx';
import type { ChecksState } from './CounterFlow.tsx';

const { Title, Paragraph, Text } = Typography;
const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', wordBreak: 'break-all' as const };

function maskId(v: string): string {
  const s = v.replace(/[\s-]/g, '').toUpperCase();
  return s.length > 8 ? `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}` : '****';
}

interface Props {
  lang: Lang;
  setLang: (lang: Lang) => void;
  customer: StoreCustomer;
  line: StoreLine;
  checks: ChecksState;
  quote: StoreQuote;
  route: RefundRoute | null;
  acks: string[];
  /** The language the quote's texts came in (the clerk's screen language). */
  quoteLang: Lang;
}

export function Agreement({ lang, setLang, customer, line, checks, quote, route, acks, quoteLang }: Props) {
  useCatalogue(lang); // the customer's language may not be the clerk's: load it, re-render once it is in
  const tl = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const dyn = (key: string, fallback: string) => (isMessageKey(key) ? translate(lang, key) : fallback);
  const province = line.homeProvinceName ? pickName(line.homeProvinceName, lang) : (line.homeProvince ?? '');
  const physical = line.formFactor === 'physical';

  const card = physical
    ? checks.iccid.trim()
      ? tl('agreement.cardReturned')
      : tl('agreement.cardLost')
    : checks.esimDeleted
      ? tl('agreement.esimDeleted')
      : tl('agreement.esimNotDeleted');

  const routeText = (() => {
    if (!route) return '—';
    const base = dyn(`agreement.route.${route.type}`, route.type);
    if (route.type === 'bank') return `${base} · ${route.bankName} · ****${route.bankAccount.slice(-4)}`;
    if (route.type === 'line') {
      const target = quote.refundRoutes.find((r) => r.type === 'line')?.lines?.find((l) => l.id === route.lineId);
      return target ? `${base} · ${target.msisdn}` : base;
    }
    return base;
  })();

  const section = (title: string, items: { key: string; label: string; children: ReactNode }[]) => (
    <div>
      <Title level={5} style={{ margin: '12px 0 6px' }}>
        {title}
      </Title>
      <Descriptions size="small" bordered column={1} items={items} styles={{ label: { width: '38%' } }} />
    </div>
  );

  return (
    <Card
      size="small"
      data-testid="agreement"
      data-lang={lang}
      title={
        <Flex justify="space-between" align="center" gap={8} wrap style={{ padding: '6px 0' }}>
          <span>{translate(lang, 'agreement.heading')}</span>
          <Segmented<Lang>
            size="small"
            data-testid="agreement-lang"
            value={lang}
            onChange={setLang}
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Flex>
      }
    >
      <div lang={lang}>
        <Title level={4} style={{ marginTop: 0, textAlign: 'center' }}>
          {tl('agreement.title')}
        </Title>
        <Paragraph>{tl('agreement.intro')}</Paragraph>

        {section(tl('agreement.section.line'), [
          { key: 'carrier', label: tl('agreement.carrier'), children: pickName(line.carrierName, lang) },
          { key: 'msisdn', label: tl('agreement.msisdn'), children: <span style={mono}>{line.maskedMsisdn}</span> },
          { key: 'iccid', label: tl('agreement.iccid'), children: <span style={mono}>{line.maskedIccid}</span> },
          { key: 'ff', label: tl('agreement.formFactor'), children: physical ? translate(lang, 'line.physical') : translate(lang, 'line.esim') },
          ...(line.planName ? [{ key: 'plan', label: tl('agreement.plan'), children: line.planName }] : []),
          {
            key: 'province',
            label: tl('agreement.homeProvince'),
            children: line.outOfProvince
              ? quote.forwarding
                ? tl('agreement.forwarded', { province, days: quote.forwarding.slaDays })
                : tl('agreement.outOfProvince', { province })
              : province,
          },
        ])}

        {section(tl('agreement.section.owner'), [
          { key: 'name', label: tl('agreement.ownerName'), children: customer.maskedName },
          { key: 'idType', label: tl('agreement.idType'), children: dyn(`idType.${customer.idType}`, customer.idType) },
          { key: 'id', label: tl('agreement.idNumber'), children: <span style={mono}>{customer.maskedIdNumber}</span> },
        ])}

        {section(tl('agreement.section.applicant'), [
          { key: 'mandate', label: tl('agreement.mandate'), children: dyn(`mandate.${checks.mandate}`, checks.mandate) },
          ...(checks.mandate !== 'owner' && checks.applicantIdNumber.trim()
            ? [{ key: 'aid', label: tl('agreement.applicantId'), children: <span style={mono}>{maskId(checks.applicantIdNumber)}</span> }]
            : []),
          ...(checks.documents.length
            ? [{ key: 'docs', label: tl('agreement.documents'), children: checks.documents.map((d) => dyn(`docKind.${d.kind}`, d.kind)).join(lang === 'en' ? ', ' : '、') }]
            : []),
        ])}

        {section(tl('agreement.section.checks'), [
          { key: 'card', label: physical ? tl('agreement.card') : tl('agreement.esimProfile'), children: card },
          { key: 'id', label: tl('agreement.idCheck'), children: tl('agreement.passed') },
          { key: 'face', label: tl('agreement.faceCheck'), children: checks.faceMatched ? tl('agreement.passed') : '—' },
        ])}

        {section(tl('agreement.section.money'), [
          { key: 'bill', label: tl('agreement.billTotal'), children: formatFen(quote.bill.totalFen) },
          { key: 'cash', label: tl('agreement.cashBalance'), children: formatFen(quote.refund.cashBalanceFen) },
          { key: 'promo', label: tl('agreement.promoCredit'), children: formatFen(quote.refund.promotionalCreditFen) },
          ...(quote.penalty?.applies
            ? [{ key: 'penalty', label: tl('agreement.penalty'), children: `${formatFen(quote.penalty.amountFen)}${quote.penalty.accepted ? ` (${tl('agreement.penaltyAccepted')})` : ''}` }]
            : []),
          { key: 'refund', label: tl('agreement.refund'), children: <Text strong data-testid="agreement-refund">{formatFen(quote.refund.refundableFen)}</Text> },
          ...(quote.refund.refundableFen > 0 ? [{ key: 'route', label: tl('agreement.refundRoute'), children: routeText }] : []),
        ])}

        <Title level={5} style={{ margin: '12px 0 6px' }}>
          {tl('agreement.section.acks')}
        </Title>
        <ol style={{ margin: 0, paddingInlineStart: 22 }} data-testid="agreement-acks">
          {acks.map((code) => (
            <li key={code} style={{ marginBottom: 4 }}>
              {lang === quoteLang && quote.acknowledgementTexts?.[code]
                ? quote.acknowledgementTexts[code]
                : dyn(`ack.${code}`, quote.acknowledgementTexts?.[code] ?? code)}
            </li>
          ))}
        </ol>
        <Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {tl('agreement.signNote')}
        </Paragraph>
      </div>
    </Card>
  );
}
