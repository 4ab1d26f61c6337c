import type { ReactNode } from 'react';
import { Card, Col, Flex, Row, Typography } from 'antd';
import {
  CloudUploadOutlined,
  DownloadOutlined,
  IdcardOutlined,
  MobileOutlined,
  SafetyCertificateOutlined,
  ShopOutlined,
  TeamOutlined,
  WalletOutlined,
  AimOutlined,
} from '@ant-design/icons';
import { Link } from 'react-router';
import { useT, type MessageKey } from '../i18n.tsx';

const { Title, Paragraph, Text } = Typography;

interface Entry {
  to: string;
  icon: ReactNode;
  title: MessageKey;
  desc: MessageKey;
  testId: string;
}

const ENTRIES: Entry[] = [
  { to: '/portal', icon: <MobileOutlined />, title: 'landing.portal.title', desc: 'landing.portal.desc', testId: 'entry-portal' },
  { to: '/staff?next=store', icon: <ShopOutlined />, title: 'landing.store.title', desc: 'landing.store.desc', testId: 'entry-store' },
  { to: '/staff', icon: <TeamOutlined />, title: 'landing.staff.title', desc: 'landing.staff.desc', testId: 'entry-staff' },
];

const PROMISES: { icon: ReactNode; title: MessageKey; text: MessageKey }[] = [
  { icon: <CloudUploadOutlined />, title: 'promise.backup.title', text: 'promise.backup' },
  { icon: <WalletOutlined />, title: 'promise.money.title', text: 'promise.money' },
  { icon: <AimOutlined />, title: 'promise.card.title', text: 'promise.card' },
  { icon: <SafetyCertificateOutlined />, title: 'promise.proof.title', text: 'promise.proof' },
];

export default function Landing() {
  const t = useT();
  return (
    <Flex vertical gap={32}>
      <section style={{ paddingTop: 8 }}>
        <Title level={1} style={{ marginBottom: 8, fontSize: 'clamp(26px, 6vw, 38px)' }} data-testid="landing-title">
          {t('landing.title')}
        </Title>
        <Paragraph type="secondary" style={{ fontSize: 16, maxWidth: 760, marginBottom: 0 }}>
          {t('landing.tagline')}
        </Paragraph>
      </section>

      <Row gutter={[16, 16]}>
        {ENTRIES.map((e) => (
          <Col key={e.to} xs={24} md={8}>
            <Link to={e.to} data-testid={e.testId} style={{ display: 'block', height: '100%' }}>
              <Card hoverable style={{ height: '100%' }}>
                <Flex gap={16} align="flex-start">
                  <span style={{ fontSize: 28, color: '#0958d9', lineHeight: 1 }} aria-hidden>
                    {e.icon}
                  </span>
                  <div style={{ minWidth: 0 }}>
                    <Title level={2} style={{ marginTop: 0, marginBottom: 4, fontSize: 20 }}>
                      {t(e.title)}
                    </Title>
                    <Text type="secondary">{t(e.desc)}</Text>
                  </div>
                </Flex>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>

      <Flex vertical gap={8}>
        <Link to="/verify" data-testid="entry-verify">
          <Flex gap={8} align="center">
            <IdcardOutlined />
            {t('landing.verify')} →
          </Flex>
        </Link>
        <Link to="/certificate/retrieve" data-testid="entry-retrieve">
          <Flex gap={8} align="center">
            <DownloadOutlined />
            {t('landing.retrieve')} →
          </Flex>
        </Link>
      </Flex>

      <section>
        <Title level={2} style={{ fontSize: 24 }}>{t('landing.promises')}</Title>
        <Row gutter={[16, 16]}>
          {PROMISES.map((p) => (
            <Col key={p.title} xs={24} sm={12} lg={6}>
              <Card size="small" variant="borderless" style={{ height: '100%', background: '#f6f9ff' }}>
                <Flex vertical gap={6}>
                  <Text strong>
                    <span style={{ color: '#0958d9', marginInlineEnd: 8 }} aria-hidden>
                      {p.icon}
                    </span>
                    {t(p.title)}
                  </Text>
                  <Text>{t(p.text)}</Text>
                </Flex>
              </Card>
            </Col>
          ))}
        </Row>
      </section>
    </Flex>
  );
}
