import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, pod, startServer, type TestServer } from './fixtures.js';

describe('subresources over HTTP', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });
  const deps = '/apis/apps/v1/namespaces/default/deployments';
  const pods = '/api/v1/namespaces/default/pods';

  test('status: GET reads the object; PUT changes only status; PATCH merges into status', async () => {
    assert.equal((await srv.call('POST', deps, deployment('st'))).status, 201);
    const got = await srv.call('GET', `${deps}/st/status`);
    assert.equal(got.status, 200);
    assert.equal(got.body.kind, 'Deployment');
    const body = { ...got.body, spec: { ...got.body.spec, replicas: 7 }, status: { replicas: 1, observedGeneration: 1 } };
    const put = await srv.call('PUT', `${deps}/st/status`, body);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.status, { replicas: 1, observedGeneration: 1 });
    assert.equal(put.body.spec.replicas, 1, 'spec is not written through status');
    const patched = await srv.call('PATCH', `${deps}/st/status`, { status: { readyReplicas: 1 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.status, { replicas: 1, observedGeneration: 1, readyReplicas: 1 });
    const stale = await srv.call('PUT', `${deps}/st/status`, { ...put.body, status: { replicas: 9 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    const none = await srv.call('GET', '/api/v1/namespaces/default/configmaps/x/status');
    assert.equal(none.status, 404);
  });

  test('status: a patch that changes nothing writes nothing (same resourceVersion); a status PUT without finalizers does not finish a deletion', async () => {
    assert.equal((await srv.call('POST', deps, deployment('same'))).status, 201);
    const merge = { 'content-type': 'application/merge-patch+json' };
    const first = await srv.call('PATCH', `${deps}/same/status`, { status: { replicas: 2 } }, merge);
    assert.equal(first.status, 200, first.text);
    const again = await srv.call('PATCH', `${deps}/same/status`, { status: { replicas: 2 } }, merge);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
    assert.deepEqual(again.body.metadata.managedFields, first.body.metadata.managedFields);

    const held = { ...deployment('held'), metadata: { ...deployment('held').metadata, finalizers: ['example.com/hold'] } };
    assert.equal((await srv.call('POST', deps, held)).status, 201);
    assert.equal((await srv.call('DELETE', `${deps}/held`)).status, 202, 'accepted: the finalizer holds it');
    const terminating = await srv.call('GET', `${deps}/held`);
    const { finalizers: _dropped, ...metadata } = terminating.body.metadata;
    const put = await srv.call('PUT', `${deps}/held/status`, { ...terminating.body, metadata, status: { replicas: 1 } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.metadata.finalizers, ['example.com/hold'], 'status writes keep the finalizers');
    assert.equal((await srv.call('GET', `${deps}/held`)).status, 200, 'still there, terminating');
  });

  test('scale: GET shows an autoscaling/v1 Scale; PUT and PATCH set spec.replicas', async () => {
    assert.equal((await srv.call('POST', deps, deployment('sc', 2))).status, 201);
    const got = await srv.call('GET', `${deps}/sc/scale`);
    assert.equal(got.status, 200);
    assert.equal(got.body.kind, 'Scale');
    assert.equal(got.body.apiVersion, 'autoscaling/v1');
    assert.equal(got.body.metadata.name, 'sc');
    assert.deepEqual(got.body.spec, { replicas: 2 });
    assert.deepEqual(got.body.status, { replicas: 0, selector: 'app=sc' });
    const put = await srv.call('PUT', `${deps}/sc/scale`, { ...got.body, spec: { replicas: 5 } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.spec.replicas, 5);
    const dep = await srv.call('GET', `${deps}/sc`);
    assert.equal(dep.body.spec.replicas, 5);
    assert.equal(dep.body.metadata.generation, 2);
    const patched = await srv.call('PATCH', `${deps}/sc/scale`, { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.spec.replicas, 3);
    const stale = await srv.call('PUT', `${deps}/sc/scale`, { ...got.body, spec: { replicas: 1 } });
    assert.equal(stale.status, 409, 'a Scale with an old resourceVersion conflicts');
    const negative = await srv.call('PUT', `${deps}/sc/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'sc' }, spec: { replicas: -1 } });
    assert.equal(negative.status, 422);
    assert.equal(negative.body.reason, 'Invalid');
    assert.equal((await srv.call('GET', `${pods}/none/scale`)).status, 404);
  });

  test('binding: assigns a pod to a node once', async () => {
    assert.equal((await srv.call('POST', pods, pod('bind-me'))).status, 201);
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    const r = await srv.call('POST', `${pods}/bind-me/binding`, binding);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const p = await srv.call('GET', `${pods}/bind-me`);
    assert.equal(p.body.spec.nodeName, 'node-1');
    assert.ok(p.body.status.conditions.some((c: { type: string; status: string }) => c.type === 'PodScheduled' && c.status === 'True'));
    const again = await srv.call('POST', `${pods}/bind-me/binding`, { ...binding, target: { kind: 'Node', name: 'node-2' } });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /pod bind-me is already assigned to node "node-1"/);
    const noTarget = await srv.call('POST', `${pods}/bind-me/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' } });
    assert.equal(noTarget.status, 422);
  });

  test('log: empty until a node serves it; several containers need ?container', async () => {
    const two = pod('logs');
    (two.spec as { containers: object[] }).containers.push({ name: 'd', image: 'busybox' });
    assert.equal((await srv.call('POST', pods, two)).status, 201);
    const needs = await srv.call('GET', `${pods}/logs/log`);
    assert.equal(needs.status, 400);
    assert.equal(needs.body.message, 'a container name must be specified for pod logs, choose one of: [c d]');
    const ok = await srv.call('GET', `${pods}/logs/log?container=d`);
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '');
    const wrong = await srv.call('GET', `${pods}/logs/log?container=x`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.message, 'container x is not valid for pod logs');
  });

  test('eviction: deletes a pod unless a disruption budget forbids it', async () => {
    assert.equal((await srv.call('POST', pods, pod('evict-me'))).status, 201);
    const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } });
    const r = await srv.call('POST', `${pods}/evict-me/eviction`, eviction('evict-me'));
    assert.equal(r.status, 201, r.text);
    assert.equal((await srv.call('GET', `${pods}/evict-me`)).status, 404);

    assert.equal((await srv.call('POST', pods, pod('guarded', 'default', { app: 'guarded' }))).status, 201);
    const pdb = await srv.call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });
    assert.equal(pdb.status, 201, pdb.text);
    const blocked = await srv.call('POST', `${pods}/guarded/eviction`, eviction('guarded'));
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.reason, 'TooManyRequests');
    assert.equal(blocked.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.equal(blocked.body.details.causes[0].reason, 'DisruptionBudget');
    assert.equal((await srv.call('GET', `${pods}/guarded`)).status, 200);
    const mismatch = await srv.call('POST', `${pods}/guarded/eviction`, eviction('other'));
    assert.equal(mismatch.status, 400);
  });

  test('streaming subresources ask for an upgrade on existing pods and answer 404 for missing ones', async () => {
    assert.equal((await srv.call('POST', pods, pod('exec-me'))).status, 201);
    const r = await srv.call('POST', `${pods}/exec-me/exec?command=ls`);
    assert.equal(r.status, 400);
    assert.equal(r.body.message, 'Upgrade request required');
    assert.equal((await srv.call('POST', `${pods}/missing/exec`)).status, 404);
    assert.equal((await srv.call('GET', `${pods}/exec-me/nonsense`)).status, 404);
    assert.equal((await srv.call('DELETE', `${pods}/exec-me/binding`)).status, 405);
  });

  test('namespaces/<name>/finalize removes spec.finalizers and completes a pending deletion', async () => {
    assert.equal((await srv.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin' } })).status, 201);
    const del = await srv.call('DELETE', '/api/v1/namespaces/fin');
    assert.equal(del.status, 202);
    assert.equal(del.body.status.phase, 'Terminating');
    const ns = (await srv.call('GET', '/api/v1/namespaces/fin')).body;
    const fin = await srv.call('PUT', '/api/v1/namespaces/fin/finalize', { ...ns, spec: { finalizers: [] } });
    assert.equal(fin.status, 200, fin.text);
    assert.equal((await srv.call('GET', '/api/v1/namespaces/fin')).status, 404);
  });
});
