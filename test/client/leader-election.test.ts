import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { LeaderElector, type LeaderElectorOptions } from '../../src/client/leader-election.js';
import { eventually, leases, quiet, startApi } from './fixtures.js';
import type { ApiClient } from '../../src/client/api-client.js';

const timings = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

interface Candidate {
  elector: LeaderElector;
  abort: AbortController;
  running: Promise<void>;
  started: number;
  stopped: number;
  leadershipSignal?: AbortSignal;
}

function candidate(client: ApiClient, identity: string, extra: Partial<LeaderElectorOptions> = {}): Candidate {
  const c: Candidate = { abort: new AbortController(), started: 0, stopped: 0 } as Candidate;
  c.elector = new LeaderElector(client, {
    namespace: 'kube-system',
    name: 'wharf-test',
    identity,
    ...timings,
    logger: quiet,
    onStartedLeading: (signal) => {
      c.started++;
      c.leadershipSignal = signal;
    },
    onStoppedLeading: () => void c.stopped++,
    ...extra,
  });
  c.running = c.elector.run(c.abort.signal);
  return c;
}

async function holder(client: ApiClient): Promise<{ holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number }> {
  const lease = await client.get<KubeObject & { spec: { holderIdentity?: string } }>(leases, 'wharf-test', { namespace: 'kube-system' });
  return lease.spec;
}

test('LeaderElector: one of two candidates leads; the other takes over at once when it stops and releases', async () => {
  const api = await startApi();
  try {
    const a = candidate(api.client, 'a');
    await eventually(() => a.elector.isLeader(), 5000, 'a leads');
    const b = candidate(api.client, 'b');
    // Several renew periods pass: a keeps the lease, b keeps waiting.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(a.elector.isLeader(), true);
    assert.equal(b.elector.isLeader(), false);
    assert.equal(b.elector.leader, 'a');
    assert.equal((await holder(api.client)).holderIdentity, 'a');

    const t0 = Date.now();
    a.abort.abort();
    await a.running;
    assert.equal(a.stopped, 1);
    assert.equal(a.leadershipSignal?.aborted, true, 'the leader’s work is told to stop');
    await eventually(() => b.elector.isLeader(), 5000, 'b takes over');
    assert.ok(Date.now() - t0 < 900, 'a released lease needs no waiting out');
    const spec = await holder(api.client);
    assert.equal(spec.holderIdentity, 'b');
    assert.equal(spec.leaseTransitions, 1);
    assert.equal(b.started, 1);
    b.abort.abort();
    await b.running;
    assert.equal((await holder(api.client)).holderIdentity, '');
  } finally {
    await api.close();
  }
});

test('LeaderElector: a leader that vanishes without releasing is replaced after the lease duration', async () => {
  const api = await startApi();
  try {
    const a = candidate(api.client, 'a', { releaseOnCancel: false });
    await eventually(() => a.elector.isLeader(), 5000, 'a leads');
    const b = candidate(api.client, 'b');
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    a.abort.abort(); // stops renewing, keeps the lease as it was: like a killed process
    await a.running;
    assert.equal((await holder(api.client)).holderIdentity, 'a');
    await eventually(() => b.elector.isLeader(), 5000, 'b takes over');
    assert.ok(Date.now() - t0 >= 700, `took over after ${Date.now() - t0} ms, before the lease ran out`);
    assert.equal((await holder(api.client)).holderIdentity, 'b');
    b.abort.abort();
    await b.running;
  } finally {
    await api.close();
  }
});

test('LeaderElector: a leader that cannot renew within the deadline steps down', async () => {
  const api = await startApi();
  try {
    const a = candidate(api.client, 'a');
    await eventually(() => a.elector.isLeader(), 5000, 'a leads');
    await api.stopServer();
    await a.running; // run() returns once leadership is lost
    assert.equal(a.elector.isLeader(), false);
    assert.equal(a.stopped, 1);
    assert.equal(a.leadershipSignal?.aborted, true);
    await api.restartServer();
  } finally {
    await api.close();
  }
});

test('LeaderElector rejects timings that cannot work', () => {
  const base = { namespace: 'n', name: 'l', identity: 'x', onStartedLeading: () => {} };
  assert.throws(() => new LeaderElector({} as ApiClient, { ...base, leaseDurationMs: 1000, renewDeadlineMs: 1000 }), RangeError);
  assert.throws(() => new LeaderElector({} as ApiClient, { ...base, renewDeadlineMs: 1000, retryPeriodMs: 900 }), RangeError);
  assert.throws(() => new LeaderElector({} as ApiClient, { ...base, identity: '' }), TypeError);
});
