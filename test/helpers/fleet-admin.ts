// A test app with the demo company's administrator signed in (for fleet job tests), closed after the file.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from './context.ts';
import { ApiClient } from './api.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';

/** Registers before/after hooks; the returned object is filled in once `before` has run. */
export function withFleetAdmin(): { t: TestApp; admin: ApiClient } {
  const s = {} as { t: TestApp; admin: ApiClient };
  before(async () => {
    s.t = await startTestApp();
    s.admin = new ApiClient(s.t.app);
    const r = await s.admin.post('staff/sign-in', { username: DEMO_COMPANY.admin.username, password: DEMO_COMPANY.admin.password });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
  after(async () => {
    await s.t.close();
    await dropTemplate();
  });
  return s;
}
