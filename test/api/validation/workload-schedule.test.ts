import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLocationError, scheduleError, timeZoneErrors } from '../../../src/api/validation/workload-schedule.js';

test('scheduleError() accepts standard specs and descriptors', () => {
  for (const s of ['*/5 * * * *', '0 0 1 JAN MON-FRI', '0-30/10 1,2 * * ?', '@hourly', '@daily', '@every 1h30m', 'TZ=UTC 0 0 * * *']) {
    assert.equal(scheduleError(s), undefined, s);
  }
});

test('scheduleError() gives the cron parser messages', () => {
  assert.equal(scheduleError('foo'), 'expected exactly 5 fields, found 1: [foo]');
  assert.equal(scheduleError('60 * * * *'), 'end of range (60) above maximum (59): 60');
  assert.equal(scheduleError('0 0 0 * *'), 'beginning of range (0) below minimum (1): 0');
  assert.equal(scheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(scheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(scheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(scheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(scheduleError('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
});

test('timeZoneErrors() accepts IANA names and rejects others', () => {
  assert.deepEqual(timeZoneErrors('Europe/Paris'), []);
  assert.deepEqual(timeZoneErrors('America/Argentina/Buenos_Aires'), []);
  assert.deepEqual(timeZoneErrors('Mars/Olympus'), ['unknown time zone Mars/Olympus']);
  assert.deepEqual(timeZoneErrors('europe/paris'), ['unknown time zone europe/paris']);
  assert.deepEqual(timeZoneErrors('+05:00'), ['unknown time zone +05:00']);
  assert.deepEqual(timeZoneErrors(''), ['timeZone must be nil or non-empty string']);
  assert.deepEqual(timeZoneErrors('Local'), ['timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
  assert.equal(loadLocationError('Nowhere/Town'), 'unknown time zone Nowhere/Town');
});
