// "Pay now" asks first: the amount, how it is made up, the cash-balance offset when the balance can
// cover some of it, and the wallet or card that pays the rest (the payment adapter's online methods).
import { useState } from 'react';
import { Descriptions, Flex, Modal, Radio, Typography } from 'antd';
import { ErrorAlert } from '../common.tsx';
import { ONLINE_WALLETS, type OnlineWallet, type Quote } from '../api.ts';
import { formatFen } from '../format.ts';
import { useT } from '../i18n.tsx';

export interface PayChoice {
  method: 'online' | 'balance';
  wallet?: OnlineWallet;
}

export function PayDialog({
  open,
  payment,
  paying,
  error,
  onPay,
  onCancel,
}: {
  open: boolean;
  payment: NonNullable<Quote['payment']>;
  paying: boolean;
  error: unknown;
  onPay: (choice: PayChoice) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [useBalance, setUseBalance] = useState(false);
  const [wallet, setWallet] = useState<OnlineWallet>('wechat_pay');
  const plan = useBalance && payment.balanceOffset ? payment.balanceOffset : payment.online;
  const charge = plan.chargeFen;
  const items = [
    ...(plan.dueFen > 0 ? [{ key: 'due', label: t('pay.due'), children: formatFen(plan.dueFen) }] : []),
    ...(plan.shortfallFen > 0 ? [{ key: 'shortfall', label: t('pay.shortfall'), children: formatFen(plan.shortfallFen) }] : []),
    ...(plan.offsetFen > 0 ? [{ key: 'offset', label: t('pay.offset'), children: formatFen(-plan.offsetFen) }] : []),
    {
      key: 'charge',
      label: t('pay.charge'),
      children: (
        <Typography.Text strong data-testid="pay-amount">
          {formatFen(charge)}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Modal
      open={open}
      title={t('pay.title')}
      onCancel={onCancel}
      onOk={() => onPay(useBalance && payment.balanceOffset ? { method: 'balance', wallet } : { method: 'online', wallet })}
      okText={charge > 0 ? t('pay.confirm', { amount: formatFen(charge) }) : t('pay.confirmOffset')}
      cancelText={t('pay.cancel')}
      confirmLoading={paying}
      okButtonProps={{ 'data-testid': 'pay-confirm' } as Record<string, string>}
      cancelButtonProps={{ 'data-testid': 'pay-cancel' } as Record<string, string>}
      destroyOnHidden
    >
      <Flex vertical gap={16} data-testid="pay-dialog">
        {payment.balanceOffset ? (
          <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
            <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 8 }}>{t('pay.source')}</legend>
            <Radio.Group
              value={useBalance ? 'balance' : 'online'}
              onChange={(e) => setUseBalance(e.target.value === 'balance')}
              orientation="vertical"
              options={[
                { value: 'online', label: <span data-testid="pay-source-online">{t('pay.source.online')}</span> },
                {
                  value: 'balance',
                  label: (
                    <span data-testid="pay-source-balance">
                      {t('pay.source.balance', { amount: formatFen(payment.balanceOffset.offsetFen) })}
                    </span>
                  ),
                },
              ]}
            />
          </fieldset>
        ) : null}
        <Descriptions size="small" column={1} bordered items={items} />
        {charge > 0 ? (
          <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
            <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 8 }}>{t('pay.method')}</legend>
            <Radio.Group
              value={wallet}
              onChange={(e) => setWallet(e.target.value as OnlineWallet)}
              orientation="vertical"
              options={ONLINE_WALLETS.map((w) => ({ value: w, label: <span data-testid={`pay-method-${w}`}>{t.dyn(`pay.method.${w}`, w)}</span> }))}
            />
          </fieldset>
        ) : (
          <Typography.Text type="secondary">{t('pay.coveredByBalance')}</Typography.Text>
        )}
        {error ? <ErrorAlert error={error} testId="pay-error" /> : null}
      </Flex>
    </Modal>
  );
}
