// Who is sent status SMS: every number but a 13-digit IoT number (a data-only SIM in a device).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { receivesStatusSms } from '../../../src/cancellation/notify-status.ts';
import { IOT_RANGES, checkMsisdn, makeMsisdn, msisdnRangesOf } from '../../../src/identifiers/index.ts';

/** A 13-digit number in the range: the prefix, then digits up to 13. */
const iotNumber = (prefix: string, fill: string) => `+86${(prefix + fill.repeat(13)).slice(0, 13)}`;

describe('receivesStatusSms', () => {
  it('sends none to a 13-digit IoT number of any range, of every carrier', () => {
    for (const range of IOT_RANGES) {
      for (const fill of ['0', '7', '9']) {
        const msisdn = iotNumber(range.prefix, fill);
        assert.equal(checkMsisdn(msisdn).iot, true, `${msisdn} is an IoT number to the identifier rules`);
        assert.equal(receivesStatusSms(msisdn), false, msisdn);
      }
    }
  });

  it('sends them to ordinary 11-digit mobile numbers, staff phones of a company included', () => {
    for (const carrier of ['cmcc', 'cucc', 'ctcc'] as const) {
      for (const range of msisdnRangesOf(carrier).slice(0, 5)) {
        const msisdn = makeMsisdn(range.prefix, '12345678'.padEnd(11 - range.prefix.length, '0').slice(0, 11 - range.prefix.length));
        assert.equal(checkMsisdn(msisdn).valid, true, msisdn);
        assert.equal(receivesStatusSms(msisdn), true, msisdn);
      }
    }
  });

  it('a 13-digit number outside the IoT ranges is not taken for one', () => {
    assert.equal(receivesStatusSms('+861381234567890'), true);
  });
});
