// The store console (营业厅受理台): find the customer by the ID document presented or a mobile number,
// see every line under that ID at every carrier (一证通查), pick the line to cancel here, and run the
// counter flow. A second tab lists what this clerk took today.
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Descriptions,
  Empty,
  Flex,
  Input,
  Row,
  Segmented,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { IdcardOutlined, PhoneOutlined, SearchOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { getDemoCustomers, storeLookup, type DemoCustomer, type StoreLine, type StoreLookup } from '../../api.ts';
import { ErrorAlert, Loading, StatusTag, useMe } from '../../common.tsx';
import { RequireStaff } from '../../components/RequireStaff.tsx';
import { formatFen, pickName } from '../../format.ts';
import { useT, type TFunction } from '../../i18n.tsx';
import { CounterFlow } from './CounterFlow.tsx';
import { loadLookup, saveLookup } from './counter-progress.ts';
import { StoreHistory } from './StoreHistory.tsx';

const { Title, Text } = Typography;
const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

export default function StoreConsolePage() {
  return (
    <RequireStaff roles={['clerk']}>
      <StoreConsole />
    </RequireStaff>
  );
}

function StoreConsole() {
  const t = useT();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'history' ? 'history' : 'counter';
  const isClerk = me.data?.kind === 'staff' && me.data.role === 'clerk';
  const storeId = me.data?.kind === 'staff' ? me.data.storeId : null;
  const storeName = me.data?.kind === 'staff' && me.data.storeName ? pickName(me.data.storeName, t.lang) : storeId;

  return (
    <Flex vertical gap={16}>
      <Flex align="baseline" gap={12} wrap>
        <Title level={2} style={{ margin: 0 }}>
          {t('store.title')}
        </Title>
        {storeId ? (
          <Text type="secondary" data-testid="store-id">
            {t('store.atStore', { store: storeName ?? storeId })}
          </Text>
        ) : null}
      </Flex>
      {!isClerk ? <Alert type="info" showIcon title={t('store.adminView')} data-testid="store-admin-view" /> : null}
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'history' ? { tab: 'history' } : {}, { replace: true })}
        items={[
          { key: 'counter', label: t('store.tab.counter'), children: <Counter canAct={isClerk} /> },
          {
            key: 'history',
            label: t('store.tab.history'),
            children: isClerk ? <StoreHistory /> : <Empty description={t('store.adminView')} />,
          },
        ]}
      />
    </Flex>
  );
}

type LookupBy = 'idNumber' | 'msisdn';

function Counter({ canAct }: { canAct: boolean }) {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const restored = useMemo(() => loadLookup(), []);
  const [by, setBy] = useState<LookupBy>(restored?.by ?? 'idNumber');
  const [value, setValue] = useState(restored?.value ?? '');
  const picked = params.get('line');
  const setPicked = (id: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.delete('step');
      if (id) next.set('line', id);
      else next.delete('line');
      return next;
    });
  const demo = useQuery({ queryKey: ['dev', 'demo-customers'], queryFn: getDemoCustomers, staleTime: Infinity, retry: false });

  const lookup = useMutation({
    mutationFn: (q: { by: LookupBy; value: string }) =>
      storeLookup(q.by === 'idNumber' ? { idNumber: q.value.trim() } : { msisdn: q.value.trim() }),
    onSuccess: (_, q) => saveLookup({ by: q.by, value: q.value.trim() }),
  });
  const found = lookup.data;
  const line = found?.lines.find((l) => l.id === picked) ?? null;

  // After a reload the customer is looked up again with what was typed, and the flow resumes.
  const { mutate } = lookup;
  useEffect(() => {
    if (restored?.value && canAct) mutate({ by: restored.by, value: restored.value });
  }, [restored, canAct, mutate]);

  const search = (q: { by: LookupBy; value: string }) => {
    if (!q.value.trim()) return;
    if (picked) setPicked(null);
    lookup.mutate(q);
  };

  if (found && line) {
    return (
      <CounterFlow
        key={line.id}
        customer={found.customer}
        line={line}
        onBack={() => setPicked(null)}
      />
    );
  }
  if (picked && lookup.isPending) return <Loading />;

  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('store.lookup.title')} style={{ maxWidth: 760 }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            search({ by, value });
          }}
        >
          <Flex vertical gap={12}>
            <Segmented<LookupBy>
              data-testid="lookup-by"
              value={by}
              onChange={(v) => {
                setBy(v);
                setValue('');
              }}
              options={[
                { value: 'idNumber', label: t('store.lookup.byId'), icon: <IdcardOutlined /> },
                { value: 'msisdn', label: t('store.lookup.byMsisdn'), icon: <PhoneOutlined /> },
              ]}
            />
            <Flex gap={8} wrap>
              <Input
                data-testid="lookup-input"
                size="large"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                placeholder={by === 'idNumber' ? t('store.lookup.idPlaceholder') : t('store.lookup.msisdnPlaceholder')}
                aria-label={by === 'idNumber' ? t('store.lookup.byId') : t('store.lookup.byMsisdn')}
                autoComplete="off"
                inputMode={by === 'msisdn' ? 'tel' : 'text'}
                disabled={!canAct}
                style={{ flex: '1 1 220px', minWidth: 0, fontFamily: mono.fontFamily }}
              />
              <Button
                type="primary"
                size="large"
                htmlType="submit"
                icon={<SearchOutlined />}
                loading={lookup.isPending}
                disabled={!canAct || !value.trim()}
                data-testid="lookup-button"
              >
                {t('store.lookup.button')}
              </Button>
            </Flex>
            <Text type="secondary">{t('store.lookup.hint')}</Text>
          </Flex>
        </form>
        {demo.data && demo.data.length > 0 && canAct ? (
          <DemoCustomers
            demo={demo.data}
            onPick={(d) => {
              setBy('idNumber');
              setValue(d.idNumber);
              search({ by: 'idNumber', value: d.idNumber });
            }}
          />
        ) : null}
      </Card>

      {lookup.isError ? <ErrorAlert error={lookup.error} testId="lookup-error" /> : null}
      {found ? <CustomerLines found={found} onPick={setPicked} /> : null}
    </Flex>
  );
}

function DemoCustomers({ demo, onPick }: { demo: DemoCustomer[]; onPick: (d: DemoCustomer) => void }) {
  const t = useT();
  return (
    <Collapse
      style={{ marginTop: 16 }}
      size="small"
      data-testid="demo-customers"
      items={[
        {
          key: 'demo',
          label: t('store.demo.title'),
          children: (
            <Flex vertical gap={8}>
              <Text type="secondary">{t('store.demo.hint')}</Text>
              <Flex gap={8} wrap>
                {demo.map((d) => (
                  <Button
                    key={d.scenario}
                    size="small"
                    onClick={() => onPick(d)}
                    data-testid={`demo-customer-${d.scenario}`}
                    title={d.description ? pickName(d.description, t.lang) : undefined}
                  >
                    {d.description ? pickName(d.description, t.lang) : d.scenario}
                  </Button>
                ))}
              </Flex>
            </Flex>
          ),
        },
      ]}
    />
  );
}

function CustomerLines({ found, onPick }: { found: StoreLookup; onPick: (id: string) => void }) {
  const t = useT();
  const c = found.customer;
  const here = found.lines.filter((l) => l.cancellableHere).length;
  return (
    <Flex vertical gap={12} data-testid="customer">
      <Card size="small">
        <Flex gap={12} align="flex-start" wrap>
          <UserOutlined style={{ fontSize: 28, color: '#1677ff', marginTop: 4 }} />
          <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }}>
            <Flex gap={8} align="center" wrap>
              <Text strong style={{ fontSize: 18 }} data-testid="customer-name">
                {c.maskedName}
              </Text>
              {c.kind === 'company' ? <Tag color="geekblue">{t('store.customer.company')}</Tag> : null}
              {c.deceased ? (
                <Tag color="default" data-testid="customer-deceased">
                  {t('store.customer.deceased')}
                </Tag>
              ) : null}
            </Flex>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: 'type', label: t('store.customer.idType'), children: t.dyn(`idType.${c.idType}`, c.idType) },
                { key: 'id', label: t('store.customer.idNumber'), children: <span style={mono}>{c.maskedIdNumber}</span> },
              ]}
            />
          </Flex>
        </Flex>
      </Card>
      <Flex align="baseline" gap={8} wrap>
        <Title level={3} style={{ margin: 0, fontSize: 20 }}>
          {t('store.lines.title')}
        </Title>
        <Text type="secondary" data-testid="lines-count">
          {t('store.lines.count', { n: found.lines.length, here })}
        </Text>
      </Flex>
      {found.lines.length === 0 ? <Empty description={t('lines.empty')} /> : null}
      <Row gutter={[12, 12]}>
        {found.lines.map((l) => (
          <Col key={l.id} xs={24} md={12} xl={8}>
            <StoreLineCard line={l} onPick={() => onPick(l.id)} />
          </Col>
        ))}
      </Row>
    </Flex>
  );
}

function notHereReason(line: StoreLine, t: TFunction): string | null {
  if (line.cancellableHere) return null;
  if (line.status === 'cancelled') return t('wizard.isCancelled');
  if (line.liveRequest) return t('wizard.alreadyLive');
  if (line.mvno) return t('store.lines.mvno', { name: pickName(line.mvno.name, t.lang), hotline: line.mvno.hotline });
  return t('store.lines.otherCarrier', { carrier: pickName(line.carrierName, t.lang) });
}

function StoreLineCard({ line, onPick }: { line: StoreLine; onPick: () => void }) {
  const t = useT();
  const reason = notHereReason(line, t);
  const province = line.homeProvinceName ? pickName(line.homeProvinceName, t.lang) : line.homeProvince;
  return (
    <Card
      size="small"
      data-testid={`store-line-${line.id}`}
      data-cancellable={line.cancellableHere ? 'true' : 'false'}
      style={{ height: '100%', ...(line.cancellableHere ? {} : { background: '#fafafa' }) }}
    >
      <Flex vertical gap={8}>
        <Flex justify="space-between" align="flex-start" gap={8} wrap>
          <Text strong style={{ fontSize: 17, ...mono }}>
            {line.maskedMsisdn}
          </Text>
          <Text>{pickName(line.carrierName, t.lang)}</Text>
        </Flex>
        <Flex gap={4} wrap>
          <Tag color={line.formFactor === 'esim' ? 'purple' : 'blue'}>
            {line.formFactor === 'esim' ? t('line.esim') : t('line.physical')}
          </Tag>
          <Tag color={line.status === 'active' ? 'green' : line.status === 'cancelled' ? 'default' : 'orange'}>
            {t.dyn(`line.status.${line.status}`, line.status)}
          </Tag>
          {province ? (
            <Tag color={line.outOfProvince ? 'volcano' : 'default'} data-testid={line.outOfProvince ? 'out-of-province' : undefined}>
              {line.outOfProvince ? t('store.lines.outOfProvince', { province }) : province}
            </Tag>
          ) : null}
          {line.mvno ? <Tag color="gold">{pickName(line.mvno.name, t.lang)}</Tag> : null}
        </Flex>
        <Text type="secondary" style={{ fontSize: 13 }}>
          {[line.planName, line.monthlyFeeFen != null ? formatFen(line.monthlyFeeFen) : null, line.deviceLabel]
            .filter(Boolean)
            .join(' · ')}
        </Text>
        <Text type="secondary" style={{ fontSize: 13, ...mono, wordBreak: 'break-all' }}>
          {t('line.iccid')} {line.maskedIccid}
        </Text>
        {line.liveRequest ? (
          <Flex gap={8} align="center" wrap>
            <StatusTag status={line.liveRequest.status} />
            <Link to={`/staff/store/requests/${line.liveRequest.id}`}>{t('line.viewRequest')}</Link>
          </Flex>
        ) : null}
        {line.cancellableHere ? (
          <Button type="primary" onClick={onPick} data-testid={`pick-line-${line.id}`} block>
            {t('store.lines.pick')}
          </Button>
        ) : reason && !line.liveRequest ? (
          <Text type="warning" data-testid={`not-here-${line.id}`}>
            {reason}
          </Text>
        ) : null}
      </Flex>
    </Card>
  );
}
