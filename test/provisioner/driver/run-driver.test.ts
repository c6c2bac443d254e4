import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runDriver } from '../../../src/provisioner/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wharf-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

test('runDriver() passes the verb and JSON and reads the answer, even below log lines', async () => {
  const echo = script('echo.sh', 'echo "working on $1"\necho "{\\"status\\":\\"Success\\",\\"message\\":$2}"');
  const out = await runDriver(echo, 'provision', 'hello');
  assert.deepEqual(out, { ok: true, answer: { status: 'Success', message: 'hello' } });
});

test('runDriver() reports a timeout, a crash, garbage and a bare non-zero exit as failures that say which', async () => {
  const hang = await runDriver(script('hang.sh', 'sleep 30'), 'provision', {}, { timeoutMs: 300 });
  assert.equal(hang.ok, false);
  assert.match(hang.ok ? '' : hang.message, /timed out after 0\.3 s/);
  const crash = await runDriver(script('crash.sh', 'echo boom >&2; kill -SEGV $$'), 'provision', {});
  assert.match(crash.ok ? '' : crash.message, /crashed \(SIGSEGV\): boom/);
  const garbage = await runDriver(script('garbage.sh', 'echo "<html>nope</html>"'), 'provision', {});
  assert.match(garbage.ok ? '' : garbage.message, /printed no JSON answer with a status: <html>nope<\/html>/);
  const exit = await runDriver(script('exit.sh', 'echo "disk gone" >&2; exit 3'), 'delete', {});
  assert.match(exit.ok ? '' : exit.message, /delete exited with code 3: disk gone/);
  const missing = await runDriver(path.join(dir, 'absent'), 'provision', {});
  assert.match(missing.ok ? '' : missing.message, /could not be started/);
});

test('runDriver() keeps a Failure answer that comes with a non-zero exit', async () => {
  const failing = script('fail.sh', 'echo \'{"status":"Failure","message":"quota exceeded"}\'; exit 1');
  assert.deepEqual(await runDriver(failing, 'provision', {}), { ok: true, answer: { status: 'Failure', message: 'quota exceeded' } });
});
