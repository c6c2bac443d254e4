import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  equalIgnoreHash,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  resolveFenceposts,
  setNewReplicaSetAnnotations,
  type Deployment,
} from '../../../src/controllers/deployment/deployment-util.js';
import { podTemplateHash } from '../../../src/controllers/deployment/pod-template-hash.js';
import type { ReplicaSet } from '../../../src/controllers/internal/types.js';

function d(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', annotations: { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { replicas, template: { metadata: { labels: { app: 'd' } } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
  };
}

function rs(name: string, replicas: number, annotations: Record<string, string> = {}): ReplicaSet {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, annotations }, spec: { replicas, template: { metadata: { labels: { app: 'd', 'pod-template-hash': 'x' } } } } };
}

test('resolveFenceposts() rounds surge up and unavailability down, never both zero', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, '10%', 5), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(2, 0, 5), { surge: 2, unavailable: 0 });
  assert.throws(() => resolveFenceposts('2', 0, 5), /not a percentage/);
  assert.equal(maxUnavailable(d(3, 0, 5)), 3, 'capped at replicas');
  assert.equal(maxSurge({ ...d(3), spec: { ...d(3).spec, strategy: { type: 'Recreate' } } }), 0);
});

test('newRSNewReplicas() scales the new ReplicaSet up to the surge limit', () => {
  const dep = d(4, 1, 1);
  const old = rs('old', 4);
  const fresh = rs('new', 0);
  assert.equal(newRSNewReplicas(dep, [old, fresh], fresh), 1);
  assert.equal(newRSNewReplicas(dep, [rs('old', 3), rs('new', 1)], rs('new', 1)), 2);
  assert.equal(newRSNewReplicas(dep, [rs('old', 4), rs('new', 1)], rs('new', 1)), 1, 'already at 5 pods');
});

test('proportion() shares a scale-up by size against the max-replicas annotation', () => {
  // 10 replicas at maxSurge 3 (13 allowed) scaled to 20 (25 allowed): 12 more pods to share.
  const dep = d(20, 3, 2);
  const big = rs('big', 8, { 'deployment.kubernetes.io/max-replicas': '13' });
  const small = rs('small', 5, { 'deployment.kubernetes.io/max-replicas': '13' });
  const toAdd = 25 - 13;
  const a = proportion(dep, big, toAdd, 0);
  const b = proportion(dep, small, toAdd, a);
  assert.equal(a, Math.round((8 * 23) / 13) - 8);
  assert.equal(b, Math.min(Math.round((5 * 23) / 13) - 5, toAdd - a));
  assert.equal(proportion(dep, rs('empty', 0), toAdd, 0), 0);
});

test('setNewReplicaSetAnnotations() copies annotations but kubectl\'s, and moves the old revision to the history', () => {
  const r = rs('r', 1, { 'deployment.kubernetes.io/revision': '1' });
  assert.equal(setNewReplicaSetAnnotations(d(1), r, 3, true), true);
  assert.equal(r.metadata.annotations!.team, 'a');
  assert.equal(r.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'], undefined);
  assert.equal(r.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
  assert.equal(r.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(setNewReplicaSetAnnotations(d(1), r, 3, true), false, 'nothing left to change');
  const fresh = rs('f', 0);
  setNewReplicaSetAnnotations(d(4, 1, 1), fresh, 1, false);
  assert.equal(fresh.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '4');
  assert.equal(fresh.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '5');
});

test('equalIgnoreHash() and podTemplateHash(): the hash label does not count; the collision count changes the hash', () => {
  const t = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const withHash = { metadata: { labels: { app: 'd', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  assert.equal(equalIgnoreHash(t, withHash), true);
  assert.equal(equalIgnoreHash(t, { ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), false);
  const h = podTemplateHash(t);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(podTemplateHash(structuredClone(t)), h);
  assert.notEqual(podTemplateHash(t, 1), h);
  assert.notEqual(podTemplateHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), h);
});
