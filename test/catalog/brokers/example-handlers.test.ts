import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExampleHandlers, type BrokerBehaviour } from '../../../src/catalog/brokers/example-handlers.js';
import { BrokerState } from '../../../src/catalog/brokers/broker-state.js';
import { exampleCatalog, EXAMPLE_SERVICE_ID as SVC, LARGE_PLAN_ID as LARGE, SMALL_PLAN_ID as SMALL } from '../../../src/catalog/brokers/example-catalog.js';
import type { JsonValue } from '../../../src/catalog/osb/types.js';

function setup(over: Partial<BrokerBehaviour> = {}): { h: ExampleHandlers; state: BrokerState } {
  const state = new BrokerState();
  const behaviour: BrokerBehaviour = { async: false, asyncPolls: 1, stallOperations: false, requiresApp: false, credentialHost: 'db.local', credentialPort: 5432, ...over };
  return { h: new ExampleHandlers(exampleCatalog(), state, behaviour), state };
}
const facts = (body?: JsonValue, query: Record<string, string> = {}) => ({ body, query: new URLSearchParams(query) });
const ACCEPTS = { accepts_incomplete: 'true' };

test('provision(): 201, then 200 when identical, 409 when different, 400 for unknown plans or bad parameters', () => {
  const { h } = setup();
  assert.equal(h.provision('i', facts({ service_id: SVC, plan_id: SMALL })).status, 201);
  assert.equal(h.provision('i', facts({ service_id: SVC, plan_id: SMALL })).status, 200);
  assert.equal(h.provision('i', facts({ service_id: SVC, plan_id: SMALL, parameters: { size: 2 } })).status, 409);
  assert.equal(h.provision('j', facts({ service_id: SVC, plan_id: 'nope' })).status, 400);
  assert.equal(h.provision('j', facts({ service_id: SVC, plan_id: SMALL, parameters: { colour: 'red' } })).status, 400);
  assert.equal(h.provision('j', facts('not an object')).status, 400);
});

test('an async provision re-sent while running answers 202 with the same operation', () => {
  const { h } = setup();
  const a = h.provision('i', facts({ service_id: SVC, plan_id: LARGE }, ACCEPTS));
  const b = h.provision('i', facts({ service_id: SVC, plan_id: LARGE }, ACCEPTS));
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.deepEqual((a.body as { operation: string }).operation, (b.body as { operation: string }).operation);
});

test('lastOperation() advances one step per poll and fails when told to', () => {
  const { h, state } = setup({ asyncPolls: 2, retryAfterSeconds: 4 });
  h.failNextOperation({ description: 'no disk' });
  h.provision('i', facts({ service_id: SVC, plan_id: LARGE }, ACCEPTS));
  const p1 = h.lastOperation('i', facts());
  assert.deepEqual(p1, { status: 200, body: { state: 'in progress', description: 'provision in progress' }, headers: { 'retry-after': '4' } });
  h.lastOperation('i', facts());
  const p3 = h.lastOperation('i', facts());
  assert.deepEqual(p3.body, { state: 'failed', description: 'no disk' });
  assert.equal(state.instances.get('i')?.status, 'failed');
  assert.equal(h.lastOperation('i', facts(undefined, { operation: 'other' })).status, 400);
  assert.equal(h.lastOperation('nope', facts()).status, 404);
});

test('bind(): credentials with host, port, database, username, password and uri; 404 without an instance', () => {
  const { h } = setup();
  assert.equal(h.bind('i', 'b', facts({ service_id: SVC, plan_id: SMALL })).status, 404);
  h.provision('i', facts({ service_id: SVC, plan_id: SMALL }));
  const r = h.bind('i', 'b', facts({ service_id: SVC, plan_id: SMALL }));
  assert.equal(r.status, 201);
  const creds = (r.body as { credentials: Record<string, unknown> }).credentials;
  assert.deepEqual(Object.keys(creds).sort(), ['database', 'host', 'password', 'port', 'readonly', 'uri', 'username']);
  assert.equal(creds.host, 'db.local');
  assert.equal(creds.uri, `exampledb://${creds.username}:${creds.password}@db.local:5432/${creds.database}`);
  assert.equal(h.bind('i', 'b2', facts({ service_id: SVC, plan_id: LARGE })).status, 400, 'plan must match the instance');
});

test('an async deprovision ends with 410 Gone on later polls; deprovision of nothing is 410', () => {
  const { h } = setup({ asyncPolls: 0 });
  h.provision('i', facts({ service_id: SVC, plan_id: LARGE }, ACCEPTS));
  h.lastOperation('i', facts());
  h.bind('i', 'b', facts({ service_id: SVC, plan_id: LARGE }, ACCEPTS));
  h.lastBindingOperation('i', 'b', facts());
  const ids = { service_id: SVC, plan_id: LARGE };
  assert.equal(h.deprovision('i', facts(undefined, ids)).status, 422, 'AsyncRequired');
  assert.equal(h.deprovision('i', facts(undefined, { ...ids, ...ACCEPTS })).status, 202);
  assert.deepEqual(h.lastOperation('i', facts()).body, { state: 'succeeded' });
  assert.equal(h.lastOperation('i', facts()).status, 410);
  assert.equal(h.getBinding('i', 'b').status, 404, 'its bindings went with it');
  assert.equal(h.deprovision('i', facts(undefined, ids)).status, 410);
});
