// The demo companies for fleet cancellation: what a company administrator would find in the
// default seed (a company with a valid unified social credit code, staff phones, IoT SIMs with
// 13-digit numbers and IoT eSIMs, a few lines that a cancellation would refuse), and that the
// numbers never clash with the rest of the demo data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneDatabase, dropTemplate } from '../helpers/context.ts';
import { DEMO_COMPANY, FLEET_COMPANY, seedDemoCompany } from '../../src/db/seed/companies.ts';
import { checkIdentifier } from '../../src/identifiers/index.ts';
import { createPiiVault } from '../../src/identity/pii.ts';
import type { Database } from '../../src/db/database.ts';

let database: Database & { drop(): Promise<void> };
const vault = () => createPiiVault(Buffer.from(process.env.ZHUXIAO_MASTER_KEY!, 'base64'));

before(async () => {
  database = await cloneDatabase();
});
after(async () => {
  await database.close();
  await database.drop();
  await dropTemplate();
});

describe('the default demo company', () => {
  test('has a valid unified social credit code and an administrator bound to it', async () => {
    const company = await database.db.selectFrom('companies').selectAll().where('id', '=', DEMO_COMPANY.id).executeTakeFirstOrThrow();
    const code = checkIdentifier('uscc', company.uscc);
    assert.equal(code.valid, true, JSON.stringify(code.errors));
    const owner = await database.db.selectFrom('customers').selectAll().where('id', '=', company.customer_id).executeTakeFirstOrThrow();
    assert.equal(owner.kind, 'company');
    assert.equal(vault().decrypt(owner.id_number_enc), company.uscc);
    const admin = await database.db.selectFrom('staff').selectAll().where('username', '=', DEMO_COMPANY.admin.username).executeTakeFirstOrThrow();
    assert.equal(admin.role, 'company_admin');
    assert.equal(admin.company_id, company.id);
  });

  test('owns staff phones, IoT SIMs with 13-digit numbers and IoT eSIMs, every identifier valid', async () => {
    const lines = await database.db.selectFrom('lines').selectAll().where('company_id', '=', DEMO_COMPANY.id).execute();
    assert.equal(lines.length, DEMO_COMPANY.lines + 1); // the bundle's secondary card comes with line 3
    const staff = lines.filter((l) => l.line_use === 'staff');
    const iot = lines.filter((l) => l.line_use === 'iot');
    assert.ok(staff.length >= 8, `${staff.length} staff phones`);
    assert.ok(iot.some((l) => l.form_factor === 'esim' && l.eid), 'an IoT eSIM with its EID');
    for (const l of lines) {
      const msisdn = checkIdentifier('msisdn', l.msisdn);
      assert.equal(msisdn.valid, true, `${l.msisdn}: ${JSON.stringify(msisdn.errors)}`);
      assert.equal(msisdn.iot === true, l.line_use === 'iot', l.msisdn);
      assert.equal(msisdn.network, l.carrier, l.msisdn);
      const iccid = checkIdentifier('iccid', l.iccid);
      assert.equal(iccid.valid, true, l.iccid);
      assert.equal(iccid.carrier, l.carrier, l.iccid);
      assert.equal(checkIdentifier('imsi', l.imsi).carrier, l.carrier, l.imsi);
      if (l.eid) assert.equal(checkIdentifier('eid', l.eid).valid, true, l.eid);
    }
  });

  test('has lines a cancellation would refuse: arrears on the branch account, a bundle head, a port-out', async () => {
    const { db } = database;
    const arrears = await db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
      .select('l.id').where('l.company_id', '=', DEMO_COMPANY.id).where('a.arrears_fen', '>', 0).execute();
    assert.ok(arrears.length >= 1, 'a line on an account in arrears');
    const bundle = await db.selectFrom('lines').select('id').where('company_id', '=', DEMO_COMPANY.id).where('bundle_role', '=', 'primary').execute();
    assert.equal(bundle.length, 1);
    const secondaries = await db.selectFrom('lines').select('id').where('bundle_parent_id', '=', bundle[0].id).execute();
    assert.equal(secondaries.length, 1);
    const port = await db.selectFrom('lines').select('id').where('company_id', '=', DEMO_COMPANY.id).where('port_out_status', '=', 'pending').execute();
    assert.equal(port.length, 1);
  });

  test('seeding it again writes nothing', async () => {
    const again = await seedDemoCompany(database.db, vault(), async () => 'x');
    assert.equal(again.alreadySeeded, true);
    assert.equal(again.lines, 0);
  });

  test('a second, larger company adds lines whose numbers clash with none already there', async () => {
    const { db } = database;
    // Distinct numbers, ICCIDs and EIDs before and after: the new lines add one of each per line
    // (the demo data already holds a number twice where it was recycled to a new owner).
    const distinct = () => db.selectFrom('lines').select((eb) => [
      eb.fn.countAll<string>().as('n'), eb.fn.count<string>('msisdn').distinct().as('msisdns'), eb.fn.count<string>('iccid').distinct().as('iccids'),
      eb.fn.count<string>('eid').distinct().as('eids'), eb.fn.count<string>('eid').as('withEid'),
    ]).executeTakeFirstOrThrow();
    const before = await distinct();
    const result = await seedDemoCompany(db, vault(), async () => 'x', { ...FLEET_COMPANY, lines: 3000 }, { batchSize: 1000 });
    assert.equal(result.lines, 3001);
    const after = await distinct();
    assert.equal(Number(after.n), Number(before.n) + 3001);
    assert.equal(Number(after.msisdns) - Number(before.msisdns), 3001, 'every new line has a number no line had');
    assert.equal(Number(after.iccids) - Number(before.iccids), 3001, 'every new line has an ICCID no line had');
    assert.equal(Number(after.eids) - Number(before.eids), Number(after.withEid) - Number(before.withEid), 'every new eSIM has an EID no line had');
  });
});
