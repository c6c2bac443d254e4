import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPlan, maximumPollingDurationMs, pollingExpired, pollUntilDone } from '../../../src/catalog/osb/polling.js';
import type { LastOperationResult } from '../../../src/catalog/osb/types.js';
import { exampleCatalog, EXAMPLE_SERVICE_ID, LARGE_PLAN_ID, SMALL_PLAN_ID } from '../../../src/catalog/brokers/example-catalog.js';

test('findPlan() and maximumPollingDurationMs() read the plan from a catalog', () => {
  const catalog = exampleCatalog();
  assert.equal(findPlan(catalog, EXAMPLE_SERVICE_ID, LARGE_PLAN_ID)?.plan.name, 'large');
  assert.equal(findPlan(catalog, EXAMPLE_SERVICE_ID, 'nope'), undefined);
  assert.equal(maximumPollingDurationMs(findPlan(catalog, EXAMPLE_SERVICE_ID, LARGE_PLAN_ID)?.plan), 600_000);
  assert.equal(maximumPollingDurationMs(findPlan(catalog, EXAMPLE_SERVICE_ID, SMALL_PLAN_ID)?.plan), undefined);
  assert.equal(maximumPollingDurationMs(undefined), undefined);
});

test('pollingExpired() fails the operation, with orphan mitigation except for an update', () => {
  const p = pollingExpired('provision', 30_000, 'rid');
  assert.equal(p.kind, 'failed');
  assert.equal(p.reason, 'operationFailed');
  assert.equal(p.orphanMitigation, true);
  assert.equal(p.requestIdentity, 'rid');
  assert.match(p.description, /within its maximum polling duration of 30 s/);
  assert.equal(pollingExpired('bind', 1000).orphanMitigation, true);
  const u = pollingExpired('update', 1000);
  assert.equal(u.orphanMitigation, false);
  assert.equal(u.updateRepeatable, true);
});

function scripted(results: LastOperationResult[]): { poll: () => Promise<LastOperationResult>; calls: number[] } {
  const calls: number[] = [];
  let i = 0;
  return {
    calls,
    poll: async () => {
      calls.push(Date.now());
      return results[Math.min(i++, results.length - 1)]!;
    },
  };
}

test('pollUntilDone() polls through inProgress and pollAgain until a final answer, honouring Retry-After', async () => {
  const s = scripted([
    { kind: 'inProgress', retryAfterMs: 120, requestIdentity: 'a' },
    { kind: 'pollAgain', status: 500, description: 'x', requestIdentity: 'b' },
    { kind: 'succeeded', requestIdentity: 'c' },
  ]);
  const seen: string[] = [];
  const r = await pollUntilDone(s.poll, { operation: 'provision', intervalMs: 5, onResult: (x) => seen.push(x.kind) });
  assert.equal(r.kind, 'succeeded');
  assert.deepEqual(seen, ['inProgress', 'pollAgain', 'succeeded']);
  assert.ok(s.calls[1]! - s.calls[0]! >= 110, `waited ${s.calls[1]! - s.calls[0]!} ms after Retry-After 120 ms`);
});

test('pollUntilDone() caps a long Retry-After at maxIntervalMs and gives up at maxDurationMs', async () => {
  const s = scripted([{ kind: 'inProgress', retryAfterMs: 3_600_000, requestIdentity: 'a' }]);
  const started = Date.now();
  const r = await pollUntilDone(s.poll, { operation: 'deprovision', maxIntervalMs: 30, maxDurationMs: 200 });
  assert.equal(r.kind, 'failed');
  assert.equal(r.kind === 'failed' && r.orphanMitigation, true);
  assert.ok(Date.now() - started < 2000);
  assert.ok(s.calls.length >= 3, `polled ${s.calls.length} times`);
});

test('pollUntilDone() stops when its signal aborts', async () => {
  const s = scripted([{ kind: 'inProgress', requestIdentity: 'a' }]);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(pollUntilDone(s.poll, { operation: 'provision', intervalMs: 1000, signal: ac.signal }), { name: 'AbortError' });
});
