import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNotFound, type KubeObject } from '../../../../src/api/index.js';
import { binding, condition, cr, eventsFor, eventually, instance, registerBroker, startCatalog, statusOf, waitCondition, type CatalogEnv } from '../fixtures.js';

const decode = (secret: KubeObject): Record<string, string> =>
  Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

async function exists(env: CatalogEnv, r: (typeof cr)[keyof typeof cr], name: string): Promise<boolean> {
  try {
    await env.cluster.client.get(r, name, { namespace: 'default' });
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

async function readyInstance(env: CatalogEnv): Promise<KubeObject> {
  await registerBroker(env);
  await env.cluster.client.create(cr.serviceInstances, instance('db'));
  return waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
}

test('a binding writes its credentials, transformed, into a Secret it owns, restores it, and unbinds and removes it on delete', async () => {
  const env = await startCatalog();
  try {
    await readyInstance(env);
    await env.cluster.client.create(cr.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'extra', namespace: 'default' }, stringData: { region: 'eu-1' } });
    const created = await env.cluster.client.create(
      cr.serviceBindings,
      binding('app', 'db', {
        parameters: { readonly: true },
        secretTransforms: [
          { renameKey: { from: 'uri', to: 'DATABASE_URL' } },
          { addKey: { key: 'mode', stringValue: 'ro' } },
          { addKey: { key: 'DB_HOST', jsonPathExpression: '{.host}' } },
          { addKeysFrom: { secretRef: { name: 'extra' } } },
          { removeKey: { key: 'readonly' } },
        ],
      }),
    );
    assert.equal((created.spec as { secretName?: string }).secretName, 'app');
    const ready = await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True', 'InjectedBindResult');
    assert.equal(statusOf(ready).unbindStatus, 'Required');
    const secret = await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' });
    const data = decode(secret);
    assert.match(data.DATABASE_URL, /^exampledb:\/\//);
    assert.equal(data.uri, undefined);
    assert.equal(data.mode, 'ro');
    assert.equal(data.DB_HOST, data.host);
    assert.equal(data.region, 'eu-1');
    assert.equal(data.readonly, undefined);
    assert.ok(data.username && data.password);
    // The servicebinding.io entries beside the credentials.
    assert.equal(data.type, 'example-db');
    assert.equal(data.provider, 'example');
    assert.deepEqual(
      secret.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
      [['ServiceBinding', 'app', ready.metadata.uid, true]],
    );
    assert.equal(env.broker.bindings().length, 1);
    assert.deepEqual(env.broker.bindings()[0].parameters, { readonly: true });

    // A deleted Secret is written again from the broker's copy of the binding.
    await env.cluster.client.delete(cr.secrets, 'app', { namespace: 'default' });
    await eventually(() => exists(env, cr.secrets, 'app'), 15_000, 'Secret rewritten');
    assert.equal(decode(await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' })).DATABASE_URL, data.DATABASE_URL);
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'getBinding'));

    await env.cluster.client.delete(cr.serviceBindings, 'app', { namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceBindings, 'app')), 15_000, 'binding deleted');
    assert.equal(await exists(env, cr.secrets, 'app'), false);
    assert.equal(env.broker.bindings().length, 0);
    assert.ok((await eventsFor(env, 'app')).some((e) => e.reason === 'Unbound'));
  } finally {
    await env.close();
  }
});

test('an asynchronous bind is polled, then its credentials are fetched', async () => {
  const env = await startCatalog({ async: true });
  try {
    await readyInstance(env);
    await env.cluster.client.create(cr.serviceBindings, binding('app', 'db', { secretName: 'creds' }));
    await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True');
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'lastBindingOperation'));
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'getBinding'));
    assert.ok(decode(await env.cluster.client.get(cr.secrets, 'creds', { namespace: 'default' })).password);
  } finally {
    await env.close();
  }
});

test('orphan mitigation: a bind answered 500 after the broker bound is unbound, then bound again', async () => {
  const env = await startCatalog();
  try {
    await readyInstance(env);
    env.broker.inject({ endpoint: 'bind', status: 500, afterHandling: true });
    await env.cluster.client.create(cr.serviceBindings, binding('app', 'db'));
    const ready = await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True');
    assert.equal(condition(ready, 'OrphanMitigation')?.reason, 'OrphanMitigationSuccessful');
    const endpoints = env.broker.requests.map((r) => r.endpoint).filter((e) => e === 'bind' || e === 'unbind');
    assert.deepEqual(endpoints, ['bind', 'unbind', 'bind']);
    const reasons = (await eventsFor(env, 'app')).map((e) => e.reason);
    assert.ok(reasons.includes('StartingOrphanMitigation'));
    assert.ok(reasons.includes('OrphanMitigationSuccessful'));
    assert.equal(env.broker.bindings().length, 1);
  } finally {
    await env.close();
  }
});

test('a binding waits for its instance, and an abandoned binding goes without its broker', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    await env.cluster.client.create(cr.serviceBindings, binding('early', 'db'));
    await waitCondition(env, cr.serviceBindings, 'early', 'Ready', 'False', 'ReferencesNonexistentInstance');
    await env.cluster.client.create(cr.serviceInstances, instance('db'));
    await waitCondition(env, cr.serviceBindings, 'early', 'Ready', 'True');
    env.broker.inject({ endpoint: 'unbind', status: 503, times: Infinity });
    await env.cluster.client.delete(cr.serviceBindings, 'early', { namespace: 'default' });
    const stuck = await waitCondition(env, cr.serviceBindings, 'early', 'Ready', 'False', 'UnbindCallFailed');
    assert.match(condition(stuck, 'Ready')!.message, /abandon=true/);
    await env.cluster.client.patch(cr.serviceBindings, 'early', { metadata: { annotations: { 'servicecatalog.wharf.dev/abandon': 'true' } } }, { type: 'merge', namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceBindings, 'early')), 15_000, 'abandoned binding deleted');
    assert.ok((await eventsFor(env, 'early')).some((e) => e.reason === 'Abandoned' && /left at the broker/.test(e.message)));
    assert.equal(env.broker.bindings().length, 1, 'left at the broker');
  } finally {
    await env.close();
  }
});

test('a binding whose instance was orphaned away goes with an Orphaned event', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    await env.cluster.client.create(cr.serviceInstances, instance('db', 'small', { deletionPolicy: 'Orphan' }));
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    await env.cluster.client.create(cr.serviceBindings, binding('app', 'db'));
    await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True');
    await env.cluster.client.delete(cr.serviceInstances, 'db', { namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceInstances, 'db')), 15_000, 'instance orphaned');
    await env.cluster.client.delete(cr.serviceBindings, 'app', { namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceBindings, 'app')), 15_000, 'binding deleted');
    const orphaned = (await eventsFor(env, 'app')).find((e) => e.reason === 'Orphaned');
    assert.match(orphaned?.message ?? '', /ServiceInstance "db" no longer exists/);
    assert.equal(await exists(env, cr.secrets, 'app'), false);
    assert.equal(env.broker.bindings().length, 1, 'the binding stays at the broker with its instance');
  } finally {
    await env.close();
  }
});

async function annotate(env: CatalogEnv, r: (typeof cr)[keyof typeof cr], name: string, annotations: Record<string, string>): Promise<void> {
  await eventually(async () => {
    const obj = await env.cluster.client.get(r, name, { namespace: 'default' });
    try {
      await env.cluster.client.update(r, { ...obj, metadata: { ...obj.metadata, annotations: { ...(obj.metadata.annotations ?? {}), ...annotations } } });
      return true;
    } catch {
      return false; // a controller wrote in between: read again
    }
  }, 10_000, `annotate ${name}`);
}

const rotationOf = (b: KubeObject): Record<string, unknown> => JSON.parse(b.metadata.annotations?.['servicecatalog.wharf.dev/rotation'] ?? '{}') as Record<string, unknown>;

test('the rotate annotation rotates the credentials with predecessor_binding_id, rewrites the Secret and unbinds the predecessor', async () => {
  const env = await startCatalog();
  try {
    await readyInstance(env);
    const small = (await env.cluster.client.list(cr.clusterServicePlans)).items.find((p) => (p.spec as { externalName?: string }).externalName === 'small')!;
    assert.equal(small.metadata.annotations?.['servicecatalog.wharf.dev/binding-rotatable'], 'true');
    const created = await env.cluster.client.create(cr.serviceBindings, binding('app', 'db', { parameters: { readonly: true } }));
    await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True', 'InjectedBindResult');
    const first = (created.spec as { externalID: string }).externalID;
    const before = decode(await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' }));

    await annotate(env, cr.serviceBindings, 'app', { 'servicecatalog.wharf.dev/rotate': '1' });
    const rotated = await eventually(async () => {
      const b = await env.cluster.client.get(cr.serviceBindings, 'app', { namespace: 'default' });
      const r = rotationOf(b);
      return r.bindingID && !r.retiring ? b : undefined;
    }, 15_000, 'rotated and predecessor retired');
    const second = rotationOf(rotated).bindingID as string;
    assert.notEqual(second, first);
    assert.equal(rotationOf(rotated).observed, '1');
    assert.equal(condition(rotated, 'Ready')?.status, 'True');
    const bindRequest = env.broker.requests.find((r) => r.endpoint === 'bind' && (r.body as { predecessor_binding_id?: string }).predecessor_binding_id === first);
    assert.ok(bindRequest, 'the successor was bound with predecessor_binding_id');
    assert.equal((bindRequest.body as { parameters?: unknown }).parameters, undefined, 'the broker takes the parameters from the predecessor');
    const after = decode(await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' }));
    assert.notEqual(after.password, before.password);
    assert.deepEqual(env.broker.bindings().map((b) => [b.id, b.predecessorBindingId, b.parameters]), [[second, first, { readonly: true }]]);
    const events = await eventsFor(env, 'app');
    assert.ok(events.some((e) => e.reason === 'RotatedCredentials' && e.message.includes(second)));
    assert.ok(events.some((e) => e.reason === 'UnboundPredecessor' && e.message.includes(first)));

    // A successor answered 500 after the broker bound it is retired (orphan mitigation), and the rotation retried.
    env.broker.inject({ endpoint: 'bind', status: 500, afterHandling: true });
    await annotate(env, cr.serviceBindings, 'app', { 'servicecatalog.wharf.dev/rotate': '2' });
    const again = await eventually(async () => {
      const b = await env.cluster.client.get(cr.serviceBindings, 'app', { namespace: 'default' });
      const r = rotationOf(b);
      return r.observed === '2' && !r.retiring ? b : undefined;
    }, 20_000, 'second rotation done');
    const third = rotationOf(again).bindingID as string;
    assert.ok((await eventsFor(env, 'app')).some((e) => e.reason === 'RotationFailed' && /HTTP 500/.test(e.message)));
    assert.deepEqual(env.broker.bindings().map((b) => b.id), [third], 'only the current binding is left at the broker');
    assert.equal(decode(await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' })).password, env.broker.bindings()[0].credentials.password);

    await env.cluster.client.delete(cr.serviceBindings, 'app', { namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceBindings, 'app')), 15_000, 'binding deleted');
    assert.equal(env.broker.bindings().length, 0);
  } finally {
    await env.close();
  }
});

test('a plan without binding_rotatable: the rotate annotation leaves the credentials and says why', async () => {
  const { exampleCatalog } = await import('../../../../src/catalog/brokers/index.js');
  const catalog = exampleCatalog();
  for (const p of catalog.services[0].plans) delete p.binding_rotatable;
  const env = await startCatalog({ catalog });
  try {
    await readyInstance(env);
    await env.cluster.client.create(cr.serviceBindings, binding('app', 'db'));
    await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True', 'InjectedBindResult');
    const before = decode(await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' }));
    await annotate(env, cr.serviceBindings, 'app', { 'servicecatalog.wharf.dev/rotate': 'now' });
    await eventually(async () => (await eventsFor(env, 'app')).some((e) => e.reason === 'RotationNotSupported' && /binding_rotatable/.test(e.message)), 15_000, 'RotationNotSupported');
    const b = await env.cluster.client.get(cr.serviceBindings, 'app', { namespace: 'default' });
    assert.equal(rotationOf(b).observed, 'now');
    assert.equal(decode(await env.cluster.client.get(cr.secrets, 'app', { namespace: 'default' })).password, before.password);
    assert.ok(!env.broker.requests.some((r) => r.endpoint === 'bind' && (r.body as { predecessor_binding_id?: string }).predecessor_binding_id));
  } finally {
    await env.close();
  }
});

test('broker faults on bindings: 409 is Failed and deletes without unbinding, 410 on unbind is success, RequiresApp is Failed', async () => {
  const env = await startCatalog();
  try {
    await readyInstance(env);
    env.broker.inject({ endpoint: 'bind', status: 409, body: { description: 'Service binding already exists with different parameters' } });
    await env.cluster.client.create(cr.serviceBindings, binding('clash', 'db'));
    const clash = await waitCondition(env, cr.serviceBindings, 'clash', 'Failed', 'True', 'BindCallFailed');
    assert.match(condition(clash, 'Failed')!.message, /another binding with id .* \(HTTP 409\): Service binding already exists/);
    assert.equal(statusOf(clash).unbindStatus, 'NotRequired');
    await env.cluster.client.delete(cr.serviceBindings, 'clash', { namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceBindings, 'clash')), 10_000, 'clash deleted');
    assert.ok(!env.broker.requests.some((r) => r.endpoint === 'unbind'), 'nothing to unbind after a 409');

    await env.cluster.client.create(cr.serviceBindings, binding('app', 'db'));
    await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True');
    env.broker.inject({ endpoint: 'unbind', status: 410 });
    await env.cluster.client.delete(cr.serviceBindings, 'app', { namespace: 'default' });
    await eventually(async () => !(await exists(env, cr.serviceBindings, 'app')) && !(await exists(env, cr.secrets, 'app')), 10_000, 'deleted after 410');
    assert.ok((await eventsFor(env, 'app')).some((e) => e.reason === 'Unbound'));

    env.broker.behaviour.requiresApp = true;
    await env.cluster.client.create(cr.serviceBindings, binding('appless', 'db'));
    const appless = await waitCondition(env, cr.serviceBindings, 'appless', 'Failed', 'True', 'BindCallFailed');
    assert.match(condition(appless, 'Failed')!.message, /HTTP 422 RequiresApp/);
    assert.equal(env.broker.requests.filter((r) => r.endpoint === 'bind').length, 3, 'a RequiresApp bind is not retried');
  } finally {
    await env.close();
  }
});

test('an asynchronous bind that outlasts the plan\'s maximum_polling_duration fails, is unbound at the broker, and is bound again', async () => {
  const { exampleCatalog } = await import('../../../../src/catalog/brokers/index.js');
  const catalog = exampleCatalog();
  for (const p of catalog.services[0].plans) p.maximum_polling_duration = 1;
  const env = await startCatalog({ catalog, async: true });
  try {
    await readyInstance(env);
    env.broker.behaviour.stallOperations = true;
    await env.cluster.client.create(cr.serviceBindings, binding('slow', 'db'));
    const polling = await waitCondition(env, cr.serviceBindings, 'slow', 'Ready', 'False', 'Binding');
    assert.ok(statusOf(polling).pollDeadline);
    const mitigating = await waitCondition(env, cr.serviceBindings, 'slow', 'OrphanMitigation', 'True', 'StartingOrphanMitigation');
    assert.match(condition(mitigating, 'OrphanMitigation')!.message, /maximum polling duration of 1 s/);
    env.broker.behaviour.stallOperations = false;
    await waitCondition(env, cr.serviceBindings, 'slow', 'OrphanMitigation', 'False', 'OrphanMitigationSuccessful', 20_000);
    await waitCondition(env, cr.serviceBindings, 'slow', 'Ready', 'True', 'InjectedBindResult', 20_000);
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'unbind'));
    assert.equal(env.broker.bindings().length, 1);
  } finally {
    await env.close();
  }
});
