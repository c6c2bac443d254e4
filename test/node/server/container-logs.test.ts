import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { formatEntry, parseCriLine, parseLogQuery, parseRfc3339, writeLogs, type LogOptions } from '../../../src/node/server/container-logs.js';

const lines = ['2026-01-01T00:00:01.000000001Z stdout F one\n', '2026-01-01T00:00:02Z stderr P tw\n', '2026-01-01T00:00:02Z stderr F o\n', '2026-01-01T00:00:03.5Z stdout F three\n'];

async function logs(opts: Partial<LogOptions>, follow?: () => Readable): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  await writeLogs(async (f) => (f && follow ? follow() : Readable.from([lines.join('')])), { follow: false, previous: false, timestamps: false, ...opts }, out, new AbortController().signal);
  return text;
}

test('parseCriLine() reads time, stream, tag and text; formatEntry() gives the newline back only to whole lines', () => {
  const e = parseCriLine('2026-01-01T00:00:02.5Z stderr P partial text');
  assert.deepEqual(e, { stamp: '2026-01-01T00:00:02.5Z', timeMs: Date.parse('2026-01-01T00:00:02.500Z'), stream: 'stderr', full: false, text: 'partial text' });
  assert.equal(formatEntry(e!, true), '2026-01-01T00:00:02.5Z partial text');
  assert.equal(formatEntry(parseCriLine('2026-01-01T00:00:02Z stdout F x')!, false), 'x\n');
  assert.equal(parseCriLine('not a log line'), undefined);
  assert.equal(parseRfc3339('2026-01-01T00:00:00.123456789Z'), Date.parse('2026-01-01T00:00:00.123Z'));
});

test('parseLogQuery() reads kubectl\'s options and refuses bad ones with kubelet\'s messages', () => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  const q = new URLSearchParams('follow=true&timestamps=1&tailLines=2&limitBytes=10&sinceSeconds=30');
  assert.deepEqual(parseLogQuery(q, now), { follow: true, previous: false, timestamps: true, sinceMs: now - 30_000, tailLines: 2, limitBytes: 10 });
  assert.throws(() => parseLogQuery(new URLSearchParams('tailLines=-1')), /tailLines: Invalid value: -1: must be greater than or equal to 0/);
  assert.throws(() => parseLogQuery(new URLSearchParams('sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z')), /at most one of sinceTime or sinceSeconds/);
  assert.throws(() => parseLogQuery(new URLSearchParams('sinceTime=yesterday')), /sinceTime/);
});

test('writeLogs() prints the log, joining partial lines, with timestamps, tail, since and byte limits', async () => {
  assert.equal(await logs({}), 'one\ntwo\nthree\n');
  assert.equal(await logs({ timestamps: true, tailLines: 1 }), '2026-01-01T00:00:03.5Z three\n');
  assert.equal(await logs({ sinceMs: Date.parse('2026-01-01T00:00:02Z') }), 'two\nthree\n');
  assert.equal(await logs({ limitBytes: 6 }), 'one\ntw');
  assert.equal(await logs({ tailLines: 0 }), '');
});

test('writeLogs() with follow and a tail skips all but the last lines that were there, then follows', async () => {
  const text = await logs({ follow: true, tailLines: 1 }, () => {
    const s = new PassThrough();
    s.write(lines.join(''));
    setTimeout(() => s.end('2026-01-01T00:00:04Z stdout F four\n'), 20);
    return s;
  });
  assert.equal(text, 'three\nfour\n');
});
