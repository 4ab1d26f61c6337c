// An in-memory stand-in for the /api/v1 endpoints the web app calls, shaped as the web task describes
// them. Used to look at pages (screenshots) and exercise the UI before/without the real server.
// It is deliberately simple: one subscriber session and one staff session per mock instance.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiHandler } from './static-server.ts';

type Json = Record<string, unknown>;

const LINES = [
  {
    id: 'l1', msisdn: '13800138000', carrier: 'cmcc', carrierName: { zh: '中国移动', en: 'China Mobile' }, mvno: null,
    formFactor: 'physical', status: 'active', maskedIccid: '898600****1234', maskedImsi: '46000******5678',
    deviceLabel: 'iPhone 15', homeProvince: '广东', planName: '4G 飞享套餐 38 元', monthlyFeeFen: 3800,
    bundleRole: 'primary', companions: [{ deviceLabel: 'Apple Watch', formFactor: 'esim' }], liveRequest: null,
  },
  {
    id: 'l2', msisdn: '13900139000', carrier: 'cmcc', carrierName: { zh: '中国移动', en: 'China Mobile' }, mvno: null,
    formFactor: 'esim', status: 'active', maskedIccid: '898600****9876', maskedImsi: '46000******4321',
    maskedEid: '89086030****************0001', deviceLabel: 'Pixel 9', homeProvince: '北京', planName: '5G 畅享 58',
    monthlyFeeFen: 5800, bundleRole: null, companions: [], liveRequest: null,
  },
  {
    id: 'l3', msisdn: '17090001234', carrier: 'cucc', carrierName: { zh: '中国联通', en: 'China Unicom' },
    mvno: { code: 'snail', name: { zh: '蜗牛移动', en: 'Snail Mobile' }, hotline: '10060', acceptsForwarded: true },
    formFactor: 'physical', status: 'suspended', maskedIccid: '898601****5555', maskedImsi: '46001******2222',
    deviceLabel: null, homeProvince: '江苏', planName: '流量王', monthlyFeeFen: 1900, bundleRole: null, companions: [],
    liveRequest: null,
  },
];

const DEMO = {
  subscribers: [
    { scenario: 'companion_devices', msisdn: '13800138000', idLast6: '12345X', idNumber: '11010519491231245X', carrier: 'cmcc', description: { zh: '两张卡，一张带手表', en: 'Two lines, one with a watch' }, lines: [] },
    { scenario: 'arrears', msisdn: '13700137000', idLast6: '000011', idNumber: '110105199001000011', carrier: 'cmcc', description: { zh: '需先缴清欠费', en: 'Must pay arrears first' }, lines: [] },
  ],
  staff: [
    { username: 'reviewer1', password: 'demo-pass-1', role: 'reviewer', storeId: null },
    { username: 'clerk1', password: 'demo-pass-2', role: 'clerk', storeId: 'cmcc-bj-001' },
    { username: 'ops1', password: 'demo-pass-3', role: 'ops', storeId: null },
  ],
};

function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { error: { code, message } });

export function createMockApi(opts: { signedIn?: 'subscriber' | 'staff' | null } = {}): ApiHandler {
  let session: 'subscriber' | 'staff' | null = opts.signedIn ?? null;
  let realName = session === 'subscriber';
  const lines = structuredClone(LINES) as Json[];
  const requests: Json[] = [];
  const now = Date.now();
  const queue = [0, 1, 2].map((i) => ({
    id: `r${i + 1}`, channel: i === 1 ? 'store' : 'online', carrier: i === 2 ? 'ctcc' : 'cmcc',
    carrierName: i === 2 ? { zh: '中国电信', en: 'China Telecom' } : { zh: '中国移动', en: 'China Mobile' },
    maskedMsisdn: ['138****8000', '139****9000', '189****1111'][i], formFactor: i === 1 ? 'esim' : 'physical',
    submittedAt: new Date(now - (50 - i * 20) * 3600e3).toISOString(),
    slaDueAt: new Date(now + (i - 1) * 6 * 3600e3).toISOString(), overdue: i === 0,
    refundFen: [1234, 0, 56789][i], billTotalFen: [3800, 1200, 0][i], warnings: i === 1 ? ['esim_profile', 'companion_devices'] : [],
  }));

  return async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname.replace(/^\/api\/v1/, '');
    const m = req.method ?? 'GET';
    const en = (req.headers['accept-language'] ?? '').startsWith('en');
    const b = (body ? JSON.parse(body) : {}) as Json;

    if (m === 'GET' && p === '/dev/demo-accounts') return send(res, 200, DEMO), true;
    if (m === 'GET' && p === '/dev/outbox') {
      return send(res, 200, { messages: [{ to: url.searchParams.get('to'), text: '【注销】您的验证码是 482913，5 分钟内有效。', sentAt: new Date().toISOString() }] }), true;
    }
    if (m === 'GET' && p === '/auth/me') {
      if (session === 'subscriber') return send(res, 200, { kind: 'subscriber', msisdn: '13800138000', realNameVerified: realName, maskedName: '张*三' }), true;
      if (session === 'staff') return send(res, 200, { kind: 'staff', username: 'reviewer1', role: 'reviewer', storeId: null }), true;
      return send(res, 200, { kind: null }), true;
    }
    if (m === 'POST' && p === '/auth/sms-code') return send(res, 202, {}), true;
    if (m === 'POST' && p === '/auth/sign-in') {
      if (b.code !== '482913') return fail(res, 400, 'invalid_code', 'The code is wrong or has expired'), true;
      session = 'subscriber';
      return send(res, 200, {}), true;
    }
    if (m === 'POST' && p === '/auth/real-name') {
      if (b.idLast6 !== '12345X') return fail(res, 400, 'identity_mismatch', 'ID does not match'), true;
      realName = true;
      return send(res, 200, {}), true;
    }
    if (m === 'POST' && p === '/auth/sign-out') return (session = null), send(res, 204), true;
    if (m === 'POST' && p === '/staff/sign-in') {
      const s = DEMO.staff.find((x) => x.username === b.username && x.password === b.password);
      if (!s) return fail(res, 401, 'invalid_credentials', 'Invalid username or password'), true;
      session = 'staff';
      return send(res, 200, { staff: { username: s.username, role: s.role, displayName: s.username } }), true;
    }
    if (m === 'GET' && p === '/me/lines') return send(res, 200, { lines }), true;
    if (m === 'POST' && p === '/me/lines/find') {
      const q = String(b.q ?? '');
      if (!/^\d+$/.test(q)) return fail(res, 400, 'invalid_identifier', `"${q}" is not a phone number, IMSI or ICCID`), true;
      const line = lines.find((l) => l.msisdn === q);
      return line ? send(res, 200, { line }) : fail(res, 404, 'not_found', 'No such line'), true;
    }
    if (m === 'POST' && p === '/cancellations/quote') {
      const line = lines.find((l) => l.id === b.lineId)!;
      const blocked = line.id === 'l3';
      return send(res, 200, {
        version: 7, eligible: !blocked,
        blockers: blocked
          ? [{ code: 'mvno_line', message: en ? 'This line was sold by Snail Mobile.' : '该号码由蜗牛移动销售。', remedy: en ? 'Snail Mobile cancels it; we can pass your request on.' : '需由蜗牛移动办理，我们可以代为转交。', remedyAction: 'forward_to_mvno' }]
          : [],
        warnings: line.id === 'l1' ? [{ code: 'companion_devices', message: en ? 'Apple Watch shares this number.' : 'Apple Watch 与该号码共享。' }] : [],
        requiredAcknowledgements: ['data_backup', 'unbind_accounts', 'number_frozen', ...(line.id === 'l1' ? ['companion_devices'] : [])],
        bill: { items: [{ code: 'usage', label: en ? 'Usage this month' : '本月已用', amountFen: 1250 }, { code: 'monthly', label: en ? 'Monthly fee (pro rata)' : '月租（按天折算）', amountFen: 2533 }], totalFen: 3783 },
        refund: { cashBalanceFen: 10000, promotionalCreditFen: 2000, owedFen: 3783, refundableFen: 6217, note: en ? 'Refunded by the end of next month.' : '下月底前退回。' },
        refundRoutes: [
          { type: 'original', label: en ? 'Original payment method' : '原路退回' },
          { type: 'bank', label: en ? 'Bank account' : '银行账户' },
          { type: 'line', label: en ? 'Another China Mobile line' : '本人其他移动号码', lines: [{ id: 'l2', msisdn: '13900139000' }] },
        ],
        ...(blocked ? { seller: { code: 'snail', name: { zh: '蜗牛移动', en: 'Snail Mobile' }, hotline: '10060', acceptsForwarded: true } } : {}),
      }), true;
    }
    if (m === 'POST' && p === '/partners/forward') return send(res, 200, { ticket: { id: 'FWD-2026-0042' } }), true;
    if (m === 'POST' && p === '/cancellations') {
      const line = lines.find((l) => l.id === b.lineId)!;
      if (line.liveRequest) return fail(res, 409, 'already_requested', 'A request is already in progress'), true;
      const id = `c${requests.length + 1}`;
      const r = {
        id, status: 'pending_review', channel: 'online', lineId: line.id, msisdn: line.msisdn, carrier: line.carrier,
        createdAt: new Date().toISOString(), slaDueAt: new Date(Date.now() + 24 * 3600e3).toISOString(),
        timeline: [{ status: 'pending_review', at: new Date().toISOString() }], refundFen: 6217,
      };
      requests.push(r);
      line.liveRequest = { id, status: 'pending_review' };
      return send(res, 201, { id, status: 'pending_review' }), true;
    }
    const reqMatch = /^\/cancellations\/([^/]+)(\/withdraw)?$/.exec(p);
    if (reqMatch) {
      const r = requests.find((x) => x.id === reqMatch[1]) ?? (reqMatch[1] === 'done' ? completedRequest() : undefined);
      if (!r) return fail(res, 404, 'not_found', 'No such request'), true;
      if (m === 'POST' && reqMatch[2]) {
        r.status = 'withdrawn';
        (r.timeline as Json[]).push({ status: 'withdrawn', at: new Date().toISOString() });
        return send(res, 200, {}), true;
      }
      return send(res, 200, r), true;
    }
    if (m === 'GET' && p === '/me/cancellations') return send(res, 200, { items: [...requests, completedRequest()] }), true;
    if (m === 'GET' && p === '/review/queue') return send(res, 200, { items: queue }), true;
    const rv = /^\/review\/([^/]+)(\/approve|\/reject)?$/.exec(p);
    if (rv) {
      const item = queue.find((q) => q.id === rv[1]);
      if (!item) return fail(res, 404, 'not_found', 'No such request'), true;
      if (m === 'POST') return item.id === 'r2' ? fail(res, 409, 'conflict', 'Already decided by someone else') : send(res, 200, {}), true;
      return send(res, 200, {
        ...item, status: 'pending_review',
        timeline: [{ status: 'pending_review', at: item.submittedAt }],
        quote: {
          bill: { items: [{ code: 'monthly', label: '月租（按天折算）', amountFen: item.billTotalFen }], totalFen: item.billTotalFen },
          refund: { cashBalanceFen: item.refundFen + 500, promotionalCreditFen: 500, owedFen: 0, refundableFen: item.refundFen },
          warnings: item.warnings.map((c) => ({ code: c, message: c === 'esim_profile' ? 'The eSIM profile must be deleted on the device.' : 'A watch shares this number.' })),
        },
        acknowledgements: ['data_backup', 'unbind_accounts', 'number_frozen'],
        refundRoute: { type: 'bank', bankAccount: '6222********1234', accountName: '张*三' },
      }), true;
    }
    const cert = /^\/certificates\/([^/]+)\/verify$/.exec(p);
    if (cert) {
      if (cert[1] !== 'ZX-2026-000001') return fail(res, 404, 'not_found', 'Unknown serial'), true;
      return send(res, 200, {
        valid: true, serial: 'ZX-2026-000001', carrier: 'cmcc', carrierName: { zh: '中国移动', en: 'China Mobile' },
        maskedMsisdn: '138****8000', maskedIccid: '898600**********1234', completedAt: new Date(now - 86400e3).toISOString(),
        channel: 'online', refundFen: 6217, keyId: 'zx-ed25519-2026', signature: 'MEUCIQDx3f0mZ6kq1rYp2c7Gm0n9xQ4Tq8d0H8Yw5s6L0f3c1gIgU9r2k6Jt0cF2q9Xb1hYvR3o8mZ4nW7eL5sK2pD0aQ1E=',
      }), true;
    }
    return false;
  };

  function completedRequest(): Json {
    const at = (h: number) => new Date(now - h * 3600e3).toISOString();
    return {
      id: 'done', status: 'completed', channel: 'online', lineId: 'old', msisdn: '13600136000', carrier: 'cmcc',
      createdAt: at(72), timeline: [
        { status: 'pending_review', at: at(72) }, { status: 'approved', at: at(60), note: 'reviewer1' },
        { status: 'executing', at: at(59) }, { status: 'completed', at: at(58) },
      ],
      certificateSerial: 'ZX-2026-000001', refundFen: 6217,
      steps: [{ step: 'network_deactivate', status: 'completed', attempts: 1 }, { step: 'refund', status: 'completed', attempts: 2 }],
    };
  }
}
