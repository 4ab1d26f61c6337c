import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CARRIER_CODES,
  CARRIERS,
  ICCID_ISSUERS,
  IMSI_MNCS,
  MSISDN_RANGES,
  PROVINCE_CODES,
  findMsisdnRange,
  msisdnRangesOf,
} from '../../../src/identifiers/index.ts';

describe('numbering tables', () => {
  it('no mobile prefix is a prefix of another, so a number matches at most one range', () => {
    for (const a of MSISDN_RANGES) {
      for (const b of MSISDN_RANGES) {
        if (a !== b) assert.ok(!b.prefix.startsWith(a.prefix), `${a.prefix} overlaps ${b.prefix}`);
      }
    }
  });

  it('every prefix starts with 1 and has 3 to 5 digits', () => {
    for (const r of MSISDN_RANGES) assert.match(r.prefix, /^1[0-9]{2,4}$/);
  });

  it('findMsisdnRange picks the 4-digit range inside a 3-digit block', () => {
    assert.equal(findMsisdnRange('13491234567')?.network, 'ctcc');
    assert.equal(findMsisdnRange('13481234567')?.network, 'cmcc');
    assert.equal(findMsisdnRange('17401234567')?.prefix, '17401');
    assert.equal(findMsisdnRange('17451234567'), null);
  });

  it('msisdnRangesOf lists a carrier\'s own and MVNO ranges separately', () => {
    const own = msisdnRangesOf('cucc', { mvno: false }).map((r) => r.prefix);
    const mvno = msisdnRangesOf('cucc', { mvno: true }).map((r) => r.prefix);
    assert.ok(own.includes('186') && !own.includes('171'));
    assert.deepEqual(mvno.sort(), ['1704', '1707', '1708', '1709', '167', '171'].sort());
    assert.deepEqual(msisdnRangesOf('cbn').map((r) => r.prefix), ['192']);
  });

  it('every carrier has a name and customer-service number and every table entry names a known carrier', () => {
    assert.deepEqual([...CARRIER_CODES].sort(), ['cbn', 'cmcc', 'ctcc', 'cucc']);
    assert.equal(CARRIERS.cmcc.customerService, '10086');
    assert.equal(CARRIERS.cbn.customerService, '10099');
    for (const r of MSISDN_RANGES) assert.ok(CARRIER_CODES.includes(r.network));
    for (const i of ICCID_ISSUERS) assert.ok(CARRIER_CODES.includes(i.carrier));
    for (const m of IMSI_MNCS) assert.ok(m.carrier === null || CARRIER_CODES.includes(m.carrier));
  });

  it('province codes match the list in GB 11643-1999 as given in domain.md', () => {
    assert.equal(PROVINCE_CODES.length, 5 + 3 + 7 + 6 + 5 + 5 + 4);
    for (const p of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82', '83']) {
      assert.ok(PROVINCE_CODES.includes(p), p);
    }
    for (const p of ['10', '16', '20', '24', '30', '38', '40', '47', '55', '60', '66', '70', '72', '80', '84', '91']) {
      assert.ok(!PROVINCE_CODES.includes(p), p);
    }
  });
});
