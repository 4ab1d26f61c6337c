// The public verify page: upload a certificate PDF (its own signature is checked, and a valid file
// shows what it states), or look a serial up with the verification code printed on the certificate
// (the QR code opens /verify/<serial>?c=<code>). Without the code a serial only tells that it exists.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Flex, Input, Result, Typography, Upload } from 'antd';
import { InboxOutlined, KeyOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError, publicKeyUrl, verifyCertificate, verifyCertificateFile, type CertificateCheck } from '../api.ts';
import { channelLabel, ErrorAlert, Loading } from '../common.tsx';
import { formatDateTime, formatFen, formatMsisdn, pickName } from '../format.ts';
import { useT, type TFunction } from '../i18n.tsx';

const { Title, Paragraph, Text } = Typography;
const mono = { fontFamily: 'ui-monospace, Menlo, Consolas, monospace', wordBreak: 'break-all' as const };

export default function Verify() {
  const t = useT();
  const { serial = '' } = useParams();
  const [params] = useSearchParams();
  const code = params.get('c') ?? '';
  // Pre-rendered at build time (web/prerender.tsx) there is no window: the address is the browser's.
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
      <div>
        <Title level={2} style={{ marginTop: 0 }}>
          {t('verify.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('verify.intro')}
        </Paragraph>
      </div>
      {/* Arriving from a QR code, the serial's answer comes first. */}
      {serial ? (
        <>
          <BySerial serial={serial} code={code} />
          <ByFile />
        </>
      ) : (
        <>
          <ByFile />
          <BySerial serial={serial} code={code} />
        </>
      )}

      <Card size="small">
        <Paragraph style={{ marginBottom: 8 }}>{t('verify.pdfHint')}</Paragraph>
        <pre
          tabIndex={0} // scrollable: reachable by keyboard
          style={{
            background: '#f5f5f5',
            padding: '8px 12px',
            borderRadius: 6,
            margin: '0 0 8px',
            // One line, scrolled sideways on a phone: its size does not depend on the address (unknown
            // when the page is pre-rendered), so the page paints at its final size from its HTML.
            whiteSpace: 'pre',
            overflowX: 'auto',
          }}
        >
          <code>zhuxiao verify file.pdf --keys-url {`${origin}${publicKeyUrl}`}</code>
        </pre>
        <Flex vertical gap={8}>
          <a href={publicKeyUrl} data-testid="public-key-link">
            <KeyOutlined /> {t('verify.publicKey')}
          </a>
          <Link to="/certificate/retrieve" data-testid="retrieve-link">
            {t('verify.retrieveLink')} →
          </Link>
        </Flex>
      </Card>
    </Flex>
  );
}

function ByFile() {
  const t = useT();
  const check = useMutation({ mutationFn: (file: File) => verifyCertificateFile(file) });
  return (
    <Card title={t('verify.upload.title')} size="small">
      <div data-testid="verify-upload">
        <Upload.Dragger
          accept=".pdf,application/pdf"
          multiple={false}
          showUploadList={false}
          beforeUpload={(file) => {
            check.mutate(file);
            return false; // checked here, never uploaded by antd
          }}
          disabled={check.isPending}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('verify.upload.hint')}</p>
          <p className="ant-upload-hint">{t('verify.upload.sub')}</p>
        </Upload.Dragger>
      </div>
      {check.isPending ? <Loading /> : null}
      {check.isError ? (
        <div style={{ marginTop: 16 }}>
          {isApiError(check.error) && check.error.status === 413 ? (
            <Alert type="error" showIcon title={t('verify.tooLarge')} data-testid="verify-file-error" />
          ) : (
            <ErrorAlert error={check.error} testId="verify-file-error" />
          )}
        </div>
      ) : null}
      {check.data && !check.isPending ? (
        <div style={{ marginTop: 16 }}>
          <Outcome c={check.data} file />
        </div>
      ) : null}
    </Card>
  );
}

function BySerial({ serial, code }: { serial: string; code: string }) {
  const t = useT();
  const navigate = useNavigate();
  const [serialInput, setSerialInput] = useState(serial);
  const [codeInput, setCodeInput] = useState(code);
  useEffect(() => setSerialInput(serial), [serial]);
  useEffect(() => setCodeInput(code), [code]);

  const check = useQuery({
    queryKey: ['verify', serial, code],
    queryFn: () => verifyCertificate(serial, code || undefined),
    enabled: serial !== '',
  });

  const submit = () => {
    const s = serialInput.trim();
    if (!s) return;
    const c = codeInput.trim();
    navigate(`/verify/${encodeURIComponent(s)}${c ? `?c=${encodeURIComponent(c)}` : ''}`);
  };

  return (
    <Card title={t('verify.bySerial')} size="small">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Flex vertical gap={8}>
          <Input
            data-testid="verify-input"
            aria-label={t('verify.serial')}
            placeholder={t('verify.placeholder')}
            value={serialInput}
            onChange={(e) => setSerialInput(e.target.value)}
            size="large"
            allowClear
          />
          <Input
            data-testid="verify-code-input"
            aria-label={t('verify.codeLabel')}
            placeholder={t('verify.codePlaceholder')}
            value={codeInput}
            onChange={(e) => setCodeInput(e.target.value)}
            size="large"
            autoComplete="off"
            allowClear
          />
          <Button type="primary" htmlType="submit" size="large" icon={<SearchOutlined />} loading={check.isFetching} data-testid="verify-button">
            {t('verify.button')}
          </Button>
        </Flex>
      </form>

      {serial && check.isPending ? <Loading /> : null}
      {check.isError ? (
        <div style={{ marginTop: 16 }}>
          {isApiError(check.error) && check.error.status === 404 ? (
            <Result status="warning" title={t('verify.unknown')} subTitle={t('verify.unknownSub', { serial })} data-testid="verify-unknown" />
          ) : (
            <ErrorAlert error={check.error} />
          )}
        </div>
      ) : null}
      {check.data ? (
        <div style={{ marginTop: 16 }}>
          {check.data.access === 'none' ? (
            <Result status="info" title={t('verify.exists')} subTitle={t('verify.existsSub')} data-testid="verify-exists" />
          ) : (
            <Outcome c={check.data} />
          )}
        </div>
      ) : null}
    </Card>
  );
}

function reasonText(reason: string | undefined, t: TFunction): string {
  return reason ? t.dyn(`verify.reason.${reason}`, reason) : t('verify.invalidSub');
}

function Outcome({ c, file = false }: { c: CertificateCheck; file?: boolean }) {
  const t = useT();
  const valid = c.valid === true;
  const testId = `${file ? 'verify-file' : 'verify'}-${valid ? 'valid' : 'invalid'}`;
  const title = file ? (valid ? t('verify.fileValid') : t('verify.fileInvalid')) : valid ? t('verify.valid') : t('verify.invalid');
  const sub = valid ? (file ? t('verify.fileValidSub') : t('verify.validSub')) : reasonText(c.reason, t);
  // A file that does not pass states nothing we can vouch for: no details.
  const showFacts = valid || !file;
  const items = [
    c.serial ? { key: 'serial', label: t('verify.serial'), children: <Text style={mono}>{c.serial}</Text> } : null,
    c.carrierName || c.carrier ? { key: 'carrier', label: t('line.carrier'), children: pickName(c.carrierName, t.lang) || c.carrier } : null,
    c.maskedMsisdn ? { key: 'msisdn', label: t('line.msisdn'), children: <span data-testid="verify-msisdn">{formatMsisdn(c.maskedMsisdn)}</span> } : null,
    c.maskedIccid ? { key: 'iccid', label: t('line.iccid'), children: <Text style={mono}>{c.maskedIccid}</Text> } : null,
    c.completedAt ? { key: 'completed', label: t('verify.completedAt'), children: formatDateTime(c.completedAt, t.lang) } : null,
    c.channel ? { key: 'channel', label: t('request.channel'), children: channelLabel(c.channel, t) } : null,
    typeof c.refundFen === 'number'
      ? { key: 'refund', label: t('request.refund'), children: <span data-testid="verify-refund">{formatFen(c.refundFen)}</span> }
      : null,
    c.refundRouteLabel ? { key: 'route', label: t('review.refundRoute'), children: pickName(c.refundRouteLabel, t.lang) } : null,
    c.keyId ? { key: 'key', label: t('verify.keyId'), children: <Text style={mono}>{c.keyId}</Text> } : null,
    c.signature
      ? {
          key: 'sig',
          label: t('verify.signature'),
          children: (
            <Text style={{ ...mono, fontSize: 12 }} type="secondary">
              {c.signature}
            </Text>
          ),
        }
      : null,
  ].filter((x) => x !== null);
  return (
    <Card data-testid={testId} data-reason={c.reason ?? ''} style={{ borderColor: valid ? '#b7eb8f' : '#ffa39e' }}>
      <Result status={valid ? 'success' : 'error'} title={title} subTitle={sub} style={{ padding: '16px 0' }} />
      {showFacts && items.length > 0 ? <Descriptions size="small" column={1} items={items} /> : null}
      {c.access === 'code' ? (
        <Paragraph type="secondary" style={{ margin: '8px 0 0' }} data-testid="verify-money-note">
          {t('verify.moneyNote')}
        </Paragraph>
      ) : null}
    </Card>
  );
}
