// Recovering a cancelled number during its freeze (号码恢复): the former owner, signed in with another
// of their lines, gets a code by SMS on that line, then gives the code, the last 6 characters of the
// ID document and the ICCID printed on a new SIM card of the same carrier. The number comes back on
// that SIM. Which number is in the URL by its line id (never the number itself); nothing typed here
// is kept (the code and the ID digits are secrets).
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Result, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { getLines, getOutbox, extractSmsCode, recoverNumber, requestRecoveryCode, type Line } from '../api.ts';
import { ErrorAlert, Loading, useDemoAccounts, useMe } from '../common.tsx';
import { PortalHeading, SignInFirst } from '../components/PortalHeading.tsx';
import { formatDate, formatMsisdn, pickName } from '../format.ts';
import { useT } from '../i18n.tsx';

const { Paragraph, Text } = Typography;

export default function RecoverNumber() {
  const t = useT();
  const me = useMe();
  const [params] = useSearchParams();
  const lines = useQuery({ queryKey: ['lines'], queryFn: getLines, enabled: me.data?.kind === 'subscriber' });
  const back = <Link to="/portal">{t('request.backToLines')}</Link>;
  if (me.isPending || (me.data?.kind === 'subscriber' && lines.isPending)) return <Loading />;
  if (me.data?.kind !== 'subscriber' || !me.data.realNameVerified) return <SignInFirst />;
  if (lines.isError) return <ErrorAlert error={lines.error} />;
  const line = lines.data?.lines.find((l) => l.id === params.get('line'));
  if (!line || line.status !== 'cancelled' || !line.frozenUntil) {
    return <Result status="info" title={t('recover.notRecoverable')} extra={back} />;
  }
  return <RecoverFlow line={line} signedInWith={me.data.msisdn} />;
}

function RecoverFlow({ line, signedInWith }: { line: Line; signedInWith: string }) {
  const t = useT();
  const qc = useQueryClient();
  const demo = useDemoAccounts();
  const [form] = Form.useForm<{ code: string; idLast6: string; iccid: string }>();
  const [sentAt, setSentAt] = useState<number | null>(null);
  const send = useMutation({ mutationFn: () => requestRecoveryCode(line.msisdn), onSuccess: () => setSentAt(Date.now()) });
  const recover = useMutation({
    mutationFn: (v: { code: string; idLast6: string; iccid: string }) =>
      recoverNumber({ msisdn: line.msisdn, code: v.code.trim(), idLast6: v.idLast6.trim().toUpperCase(), iccid: v.iccid.replace(/\s+/g, '') }),
    // Marked stale, not refetched here: this page keeps showing the result (the refetched list no longer
    // has the number frozen); "my lines" reads it afresh.
    onSuccess: () => qc.invalidateQueries({ queryKey: ['lines'], refetchType: 'none' }),
  });
  // Demo mode only: the simulated SMS gateway's outbox shows the code sent to the signed-in line.
  const outbox = useQuery({
    queryKey: ['dev', 'outbox', 'recover', sentAt],
    queryFn: () => getOutbox(signedInWith),
    enabled: !!demo.data && sentAt !== null,
  });
  const devCode = outbox.data?.map((m) => extractSmsCode(m.text)).find(Boolean) ?? null;

  if (recover.isSuccess) {
    return (
      <Result
        status="success"
        data-testid="recover-done"
        title={t('recover.done', { msisdn: formatMsisdn(recover.data.msisdn) })}
        subTitle={t('recover.doneDetail', { iccid: recover.data.maskedIccid })}
        extra={
          <Link to="/portal">
            <Button type="primary">{t('request.backToLines')}</Button>
          </Link>
        }
      />
    );
  }

  return (
    <Flex vertical gap={16} style={{ maxWidth: 640 }}>
      <PortalHeading>{t('recover.title', { msisdn: formatMsisdn(line.msisdn) })}</PortalHeading>
      <Card size="small">
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'msisdn', label: t('line.msisdn'), children: formatMsisdn(line.msisdn) },
            { key: 'carrier', label: t('line.carrier'), children: pickName(line.carrierName, t.lang) },
            {
              key: 'frozen',
              label: t('line.frozenUntil'),
              children: <span data-testid="recover-frozen-until">{formatDate(send.data?.frozenUntil ?? line.frozenUntil, t.lang)}</span>,
            },
          ]}
        />
        <Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('recover.intro')}
        </Paragraph>
      </Card>

      <Card size="small" title={t('recover.step1')}>
        <Flex vertical gap={12} align="flex-start">
          <Text>{t('recover.codeGoesTo', { msisdn: formatMsisdn(send.data?.sentTo ?? signedInWith) })}</Text>
          <Button onClick={() => send.mutate()} loading={send.isPending} data-testid="recover-send-code">
            {send.isSuccess ? t('recover.resend') : t('recover.sendCode')}
          </Button>
          {send.isSuccess ? <Alert type="success" showIcon title={t('recover.codeSent')} data-testid="recover-code-sent" /> : null}
          {send.isError ? <ErrorAlert error={send.error} testId="recover-send-error" /> : null}
          {devCode ? (
            <Alert
              type="info"
              showIcon
              title={t('dev.outbox')}
              description={
                <Flex gap={8} align="center" wrap>
                  <Text strong data-testid="recover-dev-code">
                    {devCode}
                  </Text>
                  <Button size="small" onClick={() => form.setFieldValue('code', devCode)}>
                    {t('dev.fillCode')}
                  </Button>
                </Flex>
              }
            />
          ) : null}
        </Flex>
      </Card>

      <Card size="small" title={t('recover.step2')}>
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => recover.mutate(v)} disabled={!send.isSuccess}>
          <Form.Item name="code" label={t('signin.code')} rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('signin.codeRequired') }]}>
            <Input data-testid="recover-code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
          </Form.Item>
          <Form.Item name="idLast6" label={t('realname.idLast6')} rules={[{ required: true, pattern: /^\s*\d{5}[\dXx]\s*$/, message: t('realname.invalid') }]}>
            <Input data-testid="recover-id-last6" maxLength={6} autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="iccid"
            label={t('recover.iccid')}
            extra={t('recover.iccidHelp', { carrier: pickName(line.carrierName, t.lang) })}
            rules={[{ required: true, pattern: /^\s*(\d\s*){19,20}$/, message: t('recover.iccidInvalid') }]}
          >
            <Input data-testid="recover-iccid" inputMode="numeric" autoComplete="off" maxLength={24} />
          </Form.Item>
          {recover.isError ? (
            <div style={{ marginBottom: 16 }}>
              <ErrorAlert error={recover.error} testId="recover-error" />
            </div>
          ) : null}
          <Button type="primary" htmlType="submit" loading={recover.isPending} data-testid="recover-submit">
            {t('recover.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
