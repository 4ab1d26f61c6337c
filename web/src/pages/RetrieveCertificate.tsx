// Public page: download a certificate again with the request reference (受理编号, ZX + 12 digits)
// and the last 6 characters of the owner's ID number; no sign-in. The e-mail and SMS link here
// with ?ref= filled in. Every wrong answer gets the same message, as the server gives it.
import { useState } from 'react';
import { Alert, Button, Card, Col, Flex, Form, Input, Row, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { isApiError, retrieveCertificate } from '../api.ts';
import { ErrorAlert } from '../common.tsx';
import { useT } from '../i18n.tsx';

const { Title, Paragraph } = Typography;

interface Values {
  reference: string;
  idLast6: string;
}

const compactReference = (s: string) => s.normalize('NFKC').replace(/[\s\-_.·]/g, '').toUpperCase();

function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export default function RetrieveCertificate() {
  const t = useT();
  const [params] = useSearchParams();
  const [saved, setSaved] = useState<string | null>(null);
  const retrieve = useMutation({
    mutationFn: (v: Values) => retrieveCertificate(v.reference.trim(), v.idLast6.trim()),
    onMutate: () => setSaved(null),
    onSuccess: ({ blob, filename }) => {
      saveFile(blob, filename);
      setSaved(filename);
    },
  });

  const err = retrieve.error;
  return (
    <Row justify="center">
      <Col xs={24} sm={20} md={14} lg={11}>
        <Card>
          <Title level={2} style={{ marginTop: 0, fontSize: 24 }}>
            {t('retrieve.title')}
          </Title>
          <Paragraph type="secondary">{t('retrieve.intro')}</Paragraph>
          <Form<Values>
            layout="vertical"
            requiredMark={false}
            initialValues={{ reference: params.get('ref') ?? '', idLast6: '' }}
            onFinish={(v) => retrieve.mutate(v)}
          >
            <Form.Item
              name="reference"
              label={t('retrieve.reference')}
              rules={[
                { required: true, whitespace: true, message: t('common.required') },
                {
                  validator: (_r, v: string | undefined) =>
                    !v || /^(ZX)?\d{12}$/.test(compactReference(v)) ? Promise.resolve() : Promise.reject(new Error(t('retrieve.referenceRule'))),
                },
              ]}
            >
              <Input data-testid="retrieve-reference" placeholder={t('retrieve.referencePlaceholder')} size="large" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="idLast6"
              label={t('retrieve.idLast6')}
              rules={[
                { required: true, whitespace: true, message: t('common.required') },
                { pattern: /^\s*[0-9A-Za-z]{6}\s*$/, message: t('retrieve.idLast6Rule') },
              ]}
            >
              <Input data-testid="retrieve-id-last6" maxLength={8} size="large" autoComplete="off" inputMode="text" />
            </Form.Item>
            {err ? (
              <div style={{ marginBottom: 16 }}>
                {isApiError(err) && (err.status === 404 || err.status === 429) ? (
                  <Alert
                    type={err.status === 404 ? 'error' : 'warning'}
                    showIcon
                    role="alert"
                    data-testid="retrieve-error"
                    data-code={err.code}
                    title={err.status === 404 ? t('retrieve.notFound') : t('retrieve.limited')}
                  />
                ) : (
                  <ErrorAlert error={err} testId="retrieve-error" />
                )}
              </div>
            ) : null}
            {saved ? (
              <Alert
                style={{ marginBottom: 16 }}
                type="success"
                showIcon
                data-testid="retrieve-done"
                title={t('retrieve.done', { file: saved })}
                description={<Link to="/verify">{t('retrieve.verifyHint')}</Link>}
              />
            ) : null}
            <Button
              type="primary"
              htmlType="submit"
              block
              size="large"
              icon={<DownloadOutlined />}
              loading={retrieve.isPending}
              data-testid="retrieve-submit"
            >
              {t('retrieve.submit')}
            </Button>
          </Form>
          <Flex justify="center" style={{ marginTop: 16 }}>
            <Link to="/verify">{t('landing.verify')} →</Link>
          </Flex>
        </Card>
      </Col>
    </Row>
  );
}
