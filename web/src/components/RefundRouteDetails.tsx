// The details a refund route needs: a bank account (name, bank, number) or which line to credit.
import { Flex, Input, Select, Typography } from 'antd';
import { formatMsisdn } from '../format.ts';
import { useT } from '../i18n.tsx';
import { validBankAccount, type RouteDraft } from '../refund-route.ts';

const { Text } = Typography;

export function RefundRouteDetails({ draft, setDraft, lines }: {
  draft: RouteDraft;
  setDraft: (d: RouteDraft) => void;
  lines: Array<{ id: string; msisdn: string }>;
}) {
  const t = useT();
  const badAccount = draft.bankAccount.trim() !== '' && !validBankAccount(draft.bankAccount);
  if (draft.type === 'bank') {
    return (
      <Flex vertical gap={8} style={{ marginTop: 12, maxWidth: 420 }}>
        <Input
          data-testid="bank-account-name"
          placeholder={t('refund.accountName')}
          aria-label={t('refund.accountName')}
          value={draft.accountName}
          onChange={(e) => setDraft({ ...draft, accountName: e.target.value })}
          autoComplete="off"
        />
        <Input
          data-testid="bank-name"
          placeholder={t('refund.bankName')}
          aria-label={t('refund.bankName')}
          value={draft.bankName}
          onChange={(e) => setDraft({ ...draft, bankName: e.target.value })}
        />
        <Input
          data-testid="bank-account-number"
          placeholder={t('refund.bankAccount')}
          aria-label={t('refund.bankAccount')}
          value={draft.bankAccount}
          inputMode="numeric"
          onChange={(e) => setDraft({ ...draft, bankAccount: e.target.value })}
          autoComplete="off"
          status={badAccount ? 'error' : undefined}
        />
        {badAccount ? <Text type="danger">{t('refund.bankAccountInvalid')}</Text> : null}
      </Flex>
    );
  }
  if (draft.type === 'line') {
    return (
      <Select
        data-testid="refund-line"
        style={{ marginTop: 12, width: '100%', maxWidth: 320, display: 'block' }}
        placeholder={t('refund.toLine')}
        aria-label={t('refund.toLine')}
        value={draft.lineId}
        onChange={(v: string) => setDraft({ ...draft, lineId: v })}
        options={lines.map((l) => ({ value: l.id, label: formatMsisdn(l.msisdn) }))}
      />
    );
  }
  return null;
}
