import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExampleBroker, type ExampleBroker } from '../../../src/catalog/brokers/example-broker.js';
import { exampleCatalog, EXAMPLE_SERVICE_ID as SVC, LARGE_PLAN_ID as LARGE, SMALL_PLAN_ID as SMALL } from '../../../src/catalog/brokers/example-catalog.js';
import { OsbClient } from '../../../src/catalog/osb/client.js';

const V = { 'x-broker-api-version': '2.17' };

async function call(broker: ExampleBroker, method: string, p: string, body?: unknown, headers: Record<string, string> = V): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${broker.url}${p}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('startExampleBroker()', () => {
  let broker: ExampleBroker;
  let client: OsbClient;
  before(async () => {
    broker = await startExampleBroker({ auth: { bearer: { token: 't0k' } } });
    client = new OsbClient({ url: broker.url, auth: { bearer: { token: 't0k' } }, timeoutMs: 3000 });
  });
  after(async () => {
    client.close();
    await broker.close();
  });

  test('answers 412 without a supported X-Broker-API-Version, 401 without credentials, 404 off the API', async () => {
    const none = await call(broker, 'GET', '/v2/catalog', undefined, {});
    assert.equal(none.status, 412);
    const old = await call(broker, 'GET', '/v2/catalog', undefined, { 'x-broker-api-version': '2.13' });
    assert.equal(old.status, 412);
    const unauth = await call(broker, 'GET', '/v2/catalog');
    assert.equal(unauth.status, 401);
    const authed = await call(broker, 'GET', '/v2/catalog', undefined, { ...V, authorization: 'Bearer t0k' });
    assert.equal(authed.status, 200);
    const off = await call(broker, 'GET', '/v3/catalog');
    assert.equal(off.status, 404);
    assert.equal(broker.requests.at(-1)!.endpoint, 'unknown');
  });

  test('echoes X-Broker-API-Request-Identity and records the originating identity on create', async () => {
    const res = await call(broker, 'GET', '/v2/catalog', undefined, { ...V, authorization: 'Bearer t0k', 'x-broker-api-request-identity': 'rid-9' });
    assert.equal(res.headers.get('x-broker-api-request-identity'), 'rid-9');
    await client.provision('who', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true, originatingIdentity: { username: 'bob', groups: ['g'] } });
    assert.deepEqual(broker.instance('who')?.createdBy, { platform: 'kubernetes', username: 'bob', uid: '', groups: ['g'], extra: {} });
  });

  test('a fault with a status answers it without touching state; times and instanceId narrow it', async () => {
    broker.inject({ endpoint: 'provision', instanceId: 'f1', status: 503, body: { description: 'maintenance' }, times: 2 });
    const other = await client.provision('f0', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    assert.equal(other.kind, 'done', 'another instance id is not struck');
    for (let i = 0; i < 2; i++) {
      const r = await client.provision('f1', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
      assert.equal(r.kind === 'failed' && r.status, 503);
      assert.equal(broker.instance('f1'), undefined);
    }
    assert.equal((await client.provision('f1', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true })).kind, 'done');
  });

  test('a raw string body, extra headers and garbage', async () => {
    broker.inject({ endpoint: 'catalog', status: 200, body: '{"services": "nope"}', headers: { 'x-fault': '1' } });
    const raw = await call(broker, 'GET', '/v2/catalog', undefined, { ...V, authorization: 'Bearer t0k' });
    assert.equal(raw.text, '{"services": "nope"}');
    assert.equal(raw.headers.get('x-fault'), '1');
    broker.inject({ endpoint: 'catalog', garbage: true });
    const g = await call(broker, 'GET', '/v2/catalog', undefined, { ...V, authorization: 'Bearer t0k' });
    assert.equal(g.status, 200);
    assert.throws(() => JSON.parse(g.text));
  });

  test('a delay-only fault slows the normal answer; clearFaults() drops what is queued', async () => {
    broker.inject({ endpoint: 'getInstance', delayMs: 150 });
    const t0 = Date.now();
    const r = await client.getInstance('f0');
    assert.equal(r.kind, 'done');
    assert.ok(Date.now() - t0 >= 140);
    broker.inject({ endpoint: 'getInstance', status: 500 });
    broker.clearFaults();
    assert.equal((await client.getInstance('f0')).kind, 'done');
  });

  test('a hang holds the request until the client gives up', async () => {
    broker.inject({ endpoint: 'getInstance', hang: true });
    const quick = new OsbClient({ url: broker.url, auth: { bearer: { token: 't0k' } }, timeoutMs: 200 });
    const r = await quick.getInstance('f0');
    quick.close();
    assert.equal(r.kind === 'failed' && r.reason, 'timeout');
  });

  test('deprovision during an async provision halts it', async () => {
    assert.equal((await client.provision('halt', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true })).kind, 'async');
    assert.equal((await client.deprovision('halt', { serviceId: SVC, planId: LARGE, acceptsIncomplete: true })).kind, 'async');
    const ops = broker.instance('halt')!.operations;
    assert.deepEqual(ops.map((o) => [o.type, o.state]), [['provision', 'failed'], ['deprovision', 'in progress']]);
  });

  test('deprovision and unbind require service_id and plan_id', async () => {
    const r = await call(broker, 'DELETE', '/v2/service_instances/f0', undefined, { ...V, authorization: 'Bearer t0k' });
    assert.equal(r.status, 400);
    assert.match(r.text, /service_id/);
  });

  test('changing plan small -> large makes the update asynchronous', async () => {
    const r = await client.update('f0', { service_id: SVC, plan_id: LARGE, previous_values: { plan_id: SMALL } }, { acceptsIncomplete: false });
    assert.equal(r.kind === 'failed' && r.error, 'AsyncRequired');
    const a = await client.update('f0', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    assert.equal(a.kind, 'async');
    assert.equal(broker.instance('f0')!.planId, SMALL);
    await client.lastOperation('f0', { planId: SMALL, for: 'update' });
    const done = await client.lastOperation('f0', { planId: SMALL, for: 'update' });
    assert.equal(done.kind, 'succeeded');
    assert.equal(broker.instance('f0')!.planId, LARGE);
  });

  test('binding rotation copies the predecessor; bindings carry expiry when configured', async () => {
    broker.behaviour.bindingTtlSeconds = 3600;
    try {
      await client.provision('rot', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
      const first = await client.bind('rot', 'b1', { service_id: SVC, plan_id: SMALL, parameters: { readonly: true } }, { acceptsIncomplete: true });
      assert.equal(first.kind, 'done');
      const exp = first.kind === 'done' ? first.response.metadata : undefined;
      assert.ok(exp?.expires_at && exp.renew_before && exp.renew_before < exp.expires_at);
      const second = await client.bind('rot', 'b2', { service_id: SVC, plan_id: SMALL, predecessor_binding_id: 'b1' }, { acceptsIncomplete: true });
      assert.equal(second.kind, 'done');
      assert.equal(broker.binding('rot', 'b2')?.predecessorBindingId, 'b1');
      assert.deepEqual(broker.binding('rot', 'b2')?.parameters, { readonly: true });
      assert.notEqual(second.kind === 'done' && second.response.credentials?.password, first.kind === 'done' && first.response.credentials?.password);
      const bad = await client.bind('rot', 'b3', { service_id: SVC, plan_id: SMALL, predecessor_binding_id: 'nope' }, { acceptsIncomplete: true });
      assert.equal(bad.kind === 'failed' && bad.status, 400);
    } finally {
      delete broker.behaviour.bindingTtlSeconds;
    }
  });
});

test('setCatalog() serves a catalog without a plan; requests for it get 400', async () => {
  const b = await startExampleBroker();
  const c = new OsbClient({ url: b.url });
  try {
    const catalog = exampleCatalog();
    catalog.services[0]!.plans = catalog.services[0]!.plans.filter((p) => p.id !== LARGE);
    b.setCatalog(catalog);
    const got = await c.getCatalog();
    assert.deepEqual(got.kind === 'done' && got.catalog.services[0]!.plans.map((p) => p.name), ['small']);
    const r = await c.provision('x', { service_id: SVC, plan_id: LARGE }, { acceptsIncomplete: true });
    assert.equal(r.kind === 'failed' && r.status, 400);
  } finally {
    c.close();
    await b.close();
  }
});

test('startExampleBroker() with a state file keeps instances and bindings across restarts', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-broker-'));
  try {
    const stateFile = path.join(dir, 'state.json');
    const b1 = await startExampleBroker({ stateFile });
    const c1 = new OsbClient({ url: b1.url });
    await c1.provision('keep', { service_id: SVC, plan_id: SMALL, parameters: { size: 2 } }, { acceptsIncomplete: true });
    await c1.bind('keep', 'kb', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    c1.close();
    await b1.close();
    assert.ok(JSON.parse(readFileSync(stateFile, 'utf8')).instances.length === 1);

    const b2 = await startExampleBroker({ stateFile });
    const c2 = new OsbClient({ url: b2.url });
    const got = await c2.getInstance('keep');
    assert.deepEqual(got.kind === 'done' && got.instance.parameters, { size: 2 });
    assert.equal((await c2.getBinding('keep', 'kb')).kind, 'done');
    c2.close();
    await b2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('startExampleBroker({ async: true }) makes every plan asynchronous', async () => {
  const b = await startExampleBroker({ async: true, asyncPolls: 0 });
  const c = new OsbClient({ url: b.url });
  try {
    const r = await c.provision('a', { service_id: SVC, plan_id: SMALL }, { acceptsIncomplete: true });
    assert.equal(r.kind, 'async');
    assert.equal((await c.lastOperation('a', { for: 'provision' })).kind, 'succeeded');
  } finally {
    c.close();
    await b.close();
  }
});
