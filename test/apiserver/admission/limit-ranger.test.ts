import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { applyLimitRangeDefaults, claimLimitViolations, podLimitViolations } from '../../../src/apiserver/admission/limit-ranger.js';
import { podBody, startAdmissionServer } from './harness.js';

function limitRange(limits: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'default' }, spec: { limits } };
}

function pod(containers: unknown[], initContainers?: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers, ...(initContainers ? { initContainers } : {}) } };
}

test('applyLimitRangeDefaults() fills missing container requests and limits and says so in an annotation', () => {
  const lr = limitRange([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]);
  const p = pod([{ name: 'a', image: 'x', resources: { limits: { memory: '1Gi' } } }], [{ name: 'i', image: 'x' }]);
  applyLimitRangeDefaults(lr, p);
  const spec = p.spec as { containers: { resources: unknown }[]; initContainers: { resources: unknown }[] };
  assert.deepEqual(spec.containers[0].resources, { limits: { memory: '1Gi', cpu: '500m' }, requests: { cpu: '100m' } });
  assert.deepEqual(spec.initContainers[0].resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } });
  assert.equal(
    p.metadata.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu request for container a; cpu limit for container a; cpu request for init container i; cpu, memory limit for init container i',
  );
});

test('podLimitViolations() reports min, max and ratio failures as Kubernetes words them', () => {
  const lr = limitRange([{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1', memory: '1Gi' }, maxLimitRequestRatio: { cpu: '2' } }]);
  assert.deepEqual(podLimitViolations(lr, pod([{ name: 'a', resources: { requests: { cpu: '50m' }, limits: { cpu: '2', memory: '512Mi' } } }])), [
    'minimum cpu usage per Container is 100m, but request is 50m',
    'maximum cpu usage per Container is 1, but limit is 2',
    'cpu max limit to request ratio per Container is 2, but provided ratio is 40.000000',
  ]);
  assert.deepEqual(podLimitViolations(lr, pod([{ name: 'a', resources: {} }])), [
    'minimum cpu usage per Container is 100m.  No request is specified',
    'maximum cpu usage per Container is 1.  No limit is specified',
    'maximum memory usage per Container is 1Gi.  No limit is specified',
    'cpu max limit to request ratio per Container is 2, but no request is specified or request is 0',
  ]);
  const podType = limitRange([{ type: 'Pod', max: { memory: '1Gi' } }]);
  const two = pod([
    { name: 'a', resources: { limits: { memory: '768Mi' } } },
    { name: 'b', resources: { limits: { memory: '512Mi' } } },
  ]);
  assert.deepEqual(podLimitViolations(podType, two), ['maximum memory usage per Pod is 1Gi, but limit is 1280Mi']);
});

test('claimLimitViolations() bounds a claim\'s storage request', () => {
  const lr = limitRange([{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }]);
  const claim = (storage: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { resources: { requests: { storage } } } });
  assert.deepEqual(claimLimitViolations(lr, claim('5Gi')), []);
  assert.deepEqual(claimLimitViolations(lr, claim('20Gi')), ['maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi']);
  assert.deepEqual(claimLimitViolations(lr, claim('500Mi')), ['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi']);
});

test('through HTTP: a LimitRange defaults pods in its namespace and refuses those over its max with 403', async () => {
  const s = await startAdmissionServer();
  try {
    const created = await s.call('POST', '/api/v1/namespaces/default/limitranges', {
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' },
      spec: { limits: [{ type: 'Container', max: { cpu: '1' }, defaultRequest: { cpu: '200m' } }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // Kubernetes defaults a container's limit to the max, and keeps the given default request.
    assert.deepEqual(created.body.spec.limits[0].default, { cpu: '1' });
    assert.deepEqual(created.body.spec.limits[0].defaultRequest, { cpu: '200m' });

    const p = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p'));
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.deepEqual(p.body.spec.containers[0].resources, { limits: { cpu: '1' }, requests: { cpu: '200m' } });
    assert.equal(p.body.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container c; cpu limit for container c');

    // A limit given only as a limit becomes the request as well, as decoding defaults it upstream.
    const limitOnly = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('lo', { containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '500m' } } }] }));
    assert.deepEqual(limitOnly.body.spec.containers[0].resources.requests, { cpu: '500m' });

    const big = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('big', { containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '2' } } }] }));
    assert.equal(big.status, 403);
    assert.equal(big.body.message, 'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
    assert.equal((await s.call('GET', '/api/v1/namespaces/default/pods/big')).status, 404);
  } finally {
    await s.close();
  }
});

test('through HTTP: an invalid LimitRange is 422 and `limits` names the resource', async () => {
  const s = await startAdmissionServer();
  try {
    const r = await s.call('POST', '/api/v1/namespaces/default/limitranges', {
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'bad' }, spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] },
    });
    assert.equal(r.status, 422);
    assert.match(r.body.message, /^LimitRange "bad" is invalid: \[?spec\.limits\[0\]\.min\[cpu\]: Invalid value: "2": min value 2 is greater than max value 1/);
    const list = await s.call('GET', '/api/v1');
    const lr = list.body.resources.find((x: { name: string }) => x.name === 'limitranges');
    assert.deepEqual(lr.shortNames, ['limits']);
  } finally {
    await s.close();
  }
});
