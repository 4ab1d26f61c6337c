// An HTTP client over app.inject with its own cookie jar: one per person in a test.
import type { App } from '../../src/http/app.ts';

export interface Res<T = any> { status: number; body: T; headers: Record<string, unknown>; raw: Buffer }

export class ApiClient {
  cookies = new Map<string, string>();
  lang: 'zh-CN' | 'en' = 'en';
  constructor(readonly app: App) {}

  async call<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const res = await this.app.inject({
      method: method as 'GET',
      url: url.startsWith('/') ? url : `/api/v1/${url}`,
      headers: {
        'accept-language': this.lang,
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(body !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
    });
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: (type.includes('json') ? res.json() : res.body) as T, headers: res.headers, raw: res.rawPayload };
  }
  get = <T = any>(url: string) => this.call<T>('GET', url);
  post = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.call<T>('POST', url, body ?? {}, headers);
}

export interface DemoSubscriber { scenario: string; msisdn: string; idLast6: string; idNumber: string; lines: Array<{ id: string; msisdn: string; iccid: string; homeProvince: string }> }

export async function demoAccounts(app: App): Promise<{ subscribers: DemoSubscriber[]; staff: Array<{ username: string; password: string; role: string }> }> {
  return (await new ApiClient(app).get('dev/demo-accounts')).body;
}

/** Signs in as the demo subscriber of a scenario, through SMS code and real-name. */
export async function subscriberFor(app: App, scenario: string, opts: { realName?: boolean } = {}): Promise<{ api: ApiClient; who: DemoSubscriber }> {
  const who = (await demoAccounts(app)).subscribers.find((s) => s.scenario === scenario);
  if (!who) throw new Error(`no demo subscriber for ${scenario}`);
  const api = new ApiClient(app);
  const sent = await api.post('auth/sms-code', { msisdn: who.msisdn });
  if (sent.status !== 202) throw new Error(`sms-code: ${sent.status} ${JSON.stringify(sent.body)}`);
  const outbox = await api.get(`dev/outbox?to=${encodeURIComponent(who.msisdn)}`);
  const code = /\b(\d{6})\b/.exec(outbox.body.messages[0].text)![1];
  const signed = await api.post('auth/sign-in', { msisdn: who.msisdn, code });
  if (signed.status !== 200) throw new Error(`sign-in: ${signed.status} ${JSON.stringify(signed.body)}`);
  if (opts.realName !== false) {
    const rn = await api.post('auth/real-name', { idLast6: who.idLast6 });
    if (rn.status !== 200) throw new Error(`real-name: ${rn.status} ${JSON.stringify(rn.body)}`);
  }
  return { api, who };
}

export async function staffFor(app: App, role: 'clerk' | 'reviewer' | 'ops' | 'admin'): Promise<ApiClient> {
  const s = (await demoAccounts(app)).staff.find((x) => x.role === role)!;
  const api = new ApiClient(app);
  const r = await api.post('staff/sign-in', { username: s.username, password: s.password });
  if (r.status !== 200) throw new Error(`staff sign-in: ${r.status} ${JSON.stringify(r.body)}`);
  return api;
}

/** Polls until the request reaches one of the statuses (the workers run in the background). */
export async function waitForStatus(api: ApiClient, id: string, statuses: string[], timeoutMs = 30_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.get(`cancellations/${id}`);
    if (statuses.includes(r.body.status)) return r.body;
    if (Date.now() > until) throw new Error(`request ${id} stayed ${r.body.status}; wanted ${statuses.join('/')}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** Quote, then submit with every acknowledgement the quote asks for. */
export async function quoteAndSubmit(api: ApiClient, lineId: string, msisdn: string, extra: Record<string, unknown> = {}, key = crypto.randomUUID()) {
  const quote = await api.post('cancellations/quote', { lineId, ...(extra.acceptPenalty ? { acceptPenalty: true } : {}) });
  const submit = await api.post('cancellations', {
    lineId,
    quoteVersion: quote.body.version,
    acknowledgements: quote.body.requiredAcknowledgements,
    confirmLast4: msisdn.slice(-4),
    refundRoute: { type: 'original' },
    ...extra,
  }, { 'idempotency-key': key });
  return { quote, submit };
}
