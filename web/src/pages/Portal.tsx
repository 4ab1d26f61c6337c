import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Flex,
  Form,
  Grid,
  Input,
  Row,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { MessageOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import {
  extractSmsCode,
  findLine,
  getLines,
  getMyCancellations,
  getOutbox,
  isApiError,
  requestSmsCode,
  signIn,
  verifyRealName,
  type DemoAccounts,
  type Line,
} from '../api.ts';
import { ErrorAlert, Loading, ME_KEY, StatusTag, useDemoAccounts, useMe } from '../common.tsx';
import { Hotline, LineCard } from '../components/LineCard.tsx';
import { colon, formatDateTime, formatMsisdn, pickName } from '../format.ts';
import { useT } from '../i18n.tsx';

const { Title, Text, Paragraph } = Typography;

export default function Portal({ tab = 'lines' }: { tab?: 'lines' | 'requests' }) {
  const me = useMe();
  const demo = useDemoAccounts();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorAlert error={me.error} />;
  const data = me.data;
  if (data.kind !== 'subscriber') return <SignIn demo={demo.data ?? null} />;
  if (!data.realNameVerified) return <RealName demo={demo.data ?? null} msisdn={data.msisdn} maskedName={data.maskedName} />;
  return <Home tab={tab} maskedName={data.maskedName} />;
}

function CenteredCard({ children, title }: { children: ReactNode; title: string }) {
  const screens = Grid.useBreakpoint();
  return (
    <Row justify="center">
      <Col xs={24} sm={20} md={14} lg={10}>
        <Card styles={{ body: { padding: screens.sm ? 24 : 16 } }}>
          <Title level={2} style={{ marginTop: 0, fontSize: 24 }}>
            {title}
          </Title>
          {children}
        </Card>
      </Col>
    </Row>
  );
}

// ---------------------------------------------------------------- sign-in

function SignIn({ demo }: { demo: DemoAccounts | null }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ msisdn: string; code: string }>();
  const [countdown, setCountdown] = useState(0);
  const [sentTo, setSentTo] = useState<string | null>(null);

  useEffect(() => {
    if (countdown <= 0) return;
    const id = setTimeout(() => setCountdown((c) => c - 1), 1000);
    return () => clearTimeout(id);
  }, [countdown]);

  const send = useMutation({
    mutationFn: (msisdn: string) => requestSmsCode(msisdn),
    onSuccess: (_data, msisdn) => {
      setCountdown(60);
      setSentTo(msisdn);
      message.success(t('signin.codeSent'));
    },
  });
  const login = useMutation({
    mutationFn: (v: { msisdn: string; code: string }) => signIn(v.msisdn, v.code),
    onSuccess: () => qc.invalidateQueries({ queryKey: ME_KEY }),
  });

  const outbox = useQuery({
    queryKey: ['dev', 'outbox', sentTo, send.submittedAt],
    queryFn: () => getOutbox(sentTo!),
    enabled: demo !== null && sentTo !== null,
    refetchInterval: (q) => (q.state.data?.some((m) => extractSmsCode(m.text)) ? false : 1000),
  });
  // newest first: the first message carrying a code is the latest code
  const withCode = outbox.data?.find((m) => extractSmsCode(m.text));
  const devCode = withCode ? extractSmsCode(withCode.text) : null;

  const onSend = async () => {
    const { msisdn } = await form.validateFields(['msisdn']);
    send.mutate(msisdn.trim());
  };

  return (
    <CenteredCard title={t('signin.title')}>
      <Paragraph type="secondary">{t('signin.intro')}</Paragraph>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => login.mutate({ msisdn: v.msisdn.trim(), code: v.code.trim() })}
      >
        <Form.Item
          name="msisdn"
          label={t('signin.msisdn')}
          rules={[{ required: true, whitespace: true, message: t('signin.msisdnRequired') }]}
        >
          <Input
            data-testid="msisdn-input"
            inputMode="tel"
            autoComplete="tel"
            placeholder={t('signin.msisdnPlaceholder')}
            size="large"
          />
        </Form.Item>
        <Form.Item label={t('signin.code')} required>
          <Flex gap={8}>
            <Form.Item
              name="code"
              noStyle
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('signin.codeRequired') }]}
            >
              <Input
                data-testid="code-input"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                placeholder={t('signin.codePlaceholder')}
                size="large"
                aria-label={t('signin.code')}
              />
            </Form.Item>
            <Button
              size="large"
              data-testid="send-code-button"
              onClick={onSend}
              loading={send.isPending}
              disabled={countdown > 0}
              style={{ flex: 'none' }}
            >
              {countdown > 0 ? t('signin.resendIn', { s: countdown }) : t('signin.sendCode')}
            </Button>
          </Flex>
        </Form.Item>
        {send.isError && isApiError(send.error) && send.error.code === 'number_cancelled' ? (
          <Alert
            style={{ marginBottom: 16 }}
            type="info"
            showIcon
            data-testid="number-cancelled"
            title={t('signin.numberCancelled')}
            description={<Link to="/certificate/retrieve">{t('signin.numberCancelled.retrieve')}</Link>}
          />
        ) : send.isError ? (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={send.error} testId="send-code-error" />
          </div>
        ) : null}
        {login.isError ? (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={login.error} testId="sign-in-error" />
          </div>
        ) : null}
        {demo && sentTo ? (
          <Alert
            style={{ marginBottom: 16 }}
            type="info"
            icon={<MessageOutlined />}
            showIcon
            data-testid="dev-outbox"
            title={t('dev.outbox')}
            description={
              devCode ? (
                <Flex gap={8} align="center" wrap>
                  <span>{t('dev.outboxCode')}</span>
                  <Text strong copyable data-testid="dev-outbox-code" style={{ fontSize: 18, letterSpacing: 2 }}>
                    {devCode}
                  </Text>
                  <Button size="small" onClick={() => form.setFieldValue('code', devCode)} data-testid="dev-fill-code">
                    {t('dev.fillCode')}
                  </Button>
                </Flex>
              ) : (
                t('dev.outboxWaiting')
              )
            }
          />
        ) : null}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          loading={login.isPending}
          data-testid="sign-in-button"
        >
          {t('signin.submit')}
        </Button>
      </Form>
      {demo && demo.subscribers.length > 0 ? (
        <Collapse
          style={{ marginTop: 24 }}
          size="small"
          data-testid="demo-accounts"
          items={[
            {
              key: 'demo',
              label: t('dev.demoAccounts'),
              children: (
                <Flex vertical gap={8}>
                  <Text type="secondary">{t('dev.demoHint')}</Text>
                  {demo.subscribers.map((s) => (
                    <Button
                      key={s.msisdn}
                      block
                      data-testid={`demo-${s.msisdn}`}
                      onClick={() => form.setFieldsValue({ msisdn: s.msisdn })}
                      style={{ height: 'auto', textAlign: 'start', whiteSpace: 'normal', padding: '6px 12px' }}
                    >
                      <Flex vertical gap={2} style={{ width: '100%' }}>
                        <Text strong>{pickName(s.description ?? s.label, t.lang)}</Text>
                        <Flex gap={8} wrap align="center">
                          <Text code style={{ fontSize: 12 }}>
                            {formatMsisdn(s.msisdn)}
                          </Text>
                          {s.description ? (
                            <Text type="secondary" style={{ fontSize: 12 }}>
                              {pickName(s.label, t.lang)}
                            </Text>
                          ) : null}
                        </Flex>
                      </Flex>
                    </Button>
                  ))}
                </Flex>
              ),
            },
          ]}
        />
      ) : null}
    </CenteredCard>
  );
}

// ---------------------------------------------------------------- real name

function RealName({ demo, msisdn, maskedName }: { demo: DemoAccounts | null; msisdn: string; maskedName?: string | null }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ idLast6: string }>();
  const verify = useMutation({
    mutationFn: (idLast6: string) => verifyRealName(idLast6),
    onSuccess: () => qc.invalidateQueries({ queryKey: ME_KEY }),
  });
  const digits = (s: string) => s.replace(/\D/g, '');
  const demoHint = demo?.subscribers.find((s) => s.idLast6 && digits(s.msisdn).endsWith(digits(msisdn).slice(-11)));

  return (
    <CenteredCard title={t('realname.title')}>
      <Paragraph type="secondary">{t('realname.intro')}</Paragraph>
      {maskedName ? <Paragraph>{t('realname.owner', { name: maskedName })}</Paragraph> : null}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => verify.mutate(v.idLast6.trim().toUpperCase())}
      >
        <Form.Item
          name="idLast6"
          label={t('realname.idLast6')}
          rules={[{ required: true, pattern: /^\s*\d{5}[\dXx]\s*$/, message: t('realname.invalid') }]}
        >
          <Input data-testid="id-last6-input" maxLength={6} size="large" autoComplete="off" />
        </Form.Item>
        {verify.isError ? (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={verify.error} testId="real-name-error" />
          </div>
        ) : null}
        <Button type="primary" htmlType="submit" size="large" block loading={verify.isPending} data-testid="real-name-button">
          {t('realname.submit')}
        </Button>
      </Form>
      {demoHint?.idLast6 ? (
        <Alert
          style={{ marginTop: 16 }}
          type="info"
          title={t('dev.demoAccounts')}
          description={
            <Button size="small" onClick={() => form.setFieldsValue({ idLast6: demoHint.idLast6 })}>
              {`${t('dev.fillCode')} ${demoHint.idLast6}`}
            </Button>
          }
        />
      ) : null}
    </CenteredCard>
  );
}

// ---------------------------------------------------------------- signed in

function Home({ tab, maskedName }: { tab: 'lines' | 'requests'; maskedName?: string | null }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Flex vertical gap={16}>
      <div>
        <Title level={2} style={{ marginBottom: 0 }}>
          {t('lines.title')}
        </Title>
        {maskedName ? <Text type="secondary">{t('lines.hello', { name: maskedName })}</Text> : null}
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(k === 'requests' ? '/portal/requests' : '/portal')}
        items={[
          { key: 'lines', label: t('lines.tab.lines'), children: <MyLines /> },
          { key: 'requests', label: t('lines.tab.requests'), children: <MyRequests /> },
        ]}
      />
    </Flex>
  );
}

function LineActions({ line }: { line: Line }) {
  const t = useT();
  const navigate = useNavigate();
  const viewRequest = line.liveRequest ? (
    <Button key="view" data-testid={`view-request-${line.msisdn}`} onClick={() => navigate(`/portal/requests/${line.liveRequest!.id}`)}>
      {t('line.viewRequest')}
      <StatusTag status={line.liveRequest.status} />
    </Button>
  ) : null;
  if (line.status === 'cancelled') {
    // A cancelled number in its freeze can be recovered by its former owner.
    return (
      <>
        {viewRequest}
        {line.frozenUntil ? (
          <Button key="recover" data-testid={`recover-${line.msisdn}`} onClick={() => navigate(`/portal/recover?line=${encodeURIComponent(line.id)}`)}>
            {t('recover.action')}
          </Button>
        ) : null}
      </>
    );
  }
  if (viewRequest) return viewRequest;
  // Forwarded to the MVNO: they cancel it; here the ticket and their hotline, no second request.
  if (line.forwarded) {
    return (
      <Button data-testid={`view-forwarded-${line.msisdn}`} onClick={() => navigate('/portal/requests')}>
        {t('line.viewForwarded')}
      </Button>
    );
  }
  return (
    <Button type="primary" danger ghost data-testid={`cancel-${line.msisdn}`} onClick={() => navigate(`/portal/lines/${line.id}/cancel`)}>
      {t('line.cancel')}
    </Button>
  );
}

function MyLines() {
  const t = useT();
  const lines = useQuery({ queryKey: ['lines'], queryFn: getLines });
  const [q, setQ] = useState('');
  const find = useMutation({ mutationFn: (query: string) => findLine(query) });

  const groups = useMemo(() => {
    const map = new Map<string, Line[]>();
    for (const l of lines.data?.lines ?? []) {
      const list = map.get(l.carrier) ?? [];
      list.push(l);
      map.set(l.carrier, list);
    }
    return [...map.entries()];
  }, [lines.data]);

  const notFound = find.isError && isApiError(find.error) && find.error.status === 404;

  return (
    <Flex vertical gap={20}>
      <Input.Search
        data-testid="line-search"
        placeholder={t('lines.search')}
        aria-label={t('lines.search')}
        allowClear
        enterButton={<SearchOutlined aria-label={t('lines.searchButton')} />}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          if (!e.target.value) find.reset();
        }}
        onSearch={(v) => (v.trim() ? find.mutate(v.trim()) : find.reset())}
        loading={find.isPending}
        style={{ maxWidth: 520 }}
      />
      {notFound ? <Alert type="warning" showIcon title={t('lines.notFound')} data-testid="line-search-result" /> : null}
      {find.isError && !notFound ? <ErrorAlert error={find.error} testId="line-search-result" /> : null}
      {find.data ? (
        <div data-testid="line-search-result">
          <Text type="secondary">{t('lines.found')}</Text>
          <Row gutter={[16, 16]} style={{ marginTop: 8 }}>
            <Col xs={24} md={12} xl={8}>
              <LineCard line={find.data.line} highlight actions={<LineActions line={find.data.line} />} />
            </Col>
          </Row>
        </div>
      ) : null}

      {lines.isPending ? <Loading /> : null}
      {lines.isError ? <ErrorAlert error={lines.error} /> : null}
      {lines.data && lines.data.lines.length === 0 ? <Empty description={t('lines.empty')} /> : null}
      {groups.map(([carrier, list]) => (
        <section key={carrier} data-testid={`carrier-${carrier}`}>
          <Flex align="baseline" gap={8} style={{ marginBottom: 8 }}>
            <Title level={3} style={{ margin: 0, fontSize: 20 }}>
              {pickName(list[0].carrierName, t.lang)}
            </Title>
            <Text type="secondary">{t('lines.count', { n: list.length })}</Text>
          </Flex>
          <Row gutter={[16, 16]}>
            {list.map((line) => (
              <Col key={line.id} xs={24} md={12} xl={8}>
                <LineCard line={line} actions={<LineActions line={line} />} />
              </Col>
            ))}
          </Row>
        </section>
      ))}
    </Flex>
  );
}

function MyRequests() {
  const t = useT();
  const list = useQuery({ queryKey: ['my-cancellations'], queryFn: getMyCancellations });
  const lines = useQuery({ queryKey: ['lines'], queryFn: getLines });
  // Requests forwarded to an MVNO live with the MVNO; they are tracked here by the partner's ticket.
  const forwarded = (lines.data?.lines ?? []).filter((l) => l.forwarded);
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorAlert error={list.error} />;
  if (list.data.items.length === 0 && forwarded.length === 0) return <Empty description={t('requests.empty')} />;
  return (
    <Row gutter={[16, 16]}>
      {forwarded.map((line) => (
        <Col key={`fwd-${line.id}`} xs={24} md={12} xl={8}>
          <ForwardedRequestCard line={line} />
        </Col>
      ))}
      {list.data.items.map((r) => (
        <Col key={r.id} xs={24} md={12} xl={8}>
          <Link to={`/portal/requests/${r.id}`} data-testid={`request-${r.id}`} style={{ display: 'block' }}>
            <Card hoverable size="small">
              <Flex justify="space-between" align="center" gap={8} wrap>
                <Text strong style={{ fontSize: 16 }}>
                  {formatMsisdn(r.msisdn)}
                </Text>
                <StatusTag status={r.status} />
              </Flex>
              <Flex justify="space-between" gap={8} wrap style={{ marginTop: 8 }}>
                <Text type="secondary">{formatDateTime(r.createdAt, t.lang)}</Text>
                {r.certificateSerial ? <Tag>{r.certificateSerial}</Tag> : null}
              </Flex>
            </Card>
          </Link>
        </Col>
      ))}
    </Row>
  );
}

const FORWARD_COLOR: Record<string, string> = { forwarded: 'blue', accepted: 'gold', completed: 'green', rejected: 'red' };

/** A request handed to an MVNO: who has it, the ticket, where it stands, the MVNO's answers, their hotline. */
function ForwardedRequestCard({ line }: { line: Line }) {
  const t = useT();
  const fwd = line.forwarded!;
  const name = line.mvno ? pickName(line.mvno.name, t.lang) : '';
  const status = fwd.status ?? 'forwarded';
  const answers = fwd.answers?.length ? (
    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid={`forwarded-answers-${line.msisdn}`}>
      {fwd.answers.map((a, i) => (
        <li key={`${a.answer}-${i}`}>
          {t.dyn(`forwarded.answer.${a.answer}`, a.answer, { name })}
          {a.partnerReference ? ` · ${t('forwarded.partnerReference', { reference: a.partnerReference })}` : ''}
          {a.reason ? ` · ${a.reason}` : ''}
          <Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {formatDateTime(a.at, t.lang)}
          </Text>
        </li>
      ))}
    </ul>
  ) : null;
  return (
    <Card size="small" data-testid={`forwarded-${line.msisdn}`}>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Text strong style={{ fontSize: 16 }}>
          {formatMsisdn(line.msisdn)}
        </Text>
        <Tag color={FORWARD_COLOR[status] ?? 'blue'} data-testid={`forwarded-status-${line.msisdn}`}>
          {t.dyn(`forwarded.state.${status}`, t('forwarded.state.forwarded', { name }), { name })}
        </Tag>
      </Flex>
      <Flex vertical gap={4} style={{ marginTop: 8 }}>
        <Text>
          {t('forwarded.ticket')}
          {colon(t.lang)}
          <Text strong data-testid={`forwarded-ticket-${line.msisdn}`}>
            {fwd.ticket}
          </Text>
        </Text>
        <Text type="secondary">{t('forwarded.at', { at: formatDateTime(fwd.createdAt, t.lang) })}</Text>
        {status === 'forwarded' || status === 'accepted' ? <Text type="secondary">{t('forwarded.next', { name })}</Text> : null}
        {line.mvno ? <Hotline phone={line.mvno.hotline} /> : null}
        {answers}
      </Flex>
    </Card>
  );
}
