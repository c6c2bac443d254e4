import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareForDeletion, isPodActive, isPodAvailable, type RankedPod } from '../../../src/controllers/internal/pod-util.js';
import type { Pod } from '../../../src/controllers/internal/types.js';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const now = Date.parse('2024-05-01T12:00:00Z');

function pod(name: string, o: { node?: string; phase?: string; readySince?: number; restarts?: number; created?: number; cost?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: iso(o.created ?? now - 3600_000), ...(o.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}) },
    spec: { containers: [{ name: 'c' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: iso(o.readySince) }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0, image: 'x', imageID: '', ready: true }],
    },
  } as Pod;
}

function order(pods: RankedPod[]): string[] {
  return [...pods].sort((a, b) => compareForDeletion(a, b, now)).map((r) => r.pod.metadata.name!);
}

test('compareForDeletion() puts unassigned, then pending, then not-ready pods first', () => {
  const ranked = [
    { pod: pod('ready', { node: 'n', readySince: now - 60_000 }), rank: 0 },
    { pod: pod('unassigned', { phase: 'Pending' }), rank: 0 },
    { pod: pod('pending', { node: 'n', phase: 'Pending' }), rank: 0 },
    { pod: pod('unknown', { node: 'n', phase: 'Unknown' }), rank: 0 },
    { pod: pod('not-ready', { node: 'n' }), rank: 0 },
  ];
  assert.deepEqual(order(ranked), ['unassigned', 'pending', 'unknown', 'not-ready', 'ready']);
});

test('compareForDeletion() prefers low deletion cost, doubled-up nodes, short readiness, restarts, then newer pods', () => {
  const ready = now - 3600_000;
  assert.deepEqual(order([{ pod: pod('costly', { node: 'n', readySince: ready, cost: '100' }), rank: 0 }, { pod: pod('cheap', { node: 'n', readySince: ready, cost: '-5' }), rank: 0 }]), ['cheap', 'costly']);
  assert.deepEqual(order([{ pod: pod('alone', { node: 'a', readySince: ready }), rank: 1 }, { pod: pod('crowded', { node: 'b', readySince: ready }), rank: 3 }]), ['crowded', 'alone']);
  // Ready for 10 s against 1 h: far apart in log buckets, so the recent one goes first.
  assert.deepEqual(order([{ pod: pod('old', { node: 'n', readySince: now - 3600_000 }), rank: 0 }, { pod: pod('fresh', { node: 'n', readySince: now - 10_000 }), rank: 0 }]), ['fresh', 'old']);
  assert.deepEqual(order([{ pod: pod('calm', { node: 'n', readySince: ready }), rank: 0 }, { pod: pod('flappy', { node: 'n', readySince: ready, restarts: 4 }), rank: 0 }]), ['flappy', 'calm']);
  assert.deepEqual(order([{ pod: pod('older', { node: 'n', readySince: ready, created: now - 7200_000 }), rank: 0 }, { pod: pod('newer', { node: 'n', readySince: ready, created: now - 60_000 }), rank: 0 }]), ['newer', 'older']);
});

test('isPodAvailable() needs readiness for minReadySeconds; isPodActive() excludes finished and deleting pods', () => {
  const p = pod('p', { node: 'n', readySince: now - 5_000 });
  assert.equal(isPodAvailable(p, 0, now), true);
  assert.equal(isPodAvailable(p, 5, now), true);
  assert.equal(isPodAvailable(p, 6, now), false);
  assert.equal(isPodAvailable(pod('nr', { node: 'n' }), 0, now), false);
  assert.equal(isPodActive(pod('done', { phase: 'Succeeded' })), false);
  assert.equal(isPodActive({ ...p, metadata: { ...p.metadata, deletionTimestamp: iso(now) } }), false);
  assert.equal(isPodActive(p), true);
});
