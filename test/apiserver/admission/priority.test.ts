import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry, StatusError } from '../../../src/api/index.js';
import { PriorityAdmission } from '../../../src/apiserver/admission/priority.js';
import { podBody, startAdmissionServer, type AdmissionServer } from './harness.js';

const registry = new ResourceRegistry();
const pods = registry.lookup('', 'v1', 'pods')!;
const classes = registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses')!;

function pc(name: string, value: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra };
}

async function createClass(s: AdmissionServer, body: Record<string, unknown>): Promise<void> {
  const r = await s.call('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

test('a pod naming a class gets its value and preemption policy', async () => {
  const s = await startAdmissionServer();
  try {
    await createClass(s, pc('batch', 1000, { preemptionPolicy: 'Never' }));
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { priorityClassName: 'batch' }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.priority, 1000);
    assert.equal(r.body.spec.preemptionPolicy, 'Never');
    assert.equal(r.body.spec.priorityClassName, 'batch');
  } finally {
    await s.close();
  }
});

test('an unknown class is 403 Forbidden with the upstream message', async () => {
  const s = await startAdmissionServer();
  try {
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { priorityClassName: 'nope' }));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, 'pods "p" is forbidden: no PriorityClass with name nope was found');
  } finally {
    await s.close();
  }
});

test('the system classes resolve built in: system-node-critical is 2000001000', async () => {
  const s = await startAdmissionServer();
  try {
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { priorityClassName: 'system-node-critical' }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.priority, 2000001000);
    const c = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('q', { priorityClassName: 'system-cluster-critical' }));
    assert.equal(c.body.spec.priority, 2000000000);
  } finally {
    await s.close();
  }
});

test('a pod without a class gets the global default class, or priority 0 without one', async () => {
  const s = await startAdmissionServer();
  try {
    const none = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('a'));
    assert.equal(none.body.spec.priority, 0);
    assert.equal(none.body.spec.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(none.body.spec.priorityClassName, undefined);
    await createClass(s, pc('everyone', 50, { globalDefault: true }));
    const dflt = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('b'));
    assert.equal(dflt.body.spec.priority, 50);
    assert.equal(dflt.body.spec.priorityClassName, 'everyone');
  } finally {
    await s.close();
  }
});

test('a priority in the pod spec that differs from the class is 403', async () => {
  const s = await startAdmissionServer();
  try {
    await createClass(s, pc('mid', 10));
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { priorityClassName: 'mid', priority: 11 }));
    assert.equal(r.status, 403);
    assert.equal(
      r.body.message,
      'pods "p" is forbidden: the integer value of priority (11) must not be provided in pod spec; priority admission controller computed 10 from the given PriorityClass name',
    );
    const same = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('q', { priorityClassName: 'mid', priority: 10 }));
    assert.equal(same.status, 201);
  } finally {
    await s.close();
  }
});

test('only one class may be the global default; the default itself may be updated', async () => {
  const s = await startAdmissionServer();
  try {
    await createClass(s, pc('first', 1, { globalDefault: true }));
    const r = await s.call('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', pc('second', 2, { globalDefault: true }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass first is already marked as default. Only one default can exist');
    const got = await s.call('GET', '/apis/scheduling.k8s.io/v1/priorityclasses/first');
    const upd = await s.call('PUT', '/apis/scheduling.k8s.io/v1/priorityclasses/first', { ...got.body, description: 'still default' });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    await createClass(s, pc('third', 3));
    const t = await s.call('GET', '/apis/scheduling.k8s.io/v1/priorityclasses/third');
    const mark = await s.call('PUT', '/apis/scheduling.k8s.io/v1/priorityclasses/third', { ...t.body, globalDefault: true });
    assert.equal(mark.status, 403);
  } finally {
    await s.close();
  }
});

test('value is immutable over HTTP: 422 with the upstream detail', async () => {
  const s = await startAdmissionServer();
  try {
    await createClass(s, pc('fixed', 5));
    const got = await s.call('GET', '/apis/scheduling.k8s.io/v1/priorityclasses/fixed');
    const r = await s.call('PUT', '/apis/scheduling.k8s.io/v1/priorityclasses/fixed', { ...got.body, value: 6 });
    assert.equal(r.status, 422);
    assert.match(r.body.message, /value: Forbidden: may not be changed in an update\./);
  } finally {
    await s.close();
  }
});

test('PriorityAdmission refuses deleting the system classes and keeps priority on pod updates', async () => {
  const p = new PriorityAdmission();
  const sys = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-cluster-critical' }, value: 2000000000 };
  await assert.rejects(p.admit({ def: classes, operation: 'DELETE', obj: sys, name: 'system-cluster-critical' }), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 403);
    assert.equal(e.message, 'priorityclasses.scheduling.k8s.io "system-cluster-critical" is forbidden: this is a system priority class and cannot be deleted');
    return true;
  });
  await p.admit({ def: classes, operation: 'DELETE', obj: { ...sys, metadata: { name: 'mine' } }, name: 'mine' });
  const old = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'd' }, spec: { priority: 7, preemptionPolicy: 'Never' } };
  const next = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'd' }, spec: {} as Record<string, unknown> };
  await p.admit({ def: pods, operation: 'UPDATE', obj: next, old, name: 'x', namespace: 'd' });
  assert.deepEqual(next.spec, { priority: 7, preemptionPolicy: 'Never' });
});
