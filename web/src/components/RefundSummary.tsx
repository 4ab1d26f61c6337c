// The money after the final bill: cash balance, promotional credit (not refundable), what is owed,
// and the refund; shared by the online wizard and the store counter.
import { Card, Descriptions, Tag, Typography } from 'antd';
import { useT } from '../i18n.tsx';
import { formatFen } from '../format.ts';

const { Text, Paragraph } = Typography;

export interface RefundFigures {
  cashBalanceFen: number;
  promotionalCreditFen: number;
  owedFen: number;
  refundableFen: number;
  note?: string | null;
  reservedByOtherRequestsFen?: number;
  settlesAccount?: boolean;
}

export function RefundSummary({ refund: r, refundableLabel }: { refund: RefundFigures; refundableLabel: string }) {
  const t = useT();
  return (
    <Card size="small" title={t('refund.title')}>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'cash', label: t('refund.cash'), children: formatFen(r.cashBalanceFen) },
          ...((r.reservedByOtherRequestsFen ?? 0) > 0
            ? [{ key: 'reserved', label: t('refund.reserved'), children: `− ${formatFen(r.reservedByOtherRequestsFen ?? 0)}` }]
            : []),
          {
            key: 'promo',
            label: t('refund.promo'),
            children: (
              <span data-testid="promo-credit">
                <Text delete={r.promotionalCreditFen > 0 && r.settlesAccount !== false}>{formatFen(r.promotionalCreditFen)}</Text>{' '}
                <Tag color="default">{t('refund.notRefundable')}</Tag>
              </span>
            ),
          },
          { key: 'owed', label: t('refund.owed'), children: formatFen(r.owedFen) },
          {
            key: 'refundable',
            label: refundableLabel,
            children: (
              <Text strong style={{ fontSize: 18, color: '#237804' }} data-testid="refundable">
                {formatFen(r.refundableFen)}
              </Text>
            ),
          },
        ]}
      />
      {r.note ? (
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {r.note}
        </Paragraph>
      ) : null}
    </Card>
  );
}
