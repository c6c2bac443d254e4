import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../src/api/index.js';
import { statusPatch, truncateMessage } from '../../../src/scheduler/api/cluster-writer.js';

const failure = { reason: 'Unschedulable' as const, message: '0/3 nodes are available: 3 Insufficient cpu.' };

test('truncateMessage() keeps 1024 characters, ending a longer message with " ..."', () => {
  assert.equal(truncateMessage('short'), 'short');
  const exact = 'x'.repeat(1024);
  assert.equal(truncateMessage(exact), exact);
  const long = truncateMessage('y'.repeat(2000));
  assert.equal(long.length, 1024);
  assert.ok(long.endsWith('y ...'));
});

test('statusPatch() sets PodScheduled=False once and then only when the message or nomination changes', () => {
  const pod: Pod = { metadata: { name: 'p' }, status: { phase: 'Pending' } };
  const first = statusPatch(pod, failure)!;
  const conditions = first.status.conditions as Record<string, unknown>[];
  assert.equal(conditions.length, 1);
  assert.deepEqual(
    { type: conditions[0]!.type, status: conditions[0]!.status, reason: conditions[0]!.reason, message: conditions[0]!.message, lastProbeTime: conditions[0]!.lastProbeTime },
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: failure.message, lastProbeTime: null },
  );
  assert.match(String(conditions[0]!.lastTransitionTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal('nominatedNodeName' in first.status, false);

  const written: Pod = { ...pod, status: { ...pod.status, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: failure.message, lastTransitionTime: '2020-01-01T00:00:00Z' }] } };
  assert.equal(statusPatch(written, failure), undefined, 'nothing new to write');

  const changed = statusPatch(written, { ...failure, message: 'other' })!;
  assert.equal((changed.status.conditions as { lastTransitionTime: string }[])[0]!.lastTransitionTime, '2020-01-01T00:00:00Z', 'the transition time stays while the status does');

  const nominated = statusPatch(written, { ...failure, nominatedNodeName: 'n1' })!;
  assert.deepEqual(nominated, { status: { nominatedNodeName: 'n1' } });
  const cleared = statusPatch({ ...written, status: { ...written.status, nominatedNodeName: 'n1' } }, { ...failure, nominatedNodeName: '' })!;
  assert.deepEqual(cleared, { status: { nominatedNodeName: null } });
});

test('ClusterWriter.bindVolumes() writes selected-node within the in-flight limit and skips claims that already name the node', async () => {
  const { ClusterWriter } = await import('../../../src/scheduler/api/cluster-writer.js');
  const { EventSink } = await import('../../../src/scheduler/api/event-sink.js');
  type Client = ConstructorParameters<typeof ClusterWriter>[0]['client'];
  let running = 0;
  let maxRunning = 0;
  const patched: { name: string; body: unknown }[] = [];
  const client = {
    async patch(_r: unknown, name: string, body: unknown): Promise<unknown> {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      patched.push({ name, body });
      // The PV controller binds the claim soon after; bindVolumes waits for that.
      setTimeout(() => {
        claims[name] = boundClaim(name);
        writer.claimChanged(`ns/${name}`);
      }, 20);
      return {};
    },
  } as unknown as Client;
  const boundClaim = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, annotations: { 'volume.kubernetes.io/selected-node': 'n1', 'pv.kubernetes.io/bind-completed': 'yes' } },
    spec: { volumeName: `pv-${name}` },
  });
  const claims: Record<string, KubeObject> = Object.fromEntries(
    ['a', 'b', 'c', 'd', 'e'].map((n) => [n, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: n } }]),
  );
  claims.done = boundClaim('done');
  const writer = new ClusterWriter({
    client,
    events: new EventSink(() => {
      throw new Error('no events expected');
    }),
    currentPod: () => ({}),
    currentClaim: (_ns, name) => claims[name],
    currentVolume: () => undefined,
    logger: () => {},
    maxInFlight: 2,
  });
  const decision = (claim: string) => ({ staticBindings: new Map<string, string>(), provision: [`ns/${claim}`], selectedNode: 'n1' });
  const started = Date.now();
  await Promise.all([...['a', 'b', 'c', 'd', 'e', 'done'].map((c) => writer.bindVolumes({ metadata: { name: `p-${c}` } }, 'n1', decision(c)))]);
  // Woken by claimChanged, not by the once-a-second look.
  assert.ok(Date.now() - started < 900, `bindings waited ${Date.now() - started} ms`);
  assert.equal(maxRunning, 2);
  assert.deepEqual(patched.map((p) => p.name).sort(), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(patched[0]!.body, { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'n1' } } });
});
