import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInZone, nextAfter, parseSchedule } from '../../../src/controllers/cronjob/cron-schedule.js';

const at = (s: string) => new Date(s);
const next = (schedule: string, after: string, zone = 'UTC') => nextAfter(schedule, at(after), zone)?.toISOString();

test('nextAfter() finds the next minute matching five-field schedules', () => {
  assert.equal(next('*/15 * * * *', '2024-03-09T12:34:56Z'), '2024-03-09T12:45:00.000Z');
  assert.equal(next('*/15 * * * *', '2024-03-09T12:45:00Z'), '2024-03-09T13:00:00.000Z', 'strictly after');
  assert.equal(next('5 4 * * *', '2024-03-09T12:00:00Z'), '2024-03-10T04:05:00.000Z');
  assert.equal(next('0 0 1 jan *', '2024-03-09T00:00:00Z'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('0 9 * * mon-fri', '2024-03-09T12:00:00Z'), '2024-03-11T09:00:00.000Z', 'Saturday to Monday');
  assert.equal(next('0 0 1-3,20 * *', '2024-02-03T01:00:00Z'), '2024-02-20T00:00:00.000Z');
  assert.equal(next('0 0 29 2 *', '2024-03-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
  assert.equal(next('0 0 30 2 *', '2024-03-01T00:00:00Z'), undefined, 'never');
});

test('nextAfter() ORs day of month and day of week unless one is a star', () => {
  // The 13th or any Friday: from Monday 2024-03-04, Friday the 8th comes first.
  assert.equal(next('0 0 13 * 5', '2024-03-04T00:00:00Z'), '2024-03-08T00:00:00.000Z');
  // `*` day of month: Fridays only.
  assert.equal(next('0 0 * * 5', '2024-03-09T00:00:00Z'), '2024-03-15T00:00:00.000Z');
  // A stepped star is not a star: ORed.
  assert.equal(next('0 0 */10 * 5', '2024-03-02T00:00:00Z'), '2024-03-08T00:00:00.000Z');
});

test('nextAfter() supports descriptors and @every', () => {
  assert.equal(next('@hourly', '2024-03-09T12:34:56Z'), '2024-03-09T13:00:00.000Z');
  assert.equal(next('@daily', '2024-03-09T12:34:56Z'), '2024-03-10T00:00:00.000Z');
  assert.equal(next('@weekly', '2024-03-09T12:34:56Z'), '2024-03-10T00:00:00.000Z');
  assert.equal(next('@monthly', '2024-03-09T12:34:56Z'), '2024-04-01T00:00:00.000Z');
  assert.equal(next('@yearly', '2024-03-09T12:34:56Z'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@every 90s', '2024-03-09T12:34:56.700Z'), '2024-03-09T12:36:26.000Z');
  assert.throws(() => parseSchedule('61 * * * *'), RangeError);
  assert.throws(() => parseSchedule('@fortnightly'), /unrecognized descriptor/);
});

test('nextAfter() works in a time zone, across DST changes, and honours TZ= in the schedule', () => {
  assert.equal(next('0 9 * * *', '2024-03-09T12:00:00Z', 'America/New_York'), '2024-03-09T14:00:00.000Z', 'EST');
  assert.equal(next('0 9 * * *', '2024-03-10T12:00:00Z', 'America/New_York'), '2024-03-10T13:00:00.000Z', 'EDT, the same morning');
  // 02:30 does not exist on 2024-03-10 in New York: the start moves forward an hour.
  assert.equal(next('30 2 * * *', '2024-03-10T00:00:00Z', 'America/New_York'), '2024-03-10T07:30:00.000Z');
  assert.equal(next('0 0 * * *', '2024-03-09T12:00:00Z', 'Asia/Tokyo'), '2024-03-09T15:00:00.000Z');
  assert.equal(next('TZ=Asia/Tokyo 0 0 * * *', '2024-03-09T12:00:00Z', 'UTC'), '2024-03-09T15:00:00.000Z');
});

test('formatInZone() writes RFC 3339 with the zone offset', () => {
  assert.equal(formatInZone(at('2024-03-09T15:00:00Z'), 'Asia/Tokyo'), '2024-03-10T00:00:00+09:00');
  assert.equal(formatInZone(at('2024-03-09T15:00:00Z'), 'America/New_York'), '2024-03-09T10:00:00-05:00');
  assert.equal(formatInZone(at('2024-03-09T15:00:00Z'), 'UTC'), '2024-03-09T15:00:00Z');
  assert.equal(formatInZone(at('2024-03-09T15:00:00Z'), 'Asia/Kolkata'), '2024-03-09T20:30:00+05:30');
});
