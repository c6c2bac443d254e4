import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LogBackend } from '../../../src/apiserver/audit/log-backend.js';
import type { AuditEvent } from '../../../src/apiserver/audit/types.js';

function event(n: number): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${String(n).padStart(4, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'list',
    user: { username: 'admin', groups: ['system:masters'] },
    sourceIPs: ['127.0.0.1'],
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2024-05-01T12:00:00.000000Z',
    stageTimestamp: '2024-05-01T12:00:00.001000Z',
  };
}

const lineBytes = Buffer.byteLength(JSON.stringify(event(0)) + '\n');

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'wharf-audit-log-'));
}

function ids(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as AuditEvent).auditID);
}

describe('LogBackend', () => {
  test('writes one JSON line per event, creating the directory', async () => {
    const d = dir();
    const path = join(d, 'audit', 'audit.log');
    const log = new LogBackend({ path });
    log.processEvents([event(1), event(2)]);
    log.processEvents([event(3)]);
    // Written off the event loop, soon after the turn: before close.
    for (let i = 0; i < 200 && !(existsSync(path) && ids(path).length === 3); i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(ids(path), ['id-0001', 'id-0002', 'id-0003'], 'written before close');
    await log.close();
    assert.equal((statSync(path).mode & 0o777).toString(8), '600', 'audit logs are readable by the owner only');
  });

  test('close() writes what is still buffered', async () => {
    const path = join(dir(), 'audit.log');
    const log = new LogBackend({ path });
    for (let i = 0; i < 50; i++) log.processEvents([event(i)]);
    await log.close();
    assert.equal(ids(path).length, 50);
    log.processEvents([event(99)]);
    assert.equal(ids(path).length, 50, 'nothing is accepted after close');
  });

  test('appends to an existing file', async () => {
    const path = join(dir(), 'audit.log');
    writeFileSync(path, JSON.stringify(event(0)) + '\n');
    const log = new LogBackend({ path });
    log.processEvents([event(1)]);
    await log.close();
    assert.deepEqual(ids(path), ['id-0000', 'id-0001']);
  });

  test('rotates past maxSize to audit-<timestamp>.log and keeps maxBackups files', async () => {
    const d = dir();
    const path = join(d, 'audit.log');
    // Three events fit in a file.
    const log = new LogBackend({ path, maxSizeMB: (lineBytes * 3.5) / (1024 * 1024), maxBackups: 2 });
    for (let i = 0; i < 20; i++) {
      log.processEvents([event(i)]);
      if (i % 2 === 1) await nextTurn();
    }
    await log.close();
    const files = readdirSync(d).sort();
    const backups = files.filter((f) => f !== 'audit.log');
    assert.equal(backups.length, 2, files.join(' '));
    for (const b of backups) assert.match(b, /^audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log$/);
    for (const f of files) assert.ok(statSync(join(d, f)).size <= lineBytes * 3.5, `${f} passed the limit`);
    // The newest events survive, in order, across the kept backups and the live file.
    const kept = [...backups.flatMap((b) => ids(join(d, b))), ...ids(path)];
    assert.deepEqual(kept, Array.from({ length: kept.length }, (_, k) => `id-${String(20 - kept.length + k).padStart(4, '0')}`));
    assert.equal(kept.length, 2 * 3 + 2, 'two full backups and the live file with the last two events');
  });

  test('rotates inside one large flush too, and maxBackups 0 keeps every file', async () => {
    const d = dir();
    const path = join(d, 'audit.log');
    const log = new LogBackend({ path, maxSizeMB: (lineBytes * 2) / (1024 * 1024) });
    log.processEvents(Array.from({ length: 10 }, (_, i) => event(i)));
    await log.close();
    const files = readdirSync(d).sort();
    assert.equal(files.length, 5, files.join(' '));
    const all = [...files.filter((f) => f !== 'audit.log').flatMap((b) => ids(join(d, b))), ...ids(path)];
    assert.equal(all.length, 10, 'no event lost to rotation');
    assert.deepEqual([...all].sort(), all);
  });

  test('many turns of events land whole and in order', async () => {
    const path = join(dir(), 'audit.log');
    const log = new LogBackend({ path });
    for (let i = 0; i < 2000; i++) {
      log.processEvents([event(i)]);
      if (i % 7 === 0) await nextTurn();
    }
    await log.close();
    assert.deepEqual(ids(path), Array.from({ length: 2000 }, (_, i) => `id-${String(i).padStart(4, '0')}`));
  });

  test('a process that exits without close() loses no accepted event, whatever is being written then', () => {
    const d = dir();
    const path = join(d, 'audit.log');
    // The module this test runs against: the TypeScript under tsx, the JavaScript from dist.
    const backendModule = new URL(`../../../src/apiserver/audit/log-backend.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href;
    // The child logs events over several turns, then exits at once: some chunks are queued, one is being written.
    const script = `
      import { LogBackend } from ${JSON.stringify(backendModule)};
      const log = new LogBackend({ path: ${JSON.stringify(path)}, maxSizeMB: 0.05 });
      const ev = (n) => ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'id-' + String(n).padStart(4, '0'), stage: 'ResponseComplete', requestURI: '/x'.repeat(100) });
      let n = 0;
      const turn = () => {
        for (let i = 0; i < 100; i++) log.processEvents([ev(n++)]);
        if (n < 1000) setImmediate(turn);
        else process.exit(0);
      };
      turn();
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(d).sort();
    assert.ok(files.length > 1, `the child rotated: ${files.join(' ')}`);
    const all = [...files.filter((f) => f !== 'audit.log').flatMap((b) => ids(join(d, b))), ...ids(path)];
    assert.deepEqual(all, Array.from({ length: 1000 }, (_, i) => `id-${String(i).padStart(4, '0')}`));
  });

  test('a write error is reported, not thrown', async () => {
    const d = dir();
    writeFileSync(join(d, 'file'), '');
    const errors: Error[] = [];
    const log = new LogBackend({ path: join(d, 'file', 'audit.log'), onError: (e) => errors.push(e) });
    assert.doesNotThrow(() => log.processEvents([event(1)]));
    await log.close();
    assert.equal(errors.length, 1);
  });
});
