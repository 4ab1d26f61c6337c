// A cash refund at the counter: once the refund is paid out, the clerk hands the cash over and
// confirms it (a dialog with the amount; recorded once, in the audit trail).
import { useState } from 'react';
import { Alert, Button, Card, Flex, Modal, Typography } from 'antd';
import { CheckCircleOutlined, WalletOutlined } from '@ant-design/icons';
import type { CashHandOver } from '../../api-types.ts';
import { ErrorAlert } from '../../common.tsx';
import { formatDateTime, formatFen } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { useConfirmCashHandedOver } from './store-hooks.ts';

export function CashHandOverCard({ requestId, cash }: { requestId: string; cash: CashHandOver }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const confirm = useConfirmCashHandedOver(requestId);
  const amount = formatFen(cash.amountFen);
  return (
    <Card size="small" title={t('store.cash.title')} data-testid="cash-hand-over">
      {cash.handedOverAt ? (
        <Typography.Text data-testid="cash-handed-over">
          <CheckCircleOutlined aria-hidden style={{ color: '#389e0d', marginInlineEnd: 6 }} />
          {t('store.cash.done', { amount, at: formatDateTime(cash.handedOverAt, t.lang), name: cash.handedOverBy ?? '—' })}
        </Typography.Text>
      ) : cash.due ? (
        <Flex vertical gap={8}>
          <Typography.Text strong data-testid="cash-to-hand">
            {t('store.cash.due', { amount })}
          </Typography.Text>
          <div>
            <Button type="primary" icon={<WalletOutlined />} onClick={() => setOpen(true)} data-testid="cash-confirm-open">
              {t('store.cash.confirm')}
            </Button>
          </div>
        </Flex>
      ) : (
        <Typography.Text type="secondary" data-testid="cash-not-yet">
          {t('store.cash.notYet', { amount })}
        </Typography.Text>
      )}
      {confirm.isError ? <ErrorAlert error={confirm.error} /> : null}
      <Modal
        open={open}
        title={t('store.cash.confirmTitle', { amount })}
        okText={t('store.cash.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: confirm.isPending, 'data-testid': 'cash-confirm-ok' }}
        onCancel={() => setOpen(false)}
        onOk={() => confirm.mutate(undefined, { onSettled: () => setOpen(false) })}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={t('store.cash.confirmBody')} />
      </Modal>
    </Card>
  );
}
