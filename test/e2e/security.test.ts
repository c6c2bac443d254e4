import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { api, credentialsOf, kubectl, kubectlOk, useCluster } from './harness.js';

interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  level: string;
  user: { username: string; groups: string[] };
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string };
  responseStatus?: { code: number; reason?: string };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
  requestObject?: unknown;
}

describe('secure by default: TLS, authentication, RBAC and audit', () => {
  const aliceToken = 'alice-token-0123456789';
  const cluster = useCluster((dir) => {
    const tokens = path.join(dir, 'tokens.csv');
    writeFileSync(tokens, `${aliceToken},alice,1001,"developers"\n`);
    return ['--token-auth-file', tokens];
  });
  const ok = kubectlOk(cluster);
  const auditEvents = (): AuditEvent[] =>
    readFileSync(path.join(cluster.dataDir, 'audit', 'audit.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);
  const eventually = async (what: string, check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(check(), what);
  };

  test('the server speaks only TLS and the written kubeconfig works', async () => {
    assert.match(cluster.url, /^https:/);
    const creds = credentialsOf(cluster.kubeconfig);
    assert.match(creds.ca ?? '', /BEGIN CERTIFICATE/);
    assert.match(creds.cert ?? '', /BEGIN CERTIFICATE/);
    assert.match(await ok('get', 'namespaces', '-o', 'name'), /namespace\/default/);
    assert.equal(await ok('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'), 'kubernetes-admin');
  });

  test('anonymous requests may read health and version only', async () => {
    const anonymous = {};
    assert.equal((await api(cluster, 'GET', '/healthz', undefined, undefined, anonymous)).status, 200);
    assert.equal((await api(cluster, 'GET', '/readyz', undefined, undefined, anonymous)).status, 200);
    assert.equal((await api(cluster, 'GET', '/version', undefined, undefined, anonymous)).status, 200);
    const denied = await api(cluster, 'GET', '/api/v1/namespaces/default/pods', undefined, undefined, anonymous);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.reason, 'Forbidden');
    assert.equal(denied.body.message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  test('a bad token is 401 and changes nothing', async () => {
    const r = await api(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } }, undefined, { token: 'not-a-token' });
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'Unauthorized');
    assert.equal((await api(cluster, 'GET', '/api/v1/namespaces/default/configmaps/nope')).status, 404);
  });

  test('a user bound to a Role in one namespace lists pods there and nowhere else', async () => {
    await ok('create', 'namespace', 'team-a');
    await ok('create', 'role', 'pod-reader', '-n', 'team-a', '--verb=get,list,watch', '--resource=pods');
    await ok('create', 'rolebinding', 'alice-reads', '-n', 'team-a', '--role=pod-reader', '--user=alice');
    const alice = { token: aliceToken };
    await eventually('the binding takes effect', () => true);
    assert.equal((await api(cluster, 'GET', '/api/v1/namespaces/team-a/pods', undefined, undefined, alice)).status, 200);
    const elsewhere = await api(cluster, 'GET', '/api/v1/namespaces/default/pods', undefined, undefined, alice);
    assert.equal(elsewhere.status, 403);
    assert.match(elsewhere.body.message, /User "alice" cannot list resource "pods"/);
    const write = await api(cluster, 'POST', '/api/v1/namespaces/team-a/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'i' }] } }, undefined, alice);
    assert.equal(write.status, 403);
    assert.equal((await kubectl(cluster, ['auth', 'can-i', 'list', 'pods', '-n', 'team-a', '--as', 'alice'])).stdout.trim(), 'yes');
    const no = await kubectl(cluster, ['auth', 'can-i', 'list', 'pods', '-n', 'default', '--as', 'alice']);
    assert.equal(no.stdout.trim(), 'no');
    assert.equal((await kubectl(cluster, ['auth', 'can-i', 'create', 'deployments', '--as', 'alice', '-n', 'team-a'])).stdout.trim(), 'no');
  });

  test('a user cannot grant permissions they do not hold', async () => {
    await ok('create', 'role', 'binder', '-n', 'team-a', '--verb=create', '--resource=roles');
    await ok('create', 'rolebinding', 'alice-binder', '-n', 'team-a', '--role=binder', '--user=alice');
    const escalate = await api(
      cluster,
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'too-much' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }] },
      undefined,
      { token: aliceToken },
    );
    assert.equal(escalate.status, 403);
    assert.match(escalate.body.message, /attempting to grant RBAC permissions not currently held/);
  });

  test('a ServiceAccount token works from @kubernetes/client-node', async () => {
    await ok('create', 'serviceaccount', 'robot', '-n', 'team-a');
    await ok('create', 'rolebinding', 'robot-reads', '-n', 'team-a', '--role=pod-reader', '--serviceaccount=team-a:robot');
    const token = (await ok('create', 'token', 'robot', '-n', 'team-a')).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const kc = new k8s.KubeConfig();
    const creds = credentialsOf(cluster.kubeconfig);
    kc.loadFromOptions({
      clusters: [{ name: 'wharf', server: cluster.url, caData: Buffer.from(creds.ca!).toString('base64') }],
      users: [{ name: 'robot', token }],
      contexts: [{ name: 'robot', cluster: 'wharf', user: 'robot' }],
      currentContext: 'robot',
    });
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'team-a' });
    assert.deepEqual(pods.items, []);
    await assert.rejects(core.listNamespacedSecret({ namespace: 'team-a' }), (e: { code?: number }) => e.code === 403);
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await api(cluster, 'GET', '/api/v1/namespaces/team-a/pods', undefined, undefined, { token: tampered })).status, 401);
  });

  test('every namespace gets a default ServiceAccount', async () => {
    await eventually('default SA in team-a', () => true);
    assert.equal(await ok('get', 'serviceaccount', 'default', '-n', 'team-a', '-o', 'jsonpath={.metadata.name}'), 'default');
  });

  test('audit lines record create, patch, delete, watch and a denied request field by field', async () => {
    const create = await api(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { a: '1' } });
    assert.equal(create.status, 201);
    const auditId = create.headers.get('audit-id');
    assert.match(auditId ?? '', /^[0-9a-f-]{36}$/);
    await ok('patch', 'configmap', 'audited', '--type=merge', '-p', '{"data":{"a":"2"}}');
    await ok('delete', 'configmap', 'audited');
    const watch = await api(cluster, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1');
    assert.equal(watch.status, 200);
    const denied = await api(cluster, 'GET', '/api/v1/namespaces/default/secrets', undefined, undefined, { token: aliceToken });
    assert.equal(denied.status, 403);

    await eventually('audit events are written', () =>
      auditEvents().some((e) => e.user.username === 'alice' && e.objectRef?.resource === 'secrets' && e.stage === 'ResponseComplete'),
    );
    const events = auditEvents();
    const created = events.filter((e) => e.auditID === auditId);
    // The default policy omits RequestReceived: one event per completed request.
    assert.deepEqual(created.map((e) => e.stage), ['ResponseComplete']);
    const done = created[0];
    assert.equal(done.level, 'Metadata');
    assert.equal(done.verb, 'create');
    assert.equal(done.user.username, 'kubernetes-admin');
    assert.ok(done.user.groups.includes('system:masters'));
    assert.deepEqual(done.sourceIPs, ['127.0.0.1']);
    assert.deepEqual(done.objectRef, { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' });
    assert.equal(done.responseStatus?.code, 201);
    assert.equal(done.requestObject, undefined, 'no bodies at Metadata level');
    assert.equal(done.annotations?.['authorization.k8s.io/decision'], 'allow');
    assert.ok(Date.parse(done.stageTimestamp) >= Date.parse(done.requestReceivedTimestamp));
    // MicroTime with real microseconds, as kube-apiserver's: across many requests they are not all .xxx000.
    const received = events.map((e) => e.requestReceivedTimestamp);
    assert.ok(received.every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(t)), received.find((t) => !/\.\d{6}Z$/.test(t)));
    assert.ok(received.some((t) => !t.endsWith('000Z')), 'requestReceivedTimestamp carries microseconds');

    const patched = events.find((e) => e.verb === 'patch' && e.objectRef?.name === 'audited' && e.stage === 'ResponseComplete');
    assert.equal(patched?.responseStatus?.code, 200);
    assert.match(patched?.userAgent ?? '', /^kubectl/);
    const deleted = events.find((e) => e.verb === 'delete' && e.objectRef?.name === 'audited' && e.stage === 'ResponseComplete');
    assert.equal(deleted?.responseStatus?.code, 200);
    const watched = events.filter((e) => e.verb === 'watch' && e.objectRef?.resource === 'configmaps' && e.user.username === 'kubernetes-admin');
    assert.ok(watched.some((e) => e.stage === 'ResponseStarted'));
    assert.ok(watched.some((e) => e.stage === 'ResponseComplete'));
    const forbidden = events.find((e) => e.user.username === 'alice' && e.objectRef?.resource === 'secrets' && e.stage === 'ResponseComplete');
    assert.equal(forbidden?.responseStatus?.code, 403);
    assert.equal(forbidden?.responseStatus?.reason, 'Forbidden');
    assert.equal(forbidden?.annotations?.['authorization.k8s.io/decision'], 'forbid');
    assert.ok(!events.some((e) => e.objectRef === undefined && /healthz|readyz/.test(JSON.stringify(e))), 'health checks are not audited');
  });
});
