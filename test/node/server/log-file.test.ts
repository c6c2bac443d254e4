import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLogFile } from '../../../src/node/server/log-file.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

test('readLogFile() reads the whole file, and a missing one as empty', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, '0.log');
  writeFileSync(file, '2026-01-01T00:00:00Z stdout F a\n');
  assert.equal(await readAll(readLogFile(file, { follow: false })), '2026-01-01T00:00:00Z stdout F a\n');
  assert.equal(await readAll(readLogFile(path.join(dir, 'none.log'), { follow: false })), '');
});

test('readLogFile() with follow adds what is appended until the container stops', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, '0.log');
  writeFileSync(file, 'first\n');
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const reading = readAll(readLogFile(file, { follow: true, stopped }));
  await new Promise((r) => setTimeout(r, 100));
  appendFileSync(file, 'second\n');
  await new Promise((r) => setTimeout(r, 100));
  appendFileSync(file, 'last\n');
  stop();
  assert.equal(await reading, 'first\nsecond\nlast\n');
});
