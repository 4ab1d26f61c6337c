// Carrier settings and MVNO brands. Ops see them; admins change them (every change is audited by the
// server). Money is entered in yuan and sent in fen.
import { useState } from 'react';
import {
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Collapse,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Table,
  Row,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  getCarriersAdmin,
  getMvnoBrandsAdmin,
  updateCarrierSettings,
  updateMvnoBrand,
  type CarrierAdmin,
  type CarrierSettings,
  type MvnoBrandAdmin,
} from '../../api.ts';
import { ErrorAlert, errorText, Loading } from '../../common.tsx';
import { formatDateTime, pickName } from '../../format.ts';
import { useT, type MessageKey, type TFunction } from '../../i18n.tsx';
import { valueText } from './audit-details.ts';

const { Text } = Typography;
const STORE_ONLY = ['arrears', 'contract_lock_in', 'bundle_primary', 'port_out_pending', 'lost_or_suspended', 'store_only_number'] as const;
const ROUTES = ['original', 'bank', 'line'] as const;
const HOTLINE = /^[0-9]+(-[0-9]+)*$/;

interface FormValues extends Omit<CarrierSettings, 'autoApproveMaxRefundFen'> {
  autoApprove: boolean;
  autoApproveYuan: number | null;
}

export function toForm(s: CarrierSettings): FormValues {
  const { autoApproveMaxRefundFen, ...rest } = s;
  return { ...rest, autoApprove: autoApproveMaxRefundFen !== null, autoApproveYuan: autoApproveMaxRefundFen === null ? null : autoApproveMaxRefundFen / 100 };
}

export function fromForm(v: FormValues): CarrierSettings {
  const { autoApprove, autoApproveYuan, fleetRatePerSecond, fleetConcurrency, ...rest } = v;
  // The fleet throttle is optional: an emptied field is left out, and the platform's default applies.
  return {
    ...rest, autoApproveMaxRefundFen: autoApprove ? Math.round((autoApproveYuan ?? 0) * 100) : null,
    ...(typeof fleetRatePerSecond === 'number' ? { fleetRatePerSecond } : {}),
    ...(typeof fleetConcurrency === 'number' ? { fleetConcurrency } : {}),
  };
}

/** The form fields' labels, by settings key (the diff to confirm names them so). */
const FIELD_LABELS: Record<keyof CarrierSettings, string> = {
  freezeDays: 'ops.settings.freezeDays',
  reviewSlaHours: 'ops.settings.reviewSlaHours',
  outOfProvinceSlaDays: 'ops.settings.outOfProvinceSlaDays',
  penaltyRemainingFeePercent: 'ops.settings.penaltyPercent',
  arrearsDailyPerMille: 'ops.settings.arrearsPerMille',
  onlineReviewRequired: 'ops.settings.onlineReview',
  autoApproveMaxRefundFen: 'ops.settings.autoApprove',
  outOfProvince: 'ops.settings.outOfProvince',
  storeOnlyConditions: 'ops.settings.storeOnly',
  refundRoutes: 'ops.settings.refundRoutes',
  fleetRatePerSecond: 'ops.settings.fleetRate',
  fleetConcurrency: 'ops.settings.fleetConcurrency',
};

export interface SettingChange { field: keyof CarrierSettings; from: unknown; to: unknown }

/** Every field whose value changes, in the form's order. */
export function settingsDiff(before: CarrierSettings, after: CarrierSettings): SettingChange[] {
  return (Object.keys(FIELD_LABELS) as Array<keyof CarrierSettings>)
    .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .map((k) => ({ field: k, from: before[k] ?? null, to: after[k] ?? null }));
}

function settingText(field: keyof CarrierSettings, v: unknown, t: TFunction): string {
  if (field === 'autoApproveMaxRefundFen') return v === null ? t('ops.settings.autoApproveOff') : valueText('amountFen', v, t);
  if (field === 'outOfProvince') return t.dyn(`ops.settings.oop.${String(v)}`, String(v));
  if (field === 'storeOnlyConditions' && Array.isArray(v)) return valueText('x', v.map((c: string) => t.dyn(`blocker.${c}`, c)), t);
  if (field === 'refundRoutes' && Array.isArray(v)) return valueText('x', v.map((r: string) => t.dyn(`refund.route.${r}`, r)), t);
  return valueText(field, v, t);
}

export function CarrierSettingsEditor({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  const carriers = useQuery({ queryKey: ['admin-carriers'], queryFn: getCarriersAdmin });
  const brands = useQuery({ queryKey: ['admin-mvno'], queryFn: getMvnoBrandsAdmin });
  return (
    <Flex vertical gap={16} data-testid="carrier-settings">
      {!canEdit ? <Text type="secondary">{t('ops.settings.readOnly')}</Text> : null}
      {carriers.isPending ? <Loading /> : null}
      {carriers.isError ? <ErrorAlert error={carriers.error} /> : null}
      {carriers.data ? (
        <Collapse
          defaultActiveKey={carriers.data[0] ? [carriers.data[0].code] : []}
          items={carriers.data.map((c) => ({
            key: c.code,
            label: (
              <Flex gap={8} wrap align="center">
                <Text strong>{t.lang === 'en' ? c.nameEn : c.nameZh}</Text>
                <Tag>{c.code}</Tag>
                {c.updatedAt ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {t('ops.settings.updated', { at: formatDateTime(c.updatedAt, t.lang) })}
                  </Text>
                ) : null}
              </Flex>
            ),
            children: <CarrierForm carrier={c} canEdit={canEdit} />,
          }))}
        />
      ) : null}

      <Card size="small" title={t('ops.mvno.title')}>
        {brands.isPending ? <Loading /> : null}
        {brands.isError ? <ErrorAlert error={brands.error} /> : null}
        {brands.data ? (
          <Flex vertical gap={8}>
            {brands.data.map((b) => (
              <MvnoRow key={b.code} brand={b} canEdit={canEdit} />
            ))}
          </Flex>
        ) : null}
      </Card>
    </Flex>
  );
}

function CarrierForm({ carrier, canEdit }: { carrier: CarrierAdmin; canEdit: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const autoApprove = Form.useWatch('autoApprove', form);
  const [pending, setPending] = useState<{ settings: CarrierSettings; changes: SettingChange[] } | null>(null);
  const save = useMutation({
    mutationFn: (settings: CarrierSettings) => updateCarrierSettings(carrier.code, settings),
    onSuccess: async () => {
      setPending(null);
      message.success(t('ops.settings.saved'));
      await qc.invalidateQueries({ queryKey: ['admin-carriers'] });
    },
  });
  const review = (v: FormValues) => {
    const settings = fromForm(v);
    const changes = settingsDiff(carrier.settings, settings);
    if (!changes.length) message.info(t('ops.settings.noChanges'));
    else setPending({ settings, changes });
  };
  // No min/max on the inputs: antd would clamp a typed 0 to 1 on blur. The rule refuses it and says why.
  const num = (name: keyof FormValues, label: string, min: number, max: number, extra?: { step?: number; suffix?: string; decimals?: boolean; optional?: boolean }) => (
    <Col xs={24} sm={12} lg={8}>
      <Form.Item
        name={name}
        label={label}
        rules={[
          ...(extra?.optional ? [] : [{ required: true, message: t('common.required') }]),
          {
            validator: async (_: unknown, v: unknown) => {
              if (v === null || v === undefined || v === '') return;
              const n = Number(v);
              if (!Number.isFinite(n) || n < min || n > max) throw new Error(t('ops.settings.outOfRange', { min, max }));
              if (!extra?.decimals && !Number.isInteger(n)) throw new Error(t('ops.settings.wholeNumber'));
            },
          },
        ]}
      >
        <InputNumber step={extra?.step ?? 1} suffix={extra?.suffix} placeholder={extra?.optional ? t('ops.settings.defaultWhenEmpty') : undefined} style={{ width: '100%' }} data-testid={`setting-${carrier.code}-${name}`} />
      </Form.Item>
    </Col>
  );

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={toForm(carrier.settings)}
      disabled={!canEdit}
      onFinish={review}
      data-testid={`carrier-form-${carrier.code}`}
    >
      <Row gutter={16}>
        {num('freezeDays', t('ops.settings.freezeDays'), 1, 365, { suffix: t('ops.settings.daysUnit') })}
        {num('reviewSlaHours', t('ops.settings.reviewSlaHours'), 1, 720, { suffix: t('ops.settings.hoursUnit') })}
        {num('outOfProvinceSlaDays', t('ops.settings.outOfProvinceSlaDays'), 1, 60, { suffix: t('ops.settings.workingDaysUnit') })}
        {num('penaltyRemainingFeePercent', t('ops.settings.penaltyPercent'), 0, 100, { suffix: '%' })}
        {num('arrearsDailyPerMille', t('ops.settings.arrearsPerMille'), 0, 10, { step: 0.1, suffix: '‰', decimals: true })}
        {num('fleetRatePerSecond', t('ops.settings.fleetRate'), 1, 100_000, { suffix: t('ops.settings.perSecondUnit'), optional: true })}
        {num('fleetConcurrency', t('ops.settings.fleetConcurrency'), 1, 1000, { optional: true })}
        <Col xs={24} sm={12} lg={8}>
          <Form.Item name="onlineReviewRequired" label={t('ops.settings.onlineReview')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={8}>
          <Form.Item label={t('ops.settings.autoApprove')}>
            <Flex gap={8} align="center">
              <Form.Item name="autoApprove" valuePropName="checked" noStyle>
                <Switch aria-label={t('ops.settings.autoApprove')} />
              </Form.Item>
              <Form.Item
                name="autoApproveYuan"
                noStyle
                rules={autoApprove ? [
                  { required: true, message: t('common.required') },
                  { type: 'number', min: 0, max: 100000, message: t('ops.settings.outOfRange', { min: 0, max: 100000 }) },
                ] : []}
              >
                <InputNumber precision={2} prefix="¥" disabled={!canEdit || !autoApprove} style={{ flex: 1 }} aria-label={t('ops.settings.autoApprove')} data-testid={`setting-${carrier.code}-autoApproveYuan`} />
              </Form.Item>
            </Flex>
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t('ops.settings.autoApproveHint')}
            </Text>
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} lg={8}>
          <Form.Item name="outOfProvince" label={t('ops.settings.outOfProvince')}>
            <Radio.Group
              options={[
                { value: 'local', label: t('ops.settings.oop.local') },
                { value: 'forward', label: t('ops.settings.oop.forward') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} lg={16}>
          <Form.Item name="storeOnlyConditions" label={t('ops.settings.storeOnly')}>
            <Checkbox.Group options={STORE_ONLY.map((c) => ({ value: c, label: t.dyn(`blocker.${c}`, c) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} lg={8}>
          <Form.Item
            name="refundRoutes"
            label={t('ops.settings.refundRoutes')}
            rules={[{ type: 'array', min: 1, message: t('ops.settings.oneRoute') }]}
          >
            <Checkbox.Group options={ROUTES.map((r) => ({ value: r, label: t.dyn(`refund.route.${r}`, r) }))} />
          </Form.Item>
        </Col>
      </Row>
      {save.isError && !pending ? (
        <div style={{ marginBottom: 12 }}>
          <ErrorAlert error={save.error} />
        </div>
      ) : null}
      <Modal
        open={!!pending}
        title={t('ops.settings.confirmTitle', { carrier: t.lang === 'en' ? carrier.nameEn : carrier.nameZh })}
        okText={t('ops.settings.confirmSave')}
        cancelText={t('common.cancel')}
        onCancel={() => setPending(null)}
        onOk={() => pending && save.mutate(pending.settings)}
        okButtonProps={{ loading: save.isPending, 'data-testid': `confirm-carrier-${carrier.code}` }}
        destroyOnHidden
      >
        <Table<SettingChange>
          size="small"
          pagination={false}
          rowKey="field"
          data-testid={`settings-diff-${carrier.code}`}
          dataSource={pending?.changes ?? []}
          columns={[
            { key: 'field', title: t('ops.settings.field'), render: (_, c) => t(FIELD_LABELS[c.field] as MessageKey) },
            { key: 'from', title: t('ops.settings.before'), render: (_, c) => settingText(c.field, c.from, t) },
            { key: 'to', title: t('ops.settings.after'), render: (_, c) => <Text strong>{settingText(c.field, c.to, t)}</Text> },
          ]}
        />
        {save.isError ? (
          <div style={{ marginTop: 12 }}>
            <ErrorAlert error={save.error} />
          </div>
        ) : null}
      </Modal>
      {canEdit ? (
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending} data-testid={`save-carrier-${carrier.code}`}>
            {t('ops.settings.save')}
          </Button>
          <Button onClick={() => form.resetFields()}>{t('ops.settings.reset')}</Button>
        </Flex>
      ) : null}
    </Form>
  );
}

function MvnoRow({ brand, canEdit }: { brand: MvnoBrandAdmin; canEdit: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const [hotline, setHotline] = useState(brand.hotline);
  const [accepts, setAccepts] = useState(brand.acceptsForwarded);
  const digits = hotline.replace(/-/g, '').length;
  const hotlineOk = HOTLINE.test(hotline.trim()) && digits >= 5 && digits <= 20;
  const dirty = hotline.trim() !== brand.hotline || accepts !== brand.acceptsForwarded;
  const save = useMutation({
    mutationFn: () => updateMvnoBrand(brand.code, { acceptsForwarded: accepts, hotline: hotline.trim() }),
    onSuccess: async () => {
      message.success(t('ops.settings.saved'));
      await qc.invalidateQueries({ queryKey: ['admin-mvno'] });
    },
    onError: (err) => message.error(errorText(err, t).title),
  });
  return (
    <Flex
      gap={8}
      align="center"
      wrap
      data-testid={`mvno-${brand.code}`}
      style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}
    >
      <Flex vertical style={{ flex: '1 1 200px', minWidth: 0 }}>
        <Text strong>{pickName({ zh: brand.nameZh, en: brand.nameEn }, t.lang)}</Text>
        <Text type="secondary" style={{ fontSize: 12 }}>
          {brand.code} · {t.dyn(`carrier.${brand.hostCarrier}`, brand.hostCarrier)}
        </Text>
      </Flex>
      <Input
        value={hotline}
        onChange={(e) => setHotline(e.target.value)}
        disabled={!canEdit}
        status={hotlineOk ? undefined : 'error'}
        aria-label={t('ops.mvno.hotline')}
        prefix={<Text type="secondary">{t('ops.mvno.hotline')}</Text>}
        style={{ width: 220, maxWidth: '100%' }}
      />
      <Flex gap={6} align="center">
        <Switch checked={accepts} onChange={setAccepts} disabled={!canEdit} aria-label={t('ops.mvno.accepts')} />
        <Text>{t('ops.mvno.accepts')}</Text>
      </Flex>
      {canEdit ? (
        <Button size="small" type="primary" icon={<SaveOutlined />} disabled={!dirty || !hotlineOk} loading={save.isPending} onClick={() => save.mutate()}>
          {t('ops.settings.save')}
        </Button>
      ) : null}
    </Flex>
  );
}
