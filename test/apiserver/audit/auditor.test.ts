import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Auditor, type AuditRequestInfo } from '../../../src/apiserver/audit/auditor.js';
import type { AuditBackend, AuditEvent, AuditPolicy, AuditPolicyRule } from '../../../src/apiserver/audit/types.js';
import type { RequestContext } from '../../../src/apiserver/request-context.js';

/** Keeps the events as the log backend would write them: serialized, then read back. */
class MemoryBackend implements AuditBackend {
  lines: string[] = [];
  processEvents(events: readonly AuditEvent[]): void {
    for (const e of events) this.lines.push(JSON.stringify(e));
  }
  get events(): AuditEvent[] {
    return this.lines.map((l) => JSON.parse(l) as AuditEvent);
  }
  async close(): Promise<void> {}
}

const received = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
const receivedStamp = '2024-05-01T12:00:00.123000Z';

function setup(rules: AuditPolicyRule[], extra: Partial<AuditPolicy> = {}): { auditor: Auditor; backend: MemoryBackend; tick: (ms: number) => void } {
  const backend = new MemoryBackend();
  let now = received + 0.5;
  const auditor = new Auditor({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...extra }, [backend], { clock: () => now });
  return { auditor, backend, tick: (ms) => (now += ms) };
}

const admin = { username: 'admin', uid: 'u-1', groups: ['system:masters', 'system:authenticated'] };

function ctx(over: Partial<RequestContext> = {}): RequestContext {
  return { auditID: '5e4e1a0c-3f0a-4a8c-9a4e-1f3b1f9a0b6d', user: admin, received, ...over };
}

const pods = { resource: 'pods', namespace: 'default', apiVersion: 'v1' };

function info(over: Partial<AuditRequestInfo>): AuditRequestInfo {
  return { method: 'GET', uri: '/api/v1/namespaces/default/pods', sourceIPs: ['127.0.0.1'], userAgent: 'kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b', verb: 'list', objectRef: { ...pods }, ...over };
}

const allow = { decision: 'allow' as const, reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' };

describe('Auditor.begin()', () => {
  test('returns undefined and emits nothing at level None', () => {
    const { auditor, backend } = setup([{ level: 'None', nonResourceURLs: ['/healthz*'] }, { level: 'Metadata' }]);
    assert.equal(auditor.begin(ctx(), info({ uri: '/healthz', verb: 'get', objectRef: undefined })), undefined);
    assert.equal(backend.lines.length, 0);
    assert.ok(auditor.begin(ctx(), info({})));
  });

  test('uses the request context\'s authorization attributes for the policy when present', () => {
    const { auditor } = setup([{ level: 'None', verbs: ['watch'] }, { level: 'Metadata' }]);
    const attrs = { user: admin, verb: 'watch', resourceRequest: true, apiGroup: '', resource: 'pods', namespace: 'default' };
    assert.equal(auditor.begin(ctx({ attributes: attrs }), info({ verb: 'watch' })), undefined);
    assert.ok(auditor.begin(ctx(), info({ verb: 'list' })));
  });
});

describe('audit events, field by field', () => {
  test('a create at Metadata level: RequestReceived then ResponseComplete, exact JSON', () => {
    const { auditor, backend, tick } = setup([{ level: 'Metadata' }]);
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const audit = auditor.begin(ctx(), info({ method: 'POST', verb: 'create', requestObject: () => body }))!;
    assert.equal(audit.level, 'Metadata');
    audit.recordAuthorization(allow);
    tick(2.25);
    audit.complete(201, undefined, () => ({ ...body, metadata: { ...body.metadata, uid: 'p-1', resourceVersion: '12' } }));

    assert.equal(
      backend.lines[0],
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"5e4e1a0c-3f0a-4a8c-9a4e-1f3b1f9a0b6d",' +
        '"stage":"RequestReceived","requestURI":"/api/v1/namespaces/default/pods","verb":"create",' +
        '"user":{"username":"admin","uid":"u-1","groups":["system:masters","system:authenticated"]},"sourceIPs":["127.0.0.1"],' +
        '"userAgent":"kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b","objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},' +
        `"requestReceivedTimestamp":"${receivedStamp}","stageTimestamp":"${receivedStamp}"}`,
    );
    assert.equal(
      backend.lines[1],
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"5e4e1a0c-3f0a-4a8c-9a4e-1f3b1f9a0b6d",' +
        '"stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create",' +
        '"user":{"username":"admin","uid":"u-1","groups":["system:masters","system:authenticated"]},"sourceIPs":["127.0.0.1"],' +
        '"userAgent":"kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b","objectRef":{"resource":"pods","namespace":"default","name":"web","apiVersion":"v1"},' +
        '"responseStatus":{"metadata":{},"code":201},' +
        `"requestReceivedTimestamp":"${receivedStamp}","stageTimestamp":"2024-05-01T12:00:00.125750Z",` +
        `"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":${JSON.stringify(allow.reason)}}}`,
    );
    assert.equal(backend.lines.length, 2);
  });

  test('a patch at Request level carries the patch as requestObject but no responseObject', () => {
    const { auditor, backend } = setup([{ level: 'Request' }]);
    const patch = { metadata: { labels: { tier: 'web' } } };
    const audit = auditor.begin(
      ctx(),
      info({ method: 'PATCH', uri: '/apis/apps/v1/namespaces/default/deployments/web', verb: 'patch', objectRef: { resource: 'deployments', namespace: 'default', name: 'web', apiGroup: 'apps', apiVersion: 'v1' } }),
    )!;
    audit.setRequestObject(patch);
    patch.metadata.labels.tier = 'changed later';
    audit.recordAuthorization(allow);
    audit.complete(200, undefined, () => ({ kind: 'Deployment', metadata: { name: 'web' } }));
    const [receivedEvent, done] = backend.events;
    assert.equal(receivedEvent.stage, 'RequestReceived');
    assert.equal(receivedEvent.requestObject, undefined, 'the body is not decoded yet when the request arrives');
    assert.equal(done.stage, 'ResponseComplete');
    assert.equal(done.level, 'Request');
    assert.equal(done.verb, 'patch');
    assert.equal(done.requestURI, '/apis/apps/v1/namespaces/default/deployments/web');
    assert.deepEqual(done.objectRef, { resource: 'deployments', namespace: 'default', name: 'web', apiGroup: 'apps', apiVersion: 'v1' });
    assert.deepEqual(done.requestObject, { metadata: { labels: { tier: 'web' } } }, 'the body as it was when logged');
    assert.equal(done.responseObject, undefined);
    assert.deepEqual(done.responseStatus, { metadata: {}, code: 200 });
  });

  test('a delete at RequestResponse level carries the Status it answered with', () => {
    const { auditor, backend } = setup([{ level: 'RequestResponse' }]);
    const audit = auditor.begin(ctx(), info({ method: 'DELETE', uri: '/api/v1/namespaces/default/configmaps/cfg', verb: 'delete', objectRef: { resource: 'configmaps', namespace: 'default', name: 'cfg', apiVersion: 'v1' } }))!;
    audit.setRequestObject({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    audit.recordAuthorization(allow);
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'cfg', kind: 'configmaps', uid: 'c-1' } };
    audit.complete(200, { code: 200, status: 'Success', details: status.details }, () => status);
    const done = backend.events[1];
    assert.equal(done.stage, 'ResponseComplete');
    assert.equal(done.verb, 'delete');
    assert.deepEqual(done.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cfg', apiVersion: 'v1' });
    assert.deepEqual(done.requestObject, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    assert.deepEqual(done.responseStatus, { metadata: {}, status: 'Success', details: { name: 'cfg', kind: 'configmaps', uid: 'c-1' }, code: 200 });
    assert.deepEqual(done.responseObject, status);
    assert.equal(done.annotations?.['authorization.k8s.io/decision'], 'allow');
  });

  test('a watch: RequestReceived, ResponseStarted when headers go out, ResponseComplete when it ends', () => {
    const { auditor, backend, tick } = setup([{ level: 'Metadata' }]);
    const audit = auditor.begin(ctx(), info({ uri: '/api/v1/namespaces/default/pods?watch=1&resourceVersion=10', verb: 'watch' }))!;
    audit.recordAuthorization(allow);
    tick(1);
    audit.responseStarted();
    tick(60_000);
    audit.complete(200);
    const events = backend.events;
    assert.deepEqual(events.map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    for (const e of events) {
      assert.equal(e.verb, 'watch');
      assert.equal(e.requestURI, '/api/v1/namespaces/default/pods?watch=1&resourceVersion=10');
      assert.equal(e.auditID, ctx().auditID);
      assert.equal(e.requestReceivedTimestamp, receivedStamp);
      assert.deepEqual(e.objectRef, { resource: 'pods', namespace: 'default', apiVersion: 'v1' });
    }
    assert.equal(events[0].responseStatus, undefined);
    assert.equal(events[0].annotations, undefined, 'authorization comes after the request is received');
    assert.deepEqual(events[1].responseStatus, { metadata: {}, code: 200 });
    assert.equal(events[1].stageTimestamp, '2024-05-01T12:00:00.124500Z');
    assert.deepEqual(events[2].responseStatus, { metadata: {}, code: 200 });
    assert.equal(events[2].stageTimestamp, '2024-05-01T12:01:00.124500Z');
    assert.deepEqual(events[2].annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': allow.reason });
  });

  test('a denied request: 403 with the Forbidden status and the forbid decision', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    const bob = { username: 'bob', groups: ['system:authenticated'] };
    const audit = auditor.begin(ctx({ user: bob }), info({ uri: '/api/v1/namespaces/kube-system/secrets', verb: 'list', objectRef: { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' } }))!;
    audit.recordAuthorization({ decision: 'deny', reason: '' });
    const message = 'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "kube-system"';
    audit.complete(403, { code: 403, status: 'Failure', reason: 'Forbidden', message, details: { kind: 'secrets' } });
    const done = backend.events[1];
    assert.equal(done.stage, 'ResponseComplete');
    assert.deepEqual(done.user, { username: 'bob', groups: ['system:authenticated'] });
    assert.deepEqual(done.responseStatus, { metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { kind: 'secrets' }, code: 403 });
    assert.deepEqual(done.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
    assert.equal(
      backend.lines[1].slice(backend.lines[1].indexOf('"responseStatus"')).split(',"requestReceivedTimestamp"')[0],
      `"responseStatus":{"metadata":{},"status":"Failure","message":${JSON.stringify(message)},"reason":"Forbidden","details":{"kind":"secrets"},"code":403}`,
    );
  });

  test('a request that fails authentication: one ResponseStarted event with 401 and no user', () => {
    const { auditor, backend } = setup([{ level: 'None', users: ['system:anonymous'] }, { level: 'Metadata' }]);
    auditor.failedAuthentication('a-401', received, info({}), ['bearer']);
    auditor.failedAuthentication('a-401b', received, info({}), []);
    const [first, second] = backend.events;
    assert.equal(backend.events.length, 2);
    assert.equal(first.stage, 'ResponseStarted');
    assert.equal(first.auditID, 'a-401');
    assert.deepEqual(first.user, {});
    assert.deepEqual(first.responseStatus, { metadata: {}, message: 'Authentication failed, attempted: bearer', code: 401 });
    assert.equal(first.annotations, undefined);
    assert.equal(second.responseStatus?.message, 'Authentication failed, no credentials provided');
  });

  test('a panic emits Panic with a 500 InternalError and ends the request', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    const audit = auditor.begin(ctx(), info({}))!;
    audit.panic(new Error('boom'));
    audit.complete(200);
    assert.deepEqual(backend.events.map((e) => e.stage), ['RequestReceived', 'Panic']);
    assert.deepEqual(backend.events[1].responseStatus, { metadata: {}, status: 'Failure', message: "APIServer panic'd: boom", reason: 'InternalError', code: 500 });
  });

  test('a non-resource request has no objectRef', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    auditor.begin(ctx(), info({ uri: '/apis', verb: 'get', objectRef: undefined }))!.complete(200);
    assert.equal(backend.events[1].objectRef, undefined);
    assert.equal(backend.events[1].requestURI, '/apis');
  });
});

describe('what each level records', () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 's3cr3t-value' } };
  const secretRef = { resource: 'secrets', namespace: 'default', apiVersion: 'v1' };

  test('Secrets at Metadata level: no requestObject or responseObject, and no value anywhere in the line', () => {
    const { auditor, backend } = setup([{ level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] }, { level: 'RequestResponse' }]);
    const audit = auditor.begin(ctx(), info({ method: 'POST', uri: '/api/v1/namespaces/default/secrets', verb: 'create', objectRef: secretRef, requestObject: () => secret }))!;
    audit.setRequestObject(secret);
    audit.complete(201, undefined, () => secret);
    for (const [i, line] of backend.lines.entries()) {
      const e = backend.events[i];
      assert.equal(e.level, 'Metadata');
      assert.equal('requestObject' in e, false);
      assert.equal('responseObject' in e, false);
      assert.doesNotMatch(line, /aHVudGVyMg==|s3cr3t-value|password/);
    }
    assert.equal(backend.events[1].objectRef?.name, 'db', 'the name still comes from the body');
  });

  test('Request level carries the request body only; RequestResponse both', () => {
    for (const [level, hasRequest, hasResponse] of [
      ['Request', true, false],
      ['RequestResponse', true, true],
    ] as const) {
      const { auditor, backend } = setup([{ level }]);
      const audit = auditor.begin(ctx(), info({ method: 'POST', verb: 'create', objectRef: secretRef, requestObject: () => secret }))!;
      audit.complete(201, undefined, () => secret);
      const done = backend.events[1];
      assert.equal(done.requestObject !== undefined, hasRequest, level);
      assert.equal(done.responseObject !== undefined, hasResponse, level);
    }
  });

  test('the response object is not even built below RequestResponse', () => {
    const { auditor } = setup([{ level: 'Request' }]);
    let built = false;
    auditor.begin(ctx(), info({}))!.complete(200, undefined, () => {
      built = true;
      return {};
    });
    assert.equal(built, false);
  });

  test('omitManagedFields drops managedFields from objects and list items', () => {
    const { auditor, backend } = setup([{ level: 'RequestResponse', omitManagedFields: true }]);
    const managed = { name: 'web', managedFields: [{ manager: 'kubectl' }] };
    const audit = auditor.begin(ctx(), info({ method: 'POST', verb: 'create', requestObject: () => ({ kind: 'Pod', metadata: managed }) }))!;
    audit.complete(200, undefined, () => ({ kind: 'PodList', metadata: {}, items: [{ metadata: managed }] }));
    const done = backend.events[1];
    assert.deepEqual(done.requestObject, { kind: 'Pod', metadata: { name: 'web' } });
    assert.deepEqual(done.responseObject, { kind: 'PodList', metadata: {}, items: [{ metadata: { name: 'web' } }] });
    assert.deepEqual(managed.managedFields, [{ manager: 'kubectl' }], 'the handler\'s objects stay untouched');
  });
});

describe('stages and annotations', () => {
  test('omitStages from the rule and the policy suppress those events', () => {
    const { auditor, backend } = setup([{ level: 'Metadata', omitStages: ['ResponseStarted'] }], { omitStages: ['RequestReceived'] });
    const audit = auditor.begin(ctx(), info({ verb: 'watch' }))!;
    audit.responseStarted();
    audit.complete(200);
    assert.deepEqual(backend.events.map((e) => e.stage), ['ResponseComplete']);
  });

  test('annotate() keeps the first value of a key', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    const audit = auditor.begin(ctx(), info({}))!;
    audit.annotate('pod-security.kubernetes.io/enforce-policy', 'restricted:latest');
    audit.annotate('pod-security.kubernetes.io/enforce-policy', 'baseline:latest');
    audit.complete(200);
    assert.deepEqual(backend.events[1].annotations, { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' });
  });

  test('complete() after complete() emits nothing more', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    const audit = auditor.begin(ctx(), info({}))!;
    audit.complete(200);
    audit.complete(500);
    audit.responseStarted();
    assert.equal(backend.events.length, 2);
  });

  test('impersonation: user is who authenticated, impersonatedUser who the request acts as', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    const audit = auditor.begin(ctx(), info({ impersonatedUser: { username: 'jane', groups: ['devs'], extra: { scopes: ['view'] } } }))!;
    audit.complete(200);
    assert.equal(backend.events[1].user.username, 'admin');
    assert.deepEqual(backend.events[1].impersonatedUser, { username: 'jane', groups: ['devs'], extra: { scopes: ['view'] } });
  });

  test('a long user agent is cut at 1024 characters as Kubernetes cuts it', () => {
    const { auditor, backend } = setup([{ level: 'Metadata' }]);
    auditor.begin(ctx(), info({ userAgent: 'x'.repeat(2000) }))!.complete(200);
    assert.equal(backend.events[0].userAgent, `${'x'.repeat(1024)}...TRUNCATED`);
  });

  test('a requestObject callback that throws leaves the body out and does not fail begin()', () => {
    const { auditor, backend } = setup([{ level: 'Request' }]);
    const audit = auditor.begin(ctx(), info({ requestObject: () => { throw new Error('bad body'); } }));
    assert.ok(audit);
    audit.complete(400);
    assert.equal(backend.events[1].requestObject, undefined);
  });

  test('a backend that throws does not reach the request path', () => {
    const backend: AuditBackend = {
      processEvents() {
        throw new Error('disk full');
      },
      async close() {},
    };
    const auditor = new Auditor({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }, [backend]);
    assert.doesNotThrow(() => auditor.begin(ctx(), info({}))!.complete(200));
  });
});
