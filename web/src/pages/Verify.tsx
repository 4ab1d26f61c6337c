import { useEffect, useState } from 'react';
import { Card, Descriptions, Flex, Input, Result, Typography } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { isApiError, publicKeyUrl, verifyCertificate, type CertificateCheck } from '../api.ts';
import { channelLabel, ErrorAlert, Loading } from '../common.tsx';
import { formatDateTime, formatFen, pickName } from '../format.ts';
import { useT } from '../i18n.tsx';

const { Title, Paragraph, Text } = Typography;

export default function Verify() {
  const t = useT();
  const { serial = '' } = useParams();
  const navigate = useNavigate();
  const [input, setInput] = useState(serial);
  useEffect(() => setInput(serial), [serial]);

  const check = useQuery({
    queryKey: ['verify', serial],
    queryFn: () => verifyCertificate(serial),
    enabled: serial !== '',
  });

  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
      <div>
        <Title level={2} style={{ marginTop: 0 }}>
          {t('verify.title')}
        </Title>
        <Paragraph type="secondary">{t('verify.intro')}</Paragraph>
      </div>
      <Input.Search
        data-testid="verify-input"
        aria-label={t('verify.serial')}
        placeholder={t('verify.placeholder')}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        onSearch={(v) => {
          const s = v.trim();
          if (s) navigate(`/verify/${encodeURIComponent(s)}`);
        }}
        enterButton={<span data-testid="verify-button">{t('verify.button')}</span>}
        size="large"
        loading={check.isFetching}
        allowClear
      />

      {serial && check.isPending ? <Loading /> : null}
      {check.isError ? (
        isApiError(check.error) && check.error.status === 404 ? (
          <Result
            status="warning"
            title={t('verify.unknown')}
            subTitle={t('verify.unknownSub', { serial })}
            data-testid="verify-unknown"
          />
        ) : (
          <ErrorAlert error={check.error} />
        )
      ) : null}
      {check.data ? <Outcome c={check.data} /> : null}

      <Card size="small">
        <Paragraph style={{ marginBottom: 8 }}>{t('verify.pdfHint')}</Paragraph>
        <pre
          style={{
            background: '#f5f5f5',
            padding: '8px 12px',
            borderRadius: 6,
            margin: '0 0 8px',
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-all',
          }}
        >
          <code>zhuxiao verify file.pdf</code>
        </pre>
        <a href={publicKeyUrl} data-testid="public-key-link">
          <KeyOutlined /> {t('verify.publicKey')}
        </a>
      </Card>
    </Flex>
  );
}

function Outcome({ c }: { c: CertificateCheck }) {
  const t = useT();
  const mono = { fontFamily: 'ui-monospace, Menlo, Consolas, monospace', wordBreak: 'break-all' as const };
  return (
    <Card data-testid={c.valid ? 'verify-valid' : 'verify-invalid'} style={{ borderColor: c.valid ? '#b7eb8f' : '#ffa39e' }}>
      <Result
        status={c.valid ? 'success' : 'error'}
        title={c.valid ? t('verify.valid') : t('verify.invalid')}
        subTitle={
          c.valid ? t('verify.validSub') : `${t('verify.invalidSub')}${c.reason ? ` (${c.reason})` : ''}`
        }
        style={{ padding: '16px 0' }}
      />
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'serial', label: t('verify.serial'), children: <Text style={mono}>{c.serial}</Text> },
          { key: 'carrier', label: t('line.carrier'), children: pickName(c.carrierName, t.lang) || c.carrier },
          { key: 'msisdn', label: t('line.msisdn'), children: c.maskedMsisdn },
          { key: 'iccid', label: t('line.iccid'), children: <Text style={mono}>{c.maskedIccid}</Text> },
          { key: 'completed', label: t('verify.completedAt'), children: formatDateTime(c.completedAt, t.lang) },
          { key: 'channel', label: t('request.channel'), children: channelLabel(c.channel, t) },
          { key: 'refund', label: t('request.refund'), children: formatFen(c.refundFen) },
          { key: 'key', label: t('verify.keyId'), children: <Text style={mono}>{c.keyId}</Text> },
          {
            key: 'sig',
            label: t('verify.signature'),
            children: (
              <Text style={{ ...mono, fontSize: 12 }} type="secondary">
                {c.signature}
              </Text>
            ),
          },
        ]}
      />
    </Card>
  );
}
