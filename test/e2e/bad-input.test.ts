import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, useCluster } from './harness.js';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  ...extra,
});

describe('bad input gets a Kubernetes Status and changes nothing', () => {
  const cluster = useCluster();
  const podsPath = '/api/v1/namespaces/default/pods';

  async function podCount(): Promise<number> {
    const r = await api(cluster, 'GET', podsPath);
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body.items), 'items is [] never null');
    return r.body.items.length;
  }

  function assertStatus(r: { status: number; body: any }, code: number, reason: string): void {
    assert.equal(r.status, code, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.apiVersion, 'v1');
    assert.equal(r.body.status, 'Failure');
    assert.equal(r.body.code, code);
    assert.equal(r.body.reason, reason);
  }

  test('malformed JSON and YAML are 400', async () => {
    assertStatus(await api(cluster, 'POST', podsPath, '{"kind": "Pod", '), 400, 'BadRequest');
    assertStatus(await api(cluster, 'POST', podsPath, 'kind: [unclosed', 'application/yaml'), 400, 'BadRequest');
    assert.equal(await podCount(), 0);
  });

  test('a body of an unknown media type is 415', async () => {
    assertStatus(await api(cluster, 'POST', podsPath, 'hello', 'text/plain'), 415, 'UnsupportedMediaType');
  });

  test('a body over 3 MiB is 413', async () => {
    const big = JSON.stringify(pod('big', { metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } } }));
    assertStatus(await api(cluster, 'POST', podsPath, big), 413, 'RequestEntityTooLarge');
    assert.equal(await podCount(), 0);
  });

  test('the wrong apiVersion or kind for the URL is 400', async () => {
    assertStatus(await api(cluster, 'POST', podsPath, { ...pod('x'), apiVersion: 'apps/v1' }), 400, 'BadRequest');
    assertStatus(await api(cluster, 'POST', podsPath, { ...pod('x'), kind: 'Service' }), 400, 'BadRequest');
    assert.equal(await podCount(), 0);
  });

  test('names that are not DNS subdomains are 422 with field causes', async () => {
    const r = await api(cluster, 'POST', podsPath, pod('Bad_Name'));
    assertStatus(r, 422, 'Invalid');
    assert.equal(r.body.details.kind, 'Pod');
    assert.equal(r.body.details.name, 'Bad_Name');
    assert.ok(r.body.details.causes.some((c: { field: string; reason: string }) => c.field === 'metadata.name' && c.reason === 'FieldValueInvalid'));
    const ns = await api(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'has.dot' } });
    assertStatus(ns, 422, 'Invalid');
  });

  test('unknown fields are 400 under Strict, a warning under Warn', async () => {
    const strict = await api(cluster, 'POST', `${podsPath}?fieldValidation=Strict`, pod('strict', { bogus: true }));
    assertStatus(strict, 400, 'BadRequest');
    assert.match(strict.body.message, /unknown field "bogus"/);
    const warn = await api(cluster, 'POST', `${podsPath}?fieldValidation=Warn`, pod('warned', { bogus: true }));
    assert.equal(warn.status, 201);
    assert.match(warn.headers.get('warning') ?? '', /unknown field \\"bogus\\"|unknown field "bogus"/);
    assert.equal(warn.body.bogus, undefined);
  });

  test('a stale resourceVersion is 409 Conflict and the object keeps its value', async () => {
    const created = await api(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } });
    assert.equal(created.status, 201);
    const first = { ...created.body, data: { a: '2' } };
    assert.equal((await api(cluster, 'PUT', '/api/v1/namespaces/default/configmaps/cfg', first)).status, 200);
    const stale = await api(cluster, 'PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...created.body, data: { a: '3' } });
    assertStatus(stale, 409, 'Conflict');
    assert.match(stale.body.message, /the object has been modified/);
    const now = await api(cluster, 'GET', '/api/v1/namespaces/default/configmaps/cfg');
    assert.equal(now.body.data.a, '2');
  });

  test('creating an existing object is 409 AlreadyExists; reading a missing one is 404 NotFound', async () => {
    const again = await api(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    assertStatus(again, 409, 'AlreadyExists');
    const missing = await api(cluster, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    assertStatus(missing, 404, 'NotFound');
    assert.equal(missing.body.message, 'deployments.apps "nope" not found');
    assert.equal(missing.body.details.kind, 'deployments');
    assert.equal(missing.body.details.group, 'apps');
  });

  test('a watch from a compacted or bad resourceVersion fails cleanly', async () => {
    const bad = await api(cluster, 'GET', `${podsPath}?watch=true&resourceVersion=abc`);
    assertStatus(bad, 400, 'BadRequest');
    const r = await api(cluster, 'GET', `${podsPath}?limit=-1`);
    assertStatus(r, 400, 'BadRequest');
    const badSelector = await api(cluster, 'GET', `${podsPath}?labelSelector=${encodeURIComponent('a in (')}`);
    assertStatus(badSelector, 400, 'BadRequest');
    const badContinue = await api(cluster, 'GET', `${podsPath}?limit=1&continue=garbage`);
    assertStatus(badContinue, 400, 'BadRequest');
  });

  test('unknown paths and resources are 404, wrong methods 405', async () => {
    assertStatus(await api(cluster, 'GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    assertStatus(await api(cluster, 'GET', '/apis/nope.example.com/v1'), 404, 'NotFound');
    assertStatus(await api(cluster, 'PUT', podsPath, pod('x')), 405, 'MethodNotAllowed');
    assert.equal((await api(cluster, 'GET', '/healthz')).status, 200);
  });

  test('creating in a namespace that does not exist is 404', async () => {
    const r = await api(cluster, 'POST', '/api/v1/namespaces/missing/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    assertStatus(r, 404, 'NotFound');
    assert.equal(r.body.message, 'namespaces "missing" not found');
  });

  test('the server survives all of the above', async () => {
    assert.equal((await api(cluster, 'GET', '/readyz')).status, 200);
    assert.equal(cluster.process.exitCode, null);
  });
});
