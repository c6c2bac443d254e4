import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OsbClient } from '../../../src/catalog/osb/client.js';
import { pollUntilDone } from '../../../src/catalog/osb/polling.js';
import { decodeOriginatingIdentity } from '../../../src/catalog/osb/originating-identity.js';
import type { OsbFailure } from '../../../src/catalog/osb/types.js';
import {
  startExampleBroker,
  EXAMPLE_SERVICE_ID as SVC,
  SMALL_PLAN_ID as SMALL,
  LARGE_PLAN_ID as LARGE,
  LARGE_PLAN_MAINTENANCE_VERSION,
  type ExampleBroker,
} from '../../../src/catalog/brokers/index.js';
import { signCertificate } from '../../../src/apiserver/pki/sign-certificate.js';

const AUTH = { basic: { username: 'admin', password: 's3cret' } };
const USER = { username: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a', 'b'] } };

function assertFailed<T extends { kind: string }>(r: T): asserts r is Extract<T, { kind: 'failed' }> {
  assert.equal(r.kind, 'failed', `expected a failure, got ${JSON.stringify(r)}`);
}

// ---------------------------------------------------------------------------------------------------
// Against the example broker
// ---------------------------------------------------------------------------------------------------

describe('OsbClient against the example broker', () => {
  let broker: ExampleBroker;
  let client: OsbClient;

  before(async () => {
    broker = await startExampleBroker({ auth: AUTH });
    client = new OsbClient({ url: broker.url, auth: AUTH, timeoutMs: 5000 });
  });
  after(async () => {
    client.close();
    await broker.close();
  });

  test('getCatalog() sends the version, a request identity and basic auth, and returns the validated catalog', async () => {
    const r = await client.getCatalog();
    assert.equal(r.kind, 'done');
    if (r.kind !== 'done') return;
    assert.deepEqual(r.catalog.services.map((s) => s.name), ['example-db']);
    assert.deepEqual(r.catalog.services[0]!.plans.map((p) => p.name), ['small', 'large']);
    const seen = broker.requests.at(-1)!;
    assert.equal(seen.endpoint, 'catalog');
    assert.equal(seen.headers['x-broker-api-version'], '2.17');
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    assert.match(String(seen.headers['x-broker-api-request-identity']), /^[0-9a-f-]{36}$/);
    assert.equal(seen.headers['x-broker-api-request-identity'], r.requestIdentity);
    assert.equal(seen.headers['x-broker-api-originating-identity'], undefined, 'nobody asked for a catalog refresh');
  });

  test('a fresh request identity per request, or the one given', async () => {
    const a = await client.getCatalog();
    const b = await client.getCatalog();
    assert.notEqual(a.requestIdentity, b.requestIdentity);
    const c = await client.getCatalog({ requestIdentity: 'trace-42' });
    assert.equal(c.requestIdentity, 'trace-42');
    assert.equal(broker.requests.at(-1)!.headers['x-broker-api-request-identity'], 'trace-42');
  });

  test('wrong credentials: 401, rejected, no orphan mitigation', async () => {
    const bad = new OsbClient({ url: broker.url, auth: { basic: { username: 'admin', password: 'nope' } } });
    const r = await bad.provision('i-unauth', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    assertFailed(r);
    assert.equal(r.status, 401);
    assert.equal(r.reason, 'rejected');
    assert.equal(r.orphanMitigation, false);
    assert.equal(broker.instance('i-unauth'), undefined);
    bad.close();
  });

  test('synchronous provision, identical re-provision (200), a conflicting one (409), fetch, update and deprovision', async () => {
    const req = { service_id: SVC, plan_id: SMALL, parameters: { size: 3 }, context: { platform: 'kubernetes', namespace: 'ns1' } };
    const r = await client.provision('i-sync', req, { acceptsIncomplete: true, originatingIdentity: USER });
    assert.equal(r.kind, 'done');
    if (r.kind !== 'done') return;
    assert.equal(r.alreadyExisted, false);
    assert.match(r.response.dashboard_url ?? '', /\/dashboard\/i-sync$/);

    const seen = broker.requests.at(-1)!;
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.path, '/v2/service_instances/i-sync');
    assert.equal(seen.query.accepts_incomplete, 'true');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.deepEqual(seen.body, req);
    const header = String(seen.headers['x-broker-api-originating-identity']);
    assert.match(header, /^kubernetes [A-Za-z0-9+/]+=*$/);
    assert.deepEqual(decodeOriginatingIdentity(header), { platform: 'kubernetes', value: USER });

    const again = await client.provision('i-sync', req, { acceptsIncomplete: true });
    assert.equal(again.kind, 'done');
    assert.equal(again.kind === 'done' && again.alreadyExisted, true);

    const conflict = await client.provision('i-sync', { ...req, parameters: { size: 4 } }, { acceptsIncomplete: true });
    assert.equal(conflict.kind, 'alreadyExists');

    const got = await client.getInstance('i-sync', { serviceId: SVC, planId: SMALL });
    assert.equal(got.kind, 'done');
    assert.deepEqual(got.kind === 'done' && got.instance.parameters, { size: 3 });
    assert.equal(broker.requests.at(-1)!.query.service_id, SVC);

    const upd = await client.update('i-sync', { service_id: SVC, parameters: { size: 5 } }, { acceptsIncomplete: false });
    assert.equal(upd.kind, 'done');
    assert.equal(broker.requests.at(-1)!.query.accepts_incomplete, undefined, 'accepts_incomplete is omitted when false');
    assert.deepEqual(broker.instance('i-sync')?.parameters, { size: 5 });

    const del = await client.deprovision('i-sync', { serviceId: SVC, planId: SMALL, acceptsIncomplete: true });
    assert.equal(del.kind, 'done');
    assert.deepEqual(broker.requests.at(-1)!.query, { service_id: SVC, plan_id: SMALL, accepts_incomplete: 'true' });
    const gone = await client.deprovision('i-sync', { serviceId: SVC, planId: SMALL, acceptsIncomplete: true });
    assert.equal(gone.kind, 'gone');
    const missing = await client.getInstance('i-sync');
    assert.equal(missing.kind, 'notFound');
  });

  test('parameters that fail the plan schema: 400, not retryable, no orphan mitigation', async () => {
    const r = await client.provision('i-bad', { service_id: SVC, plan_id: SMALL, parameters: { size: 99 } }, { acceptsIncomplete: true });
    assertFailed(r);
    assert.equal(r.status, 400);
    assert.equal(r.retryable, false);
    assert.equal(r.orphanMitigation, false);
    assert.match(r.description, /parameters\.size must be at most 10/);
  });

  test('synchronous bind, fetch the binding, unbind and unbind again (410 gone)', async () => {
    await client.provision('i-b', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    const b = await client.bind('i-b', 'b-1', { service_id: SVC, plan_id: SMALL, bind_resource: { app_guid: 'ns1' } }, { acceptsIncomplete: true, originatingIdentity: USER });
    assert.equal(b.kind, 'done');
    if (b.kind !== 'done') return;
    const creds = b.response.credentials!;
    assert.equal(typeof creds.password, 'string');
    assert.equal(creds.port, broker.port);
    assert.deepEqual(b.response.endpoints, [{ host: '127.0.0.1', ports: [String(broker.port)], protocol: 'tcp' }]);
    assert.equal(broker.requests.at(-1)!.path, '/v2/service_instances/i-b/service_bindings/b-1');

    const same = await client.bind('i-b', 'b-1', { service_id: SVC, plan_id: SMALL, bind_resource: { app_guid: 'ns1' } }, { acceptsIncomplete: true });
    assert.equal(same.kind === 'done' && same.alreadyExisted, true);
    const other = await client.bind('i-b', 'b-1', { service_id: SVC, plan_id: SMALL, parameters: { readonly: true } }, { acceptsIncomplete: true });
    assert.equal(other.kind, 'alreadyExists');

    const got = await client.getBinding('i-b', 'b-1');
    assert.equal(got.kind, 'done');
    assert.deepEqual(got.kind === 'done' && got.binding.credentials, creds);

    const u = await client.unbind('i-b', 'b-1', { serviceId: SVC, planId: SMALL, acceptsIncomplete: false });
    assert.equal(u.kind, 'done');
    assert.equal((await client.unbind('i-b', 'b-1', { serviceId: SVC, planId: SMALL, acceptsIncomplete: false })).kind, 'gone');
    assert.equal((await client.getBinding('i-b', 'b-1')).kind, 'notFound');
  });

  test('AsyncRequired without accepts_incomplete; async provision polled with operation, Retry-After, then succeeded', async () => {
    const req = { service_id: SVC, plan_id: LARGE };
    const sync = await client.provision('i-async', req, { acceptsIncomplete: false });
    assertFailed(sync);
    assert.equal(sync.status, 422);
    assert.equal(sync.error, 'AsyncRequired');
    assert.equal(sync.remedy, 'acceptsIncomplete');
    assert.equal(sync.orphanMitigation, false);
    assert.equal(sync.retryable, false);

    broker.behaviour.retryAfterSeconds = 2;
    broker.behaviour.asyncPolls = 1;
    const r = await client.provision('i-async', req, { acceptsIncomplete: true });
    assert.equal(r.kind, 'async');
    if (r.kind !== 'async') return;
    assert.match(r.operation ?? '', /^provision-/);
    assert.match(r.response.dashboard_url ?? '', /i-async/);

    const p1 = await client.lastOperation('i-async', { serviceId: SVC, planId: LARGE, operation: r.operation, for: 'provision' });
    assert.equal(p1.kind, 'inProgress');
    assert.equal(p1.kind === 'inProgress' && p1.retryAfterMs, 2000);
    const seen = broker.requests.at(-1)!;
    assert.equal(seen.path, '/v2/service_instances/i-async/last_operation');
    assert.deepEqual(seen.query, { service_id: SVC, plan_id: LARGE, operation: r.operation });
    assert.equal((await client.getInstance('i-async')).kind, 'notFound', 'not fetchable while provisioning');

    const p2 = await client.lastOperation('i-async', { operation: r.operation, for: 'provision' });
    assert.equal(p2.kind, 'succeeded');
    broker.behaviour.retryAfterSeconds = undefined;
    assert.equal((await client.getInstance('i-async')).kind, 'done');
  });

  test('async bind: no credentials on 202, lastBindingOperation, then getBinding; async unbind ends in 410 gone', async () => {
    const iid = 'i-async-bind';
    const p = await client.provision(iid, { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    assert.equal(p.kind, 'async');
    const done = await pollUntilDone(() => client.lastOperation(iid, { for: 'provision' }), { operation: 'provision', intervalMs: 5 });
    assert.equal(done.kind, 'succeeded');

    const b = await client.bind(iid, 'b-a', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    assert.equal(b.kind, 'async');
    if (b.kind !== 'async') return;
    assert.equal((await client.getBinding(iid, 'b-a')).kind, 'notFound');
    const polled = await pollUntilDone(
      () => client.lastBindingOperation(iid, 'b-a', { serviceId: SVC, planId: LARGE, operation: b.operation, for: 'bind' }),
      { operation: 'bind', intervalMs: 5 },
    );
    assert.equal(polled.kind, 'succeeded');
    assert.match(broker.requests.at(-1)!.path, /service_bindings\/b-a\/last_operation$/);
    const got = await client.getBinding(iid, 'b-a');
    assert.equal(got.kind, 'done');
    assert.equal(typeof (got.kind === 'done' && got.binding.credentials?.uri), 'string');

    const u = await client.unbind(iid, 'b-a', { serviceId: SVC, planId: LARGE, acceptsIncomplete: true });
    assert.equal(u.kind, 'async');
    const ended = await pollUntilDone(() => client.lastBindingOperation(iid, 'b-a', { for: 'unbind' }), { operation: 'unbind', intervalMs: 5 });
    assert.equal(ended.kind, 'succeeded');
    assert.equal((await client.lastBindingOperation(iid, 'b-a', { for: 'unbind' })).kind, 'gone');
    assert.equal((await client.lastBindingOperation(iid, 'b-a', { for: 'bind' })).kind, 'pollAgain', '410 during a create is invalid');

    const d = await client.deprovision(iid, { serviceId: SVC, planId: LARGE, acceptsIncomplete: true });
    assert.equal(d.kind, 'async');
    assert.equal((await pollUntilDone(() => client.lastOperation(iid, { for: 'deprovision' }), { operation: 'deprovision', intervalMs: 5 })).kind, 'succeeded');
    assert.equal((await client.lastOperation(iid, { for: 'deprovision' })).kind, 'gone');
  });

  test('a failed async provision asks for orphan mitigation; deprovisioning without identity clears it', async () => {
    broker.failNextOperation({ description: 'Out of capacity' });
    const r = await client.provision('i-fail', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    assert.equal(r.kind, 'async');
    const end = await pollUntilDone(() => client.lastOperation('i-fail', { for: 'provision' }), { operation: 'provision', intervalMs: 5 });
    assertFailed(end);
    assert.equal(end.reason, 'operationFailed');
    assert.equal(end.description, 'Out of capacity');
    assert.equal(end.orphanMitigation, true);
    assert.equal(broker.instance('i-fail')?.status, 'failed', 'the broker still holds the failed instance');

    const om = await client.deprovision('i-fail', { serviceId: SVC, planId: LARGE, acceptsIncomplete: true });
    assert.equal(om.kind, 'async');
    assert.equal(broker.requests.at(-1)!.headers['x-broker-api-originating-identity'], undefined);
    const gone = await pollUntilDone(() => client.lastOperation('i-fail', { for: 'deprovision' }), { operation: 'deprovision', intervalMs: 5 });
    assert.equal(gone.kind, 'succeeded');
    assert.equal(broker.instance('i-fail'), undefined);
  });

  test('a failed async update: no orphan mitigation, instance_usable and update_repeatable passed on', async () => {
    await client.provision('i-upd', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    await pollUntilDone(() => client.lastOperation('i-upd', { for: 'provision' }), { operation: 'provision', intervalMs: 5 });
    broker.failNextOperation({ description: 'Resize refused', instanceUsable: false, updateRepeatable: false });
    const u = await client.update('i-upd', { service_id: SVC, parameters: { size: 9 } }, { acceptsIncomplete: true });
    assert.equal(u.kind, 'async');
    const end = await pollUntilDone(() => client.lastOperation('i-upd', { planId: LARGE, for: 'update' }), { operation: 'update', intervalMs: 5 });
    assertFailed(end);
    assert.equal(end.orphanMitigation, false);
    assert.equal(end.instanceUsable, false);
    assert.equal(end.updateRepeatable, false);
    assert.equal(end.retryable, false);
  });

  test('ConcurrencyError while another operation runs: retryable, no orphan mitigation', async () => {
    await client.provision('i-conc', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    await pollUntilDone(() => client.lastOperation('i-conc', { for: 'provision' }), { operation: 'provision', intervalMs: 5 });
    broker.behaviour.stallOperations = true;
    try {
      assert.equal((await client.update('i-conc', { service_id: SVC, parameters: { size: 2 } }, { acceptsIncomplete: true })).kind, 'async');
      const second = await client.update('i-conc', { service_id: SVC, parameters: { size: 3 } }, { acceptsIncomplete: true });
      assertFailed(second);
      assert.equal(second.error, 'ConcurrencyError');
      assert.equal(second.remedy, 'waitForOtherOperation');
      assert.equal(second.retryable, true);
      assert.equal(second.orphanMitigation, false);
      const fetched = await client.getInstance('i-conc');
      assertFailed(fetched);
      assert.equal(fetched.error, 'ConcurrencyError');
    } finally {
      broker.behaviour.stallOperations = false;
    }
  });

  test('MaintenanceInfoConflict: refetch the catalog, no orphan mitigation', async () => {
    const r = await client.provision('i-mi', { service_id: SVC, plan_id: LARGE, maintenance_info: { version: '0.9.0' } }, { acceptsIncomplete: true });
    assertFailed(r);
    assert.equal(r.error, 'MaintenanceInfoConflict');
    assert.equal(r.remedy, 'refetchCatalog');
    assert.equal(r.orphanMitigation, false);
    const ok = await client.provision('i-mi', { service_id: SVC, plan_id: LARGE, maintenance_info: { version: LARGE_PLAN_MAINTENANCE_VERSION } }, { acceptsIncomplete: true });
    assert.equal(ok.kind, 'async');
  });

  test('RequiresApp on bind without an app', async () => {
    await client.provision('i-app', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    broker.behaviour.requiresApp = true;
    try {
      const r = await client.bind('i-app', 'b', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
      assertFailed(r);
      assert.equal(r.error, 'RequiresApp');
      assert.equal(r.remedy, 'provideApp');
      assert.equal(r.orphanMitigation, false);
      assert.equal(r.retryable, false);
    } finally {
      broker.behaviour.requiresApp = false;
    }
  });

  test('polling past the maximum polling duration fails the provision with orphan mitigation', async () => {
    broker.behaviour.stallOperations = true;
    try {
      const r = await client.provision('i-stall', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
      assert.equal(r.kind, 'async');
      let polls = 0;
      const end = await pollUntilDone(
        () => {
          polls++;
          return client.lastOperation('i-stall', { for: 'provision' });
        },
        { operation: 'provision', intervalMs: 20, maxDurationMs: 150 },
      );
      assertFailed(end);
      assert.equal(end.reason, 'operationFailed');
      assert.equal(end.orphanMitigation, true);
      assert.match(end.description, /maximum polling duration/);
      assert.ok(polls >= 2, `polled ${polls} times`);
    } finally {
      broker.behaviour.stallOperations = false;
    }
  });

  test('a provision the broker completes but never answers: timeout, orphan mitigation removes the orphan', async () => {
    const quick = new OsbClient({ url: broker.url, auth: AUTH, timeoutMs: 300 });
    broker.inject({ endpoint: 'provision', hang: true, afterHandling: true });
    const r = await quick.provision('i-orphan', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    assertFailed(r);
    assert.equal(r.reason, 'timeout');
    assert.equal(r.orphanMitigation, true);
    assert.equal(r.retryable, true);
    assert.equal(broker.instance('i-orphan')?.status, 'ready', 'the broker did create it');
    quick.close();
    const om = await client.deprovision('i-orphan', { serviceId: SVC, planId: SMALL, acceptsIncomplete: true });
    assert.equal(om.kind, 'done');
    assert.equal(broker.instance('i-orphan'), undefined);
  });

  test('a bind answered 500 after the broker created it: orphan mitigation unbinds it', async () => {
    await client.provision('i-500', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    broker.inject({ endpoint: 'bind', status: 500, body: { description: 'database hiccup' }, afterHandling: true });
    const r = await client.bind('i-500', 'b-500', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    assertFailed(r);
    assert.equal(r.reason, 'brokerError');
    assert.equal(r.description, 'database hiccup');
    assert.equal(r.orphanMitigation, true);
    assert.ok(broker.binding('i-500', 'b-500'));
    assert.equal((await client.unbind('i-500', 'b-500', { serviceId: SVC, planId: SMALL, acceptsIncomplete: true })).kind, 'done');
    assert.equal(broker.binding('i-500', 'b-500'), undefined);
  });

  test('a 201 with garbage for a body: malformed, orphan mitigation', async () => {
    broker.inject({ endpoint: 'provision', garbage: true, afterHandling: true });
    const r = await client.provision('i-garbage', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    assertFailed(r);
    assert.equal(r.reason, 'malformed');
    assert.equal(r.status, 201);
    assert.equal(r.orphanMitigation, true);
    assert.match(r.description, /201 Created answer to provision is malformed: the body is not valid JSON/);
  });

  test('a slow broker within the timeout is fine', async () => {
    broker.inject({ endpoint: 'catalog', delayMs: 200 });
    const r = await client.getCatalog();
    assert.equal(r.kind, 'done');
  });
});

// ---------------------------------------------------------------------------------------------------
// Against a raw server answering whatever a test tells it
// ---------------------------------------------------------------------------------------------------

interface Canned {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

describe('OsbClient against a raw server', () => {
  let server: http.Server;
  let base: string;
  let canned: Canned = { status: 200, body: '{}' };
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => {
        if (canned.status === 0) return; // hang
        res.writeHead(canned.status, canned.headers ?? {});
        res.end(canned.body ?? '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const client = (timeoutMs = 5000, url = base): OsbClient => new OsbClient({ url, timeoutMs, auth: { bearer: { token: 'tok-1' } } });
  const json = (status: number, body: unknown, headers?: Record<string, string>): Canned => ({
    status,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(headers ? { headers } : {}),
  });
  const provisionReq = { service_id: 's', plan_id: 'p' };

  type Expect = { kind: string; orphanMitigation?: boolean; retryable?: boolean; reason?: string };
  const cases: { name: string; call: (c: OsbClient) => Promise<{ kind: string }>; answer: Canned; expect: Expect }[] = [
    // provision
    { name: 'provision 201 valid', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(201, {}), expect: { kind: 'done' } },
    { name: 'provision 201 malformed', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(201, '{"dashboard_url": 7}'), expect: { kind: 'failed', orphanMitigation: true, reason: 'malformed' } },
    { name: 'provision 200 malformed', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(200, 'nope'), expect: { kind: 'failed', orphanMitigation: false, reason: 'malformed' } },
    { name: 'provision 202 valid', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(202, { operation: 'op1' }), expect: { kind: 'async' } },
    { name: 'provision 202 malformed', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(202, '[]'), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'provision 204 (other 2xx)', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(204, ''), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'provision 408', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(408, {}), expect: { kind: 'failed', orphanMitigation: false, retryable: true, reason: 'rejected' } },
    { name: 'provision 400', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(400, { description: 'bad' }), expect: { kind: 'failed', orphanMitigation: false, retryable: false } },
    { name: 'provision 409', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(409, {}), expect: { kind: 'alreadyExists' } },
    { name: 'provision 410', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(410, {}), expect: { kind: 'failed', orphanMitigation: false, retryable: false } },
    { name: 'provision 422 ConcurrencyError', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(422, { error: 'ConcurrencyError' }), expect: { kind: 'failed', orphanMitigation: false, retryable: true } },
    { name: 'provision 429', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(429, {}), expect: { kind: 'failed', orphanMitigation: false, retryable: true } },
    { name: 'provision 500', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(500, 'oops'), expect: { kind: 'failed', orphanMitigation: true, retryable: true, reason: 'brokerError' } },
    { name: 'provision 503', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(503, {}), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'provision 302', call: (c) => c.provision('i', provisionReq, { acceptsIncomplete: true }), answer: json(302, '', { location: '/x' }), expect: { kind: 'failed', orphanMitigation: false } },
    // bind
    { name: 'bind 201 credentials not an object', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(201, { credentials: 'secret' }), expect: { kind: 'failed', orphanMitigation: true, reason: 'malformed' } },
    { name: 'bind 201 endpoints without ports', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(201, { endpoints: [{ host: 'h', ports: [] }] }), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'bind 201 with volume mounts', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(201, { volume_mounts: [{ driver: 'd', container_dir: '/d', mode: 'rw', device_type: 'shared', device: { volume_id: 'v' } }], syslog_drain_url: 'syslog://x', route_service_url: 'https://r' }), expect: { kind: 'done' } },
    { name: 'bind 202 malformed', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(202, '{"operation": 5}'), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'bind 200 malformed', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(200, ''), expect: { kind: 'failed', orphanMitigation: false } },
    { name: 'bind 206 (other 2xx)', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(206, {}), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'bind 502', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(502, {}), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'bind 409', call: (c) => c.bind('i', 'b', provisionReq, { acceptsIncomplete: true }), answer: json(409, {}), expect: { kind: 'alreadyExists' } },
    // update
    { name: 'update 200', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(200, {}), expect: { kind: 'done' } },
    { name: 'update 202', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(202, { operation: 'u1' }), expect: { kind: 'async' } },
    { name: 'update 202 malformed', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(202, 'x'), expect: { kind: 'failed', orphanMitigation: false } },
    { name: 'update 204 (other 2xx)', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(204, ''), expect: { kind: 'failed', orphanMitigation: false } },
    { name: 'update 500', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(500, {}), expect: { kind: 'failed', orphanMitigation: false, retryable: true } },
    { name: 'update 500 not repeatable', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(500, { update_repeatable: false }), expect: { kind: 'failed', orphanMitigation: false, retryable: false } },
    { name: 'update 422 without a code', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(422, { description: 'quota' }), expect: { kind: 'failed', orphanMitigation: false, retryable: false } },
    { name: 'update 422 repeatable', call: (c) => c.update('i', { service_id: 's' }, { acceptsIncomplete: true }), answer: json(422, { update_repeatable: true }), expect: { kind: 'failed', retryable: true } },
    // deprovision and unbind
    { name: 'deprovision 200', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(200, {}), expect: { kind: 'done' } },
    { name: 'deprovision 200 malformed', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(200, 'ok'), expect: { kind: 'failed', orphanMitigation: false } },
    { name: 'deprovision 202 malformed', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(202, '"x"'), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'deprovision 201 (other 2xx)', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(201, {}), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'deprovision 410', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(410, {}), expect: { kind: 'gone' } },
    { name: 'deprovision 500', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(500, {}), expect: { kind: 'failed', orphanMitigation: true, retryable: true } },
    { name: 'deprovision 422 AsyncRequired', call: (c) => c.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: false }), answer: json(422, { error: 'AsyncRequired' }), expect: { kind: 'failed', orphanMitigation: false, retryable: false } },
    { name: 'unbind 500', call: (c) => c.unbind('i', 'b', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(500, {}), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'unbind 410', call: (c) => c.unbind('i', 'b', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(410, {}), expect: { kind: 'gone' } },
    { name: 'unbind 400', call: (c) => c.unbind('i', 'b', { serviceId: 's', planId: 'p', acceptsIncomplete: true }), answer: json(400, {}), expect: { kind: 'failed', orphanMitigation: false } },
    // last operation
    { name: 'lastOperation 410 while provisioning', call: (c) => c.lastOperation('i', { for: 'provision' }), answer: json(410, {}), expect: { kind: 'pollAgain' } },
    { name: 'lastOperation 410 while deprovisioning', call: (c) => c.lastOperation('i', { for: 'deprovision' }), answer: json(410, {}), expect: { kind: 'gone' } },
    { name: 'lastOperation 500', call: (c) => c.lastOperation('i', { for: 'provision' }), answer: json(500, {}), expect: { kind: 'pollAgain' } },
    { name: 'lastOperation 404', call: (c) => c.lastOperation('i', { for: 'provision' }), answer: json(404, {}), expect: { kind: 'pollAgain' } },
    { name: 'lastOperation unknown state', call: (c) => c.lastOperation('i', { for: 'provision' }), answer: json(200, { state: 'done' }), expect: { kind: 'pollAgain' } },
    { name: 'lastOperation failed (update)', call: (c) => c.lastOperation('i', { for: 'update' }), answer: json(200, { state: 'failed' }), expect: { kind: 'failed', orphanMitigation: false, retryable: true } },
    { name: 'lastOperation failed (deprovision)', call: (c) => c.lastOperation('i', { for: 'deprovision' }), answer: json(200, { state: 'failed', instance_usable: false }), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'lastBindingOperation failed (bind)', call: (c) => c.lastBindingOperation('i', 'b', { for: 'bind' }), answer: json(200, { state: 'failed' }), expect: { kind: 'failed', orphanMitigation: true } },
    { name: 'lastBindingOperation failed (unbind)', call: (c) => c.lastBindingOperation('i', 'b', { for: 'unbind' }), answer: json(200, { state: 'failed' }), expect: { kind: 'failed', orphanMitigation: true } },
    // fetches and catalog
    { name: 'getInstance 500', call: (c) => c.getInstance('i'), answer: json(500, {}), expect: { kind: 'failed', orphanMitigation: false, retryable: true } },
    { name: 'getInstance 200 malformed', call: (c) => c.getInstance('i'), answer: json(200, { parameters: [] }), expect: { kind: 'failed', orphanMitigation: false } },
    { name: 'getBinding 404', call: (c) => c.getBinding('i', 'b'), answer: json(404, {}), expect: { kind: 'notFound' } },
    { name: 'getCatalog without plans', call: (c) => c.getCatalog(), answer: json(200, { services: [{ id: 'x', name: 'x', description: 'd', bindable: true, plans: [] }] }), expect: { kind: 'failed', orphanMitigation: false, reason: 'malformed' } },
    { name: 'getCatalog 500', call: (c) => c.getCatalog(), answer: json(500, {}), expect: { kind: 'failed', orphanMitigation: false } },
  ];

  for (const c of cases) {
    test(`${c.name}: ${c.expect.kind}${c.expect.orphanMitigation === undefined ? '' : `, orphan mitigation ${c.expect.orphanMitigation}`}`, async () => {
      canned = c.answer;
      const cl = client();
      const r = (await c.call(cl)) as { kind: string } & Partial<OsbFailure>;
      cl.close();
      assert.equal(r.kind, c.expect.kind, JSON.stringify(r));
      if (c.expect.orphanMitigation !== undefined) assert.equal(r.orphanMitigation, c.expect.orphanMitigation, JSON.stringify(r));
      if (c.expect.retryable !== undefined) assert.equal(r.retryable, c.expect.retryable, JSON.stringify(r));
      if (c.expect.reason !== undefined) assert.equal(r.reason, c.expect.reason, JSON.stringify(r));
    });
  }

  test('bearer auth, version and request identity headers reach the server', async () => {
    canned = json(200, { services: [] });
    const cl = client();
    await cl.getCatalog();
    cl.close();
    const h = seen.at(-1)!.headers;
    assert.equal(h.authorization, 'Bearer tok-1');
    assert.equal(h['x-broker-api-version'], '2.17');
    assert.ok(h['x-broker-api-request-identity']);
  });

  test('a path prefix in the broker URL is kept and ids are percent-encoded', async () => {
    canned = json(200, {});
    const cl = client(5000, `${base}/brokers/one/`);
    await cl.deprovision('a b/c', { serviceId: 's 1', planId: 'p&2', acceptsIncomplete: false });
    cl.close();
    assert.equal(seen.at(-1)!.url, '/brokers/one/v2/service_instances/a%20b%2Fc?service_id=s+1&plan_id=p%262');
  });

  test('Retry-After as seconds and as an HTTP date', async () => {
    const cl = client();
    canned = json(200, { state: 'in progress' }, { 'retry-after': '7' });
    const a = await cl.lastOperation('i', { for: 'provision' });
    assert.equal(a.kind === 'inProgress' && a.retryAfterMs, 7000);
    canned = json(200, { state: 'in progress' }, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() });
    const b = await cl.lastOperation('i', { for: 'provision' });
    assert.ok(b.kind === 'inProgress' && b.retryAfterMs !== undefined && b.retryAfterMs > 28_000 && b.retryAfterMs <= 30_000, JSON.stringify(b));
    canned = json(503, {}, { 'retry-after': '3' });
    const c = await cl.lastOperation('i', { for: 'provision' });
    assert.equal(c.kind === 'pollAgain' && c.retryAfterMs, 3000);
    cl.close();
  });

  test('error bodies: description, error code and the update flags with their defaults', async () => {
    const cl = client();
    canned = json(500, { error: 'Busted', description: 'Disk full', instance_usable: false });
    const u = await cl.update('i', { service_id: 's' }, { acceptsIncomplete: true });
    assertFailed(u);
    assert.equal(u.error, 'Busted');
    assert.equal(u.description, 'Disk full');
    assert.equal(u.instanceUsable, false);
    assert.equal(u.updateRepeatable, true);
    canned = json(503, '');
    const d = await cl.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true });
    assertFailed(d);
    assert.equal(d.instanceUsable, true);
    assert.equal(d.updateRepeatable, undefined);
    assert.equal(d.description, 'The broker answered 503 Service Unavailable to deprovision');
    canned = json(500, { instance_usable: false });
    const p = await cl.provision('i', provisionReq, { acceptsIncomplete: true });
    assertFailed(p);
    assert.equal(p.instanceUsable, undefined, 'instance_usable belongs to update and deprovision only');
    cl.close();
  });

  test('timeouts: orphan mitigation for provision and bind only', async () => {
    canned = { status: 0 };
    const cl = client(200);
    const p = await cl.provision('i', provisionReq, { acceptsIncomplete: true });
    const b = await cl.bind('i', 'b', provisionReq, { acceptsIncomplete: true });
    const u = await cl.update('i', { service_id: 's' }, { acceptsIncomplete: true });
    const d = await cl.deprovision('i', { serviceId: 's', planId: 'p', acceptsIncomplete: true });
    const ub = await cl.unbind('i', 'b', { serviceId: 's', planId: 'p', acceptsIncomplete: true });
    const cat = await cl.getCatalog();
    const lo = await cl.lastOperation('i', { for: 'provision' });
    cl.close();
    for (const [r, om] of [[p, true], [b, true], [u, false], [d, false], [ub, false], [cat, false]] as const) {
      assertFailed(r);
      assert.equal(r.reason, 'timeout');
      assert.equal(r.retryable, true);
      assert.equal(r.orphanMitigation, om);
    }
    assert.equal(lo.kind, 'pollAgain', 'a poll that times out is polled again');
  });

  test('an abort signal ends the request like a timeout', async () => {
    canned = { status: 0 };
    const cl = client();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await cl.provision('i', provisionReq, { acceptsIncomplete: true, signal: ac.signal });
    cl.close();
    assertFailed(r);
    assert.equal(r.reason, 'timeout');
    assert.equal(r.orphanMitigation, true);
  });

  test('an unreachable broker: never orphan mitigation', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const cl = client(2000, `http://127.0.0.1:${port}`);
    const r = await cl.provision('i', provisionReq, { acceptsIncomplete: true });
    cl.close();
    assertFailed(r);
    assert.equal(r.reason, 'unreachable');
    assert.equal(r.orphanMitigation, false);
    assert.equal(r.retryable, true);
    assert.match(r.description, /ECONNREFUSED/);
  });

  test('constructor rejects bad URLs and timeouts', () => {
    assert.throws(() => new OsbClient({ url: 'not a url' }), TypeError);
    assert.throws(() => new OsbClient({ url: 'ftp://x' }), TypeError);
    assert.throws(() => new OsbClient({ url: base, timeoutMs: 0 }), RangeError);
    const cl = client();
    assert.rejects(() => cl.provision('', provisionReq, { acceptsIncomplete: true }), TypeError);
    cl.close();
  });
});

// ---------------------------------------------------------------------------------------------------
// TLS
// ---------------------------------------------------------------------------------------------------

describe('OsbClient over TLS', () => {
  let broker: ExampleBroker;
  let caPem: string;
  let otherCaPem: string;

  before(async () => {
    const ca = await signCertificate({ commonName: 'broker-ca', days: 1, isCA: true });
    const leaf = await signCertificate({ commonName: 'broker', days: 1, serverAuth: true, hosts: ['127.0.0.1', 'localhost'] }, ca);
    otherCaPem = (await signCertificate({ commonName: 'other-ca', days: 1, isCA: true })).cert;
    caPem = ca.cert;
    broker = await startExampleBroker({ tls: leaf, auth: AUTH });
  });
  after(async () => {
    await broker.close();
  });

  test('trusts the broker through caBundle', async () => {
    assert.match(broker.url, /^https:/);
    const cl = new OsbClient({ url: broker.url, auth: AUTH, caBundle: caPem });
    const r = await cl.getCatalog();
    cl.close();
    assert.equal(r.kind, 'done');
  });

  test('refuses an unknown certificate (unreachable, nothing sent) unless insecureSkipTLSVerify', async () => {
    const before = broker.requests.length;
    const strict = new OsbClient({ url: broker.url, auth: AUTH, caBundle: otherCaPem });
    const r = await strict.provision('i-tls', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    strict.close();
    assertFailed(r);
    assert.equal(r.reason, 'unreachable');
    assert.equal(r.orphanMitigation, false);
    assert.equal(broker.requests.length, before, 'the broker never saw the request');

    const insecure = new OsbClient({ url: broker.url, auth: AUTH, insecureSkipTLSVerify: true });
    const ok = await insecure.getCatalog();
    insecure.close();
    assert.equal(ok.kind, 'done');
  });
});
