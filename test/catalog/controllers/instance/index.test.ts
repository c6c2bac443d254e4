import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNotFound, type KubeObject } from '../../../../src/api/index.js';
import { decodeOriginatingIdentity } from '../../../../src/catalog/osb/index.js';
import { exampleCatalog, LARGE_PLAN_ID, SMALL_PLAN_ID } from '../../../../src/catalog/brokers/index.js';
import { binding, condition, cr, eventsFor, eventually, instance, registerBroker, startCatalog, statusOf, waitCondition, type CatalogEnv } from '../fixtures.js';

const externalId = (obj: KubeObject): string => String((obj.spec as { externalID?: string }).externalID);

async function gone(env: CatalogEnv, name: string): Promise<boolean> {
  try {
    await env.cluster.client.get(cr.serviceInstances, name, { namespace: 'default' });
    return false;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

test('an instance is provisioned synchronously with the user as Originating-Identity, updated, and deprovisioned on delete', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    const created = await env.cluster.client.create(
      cr.serviceInstances,
      // A client cannot speak for someone else: the server records the user who made the request.
      instance('db', 'small', { parameters: { size: 2 }, userInfo: { username: 'alice', uid: 'u-1', groups: ['dev'] } }),
    );
    const ready = await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True', 'ProvisionedSuccessfully');
    const st = statusOf(ready);
    assert.equal(st.provisionStatus, 'Provisioned');
    assert.equal(st.deprovisionStatus, 'Required');
    assert.equal(st.userSpecifiedClassName, 'ClusterServiceClass/example-db');
    assert.equal(st.userSpecifiedPlanName, 'ClusterServicePlan/small');
    assert.equal(st.lastConditionState, 'Ready');
    assert.deepEqual((ready.spec as Record<string, unknown>).clusterServicePlanRef, { name: SMALL_PLAN_ID });
    assert.ok(ready.metadata.finalizers?.includes('kubernetes-incubator/service-catalog'));
    const at = env.broker.instance(externalId(created));
    assert.equal(at?.planId, SMALL_PLAN_ID);
    const provision = env.broker.requests.find((r) => r.endpoint === 'provision')!;
    const identity = decodeOriginatingIdentity(String(provision.headers['x-broker-api-originating-identity']));
    assert.equal(identity?.platform, 'kubernetes');
    assert.equal(identity?.value.username, 'system:admin');
    assert.equal(((created.spec as { userInfo?: { username?: string } }).userInfo)?.username, 'system:admin');

    // Changing the parameters sends an update.
    await env.cluster.client.patch(cr.serviceInstances, 'db', { spec: { parameters: { size: 3 } } }, { type: 'merge', namespace: 'default' });
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True', 'InstanceUpdatedSuccessfully');
    const update = env.broker.requests.find((r) => r.endpoint === 'update')!;
    assert.deepEqual((update.body as { parameters?: unknown }).parameters, { size: 3 });

    await env.cluster.client.delete(cr.serviceInstances, 'db', { namespace: 'default' });
    await eventually(() => gone(env, 'db'), 15_000, 'instance deleted');
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'deprovision'));
    assert.equal(env.broker.instance(externalId(created)), undefined);
  } finally {
    await env.close();
  }
});

test('asynchronous provision, update and deprovision are polled through last_operation until they end', async () => {
  const env = await startCatalog({ asyncPolls: 2 });
  try {
    await registerBroker(env);
    const created = await env.cluster.client.create(cr.serviceInstances, instance('big', 'large'));
    const ready = await waitCondition(env, cr.serviceInstances, 'big', 'Ready', 'True', 'ProvisionedSuccessfully');
    assert.equal(statusOf(ready).asyncOpInProgress, false);
    assert.ok(env.broker.requests.filter((r) => r.endpoint === 'lastOperation').length >= 2);
    assert.equal(env.broker.instance(externalId(created))?.planId, LARGE_PLAN_ID);
    assert.ok((await eventsFor(env, 'big')).some((e) => e.reason === 'Provisioning'));
    // Updates and deprovisions of the large plan are asynchronous too.
    await env.cluster.client.patch(cr.serviceInstances, 'big', { spec: { parameters: { size: 5 } } }, { type: 'merge', namespace: 'default' });
    await waitCondition(env, cr.serviceInstances, 'big', 'Ready', 'True', 'InstanceUpdatedSuccessfully');
    await env.cluster.client.delete(cr.serviceInstances, 'big', { namespace: 'default' });
    await eventually(() => gone(env, 'big'), 15_000, 'deprovisioned asynchronously');
    assert.equal(env.broker.instance(externalId(created)), undefined);
    const reasons = (await eventsFor(env, 'big')).map((e) => e.reason);
    assert.ok(reasons.includes('UpdatingInstance') && reasons.includes('Deprovisioning') && reasons.includes('Deprovisioned'), reasons.join());
  } finally {
    await env.close();
  }
});

test('a failing broker shows backoff in status and events, and the instance recovers once it answers', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    env.broker.inject({ endpoint: 'provision', status: 503, body: { description: 'maintenance window' }, times: Infinity });
    await env.cluster.client.create(cr.serviceInstances, instance('db'));
    const failing = await eventually(async () => {
      const obj = await env.cluster.client.get(cr.serviceInstances, 'db', { namespace: 'default' });
      return ((statusOf(obj).retries as number | undefined) ?? 0) >= 2 ? obj : undefined;
    }, 20_000, 'two failed attempts');
    const st = statusOf(failing) as { lastError?: { reason: string; message: string }; nextRetryTime?: string };
    assert.equal(st.lastError?.reason, 'ProvisionCallFailed');
    assert.match(st.lastError!.message, /maintenance window/);
    assert.ok(st.nextRetryTime);
    assert.equal(condition(failing, 'Ready')?.status, 'False');
    const events = await eventsFor(env, 'db');
    assert.ok(events.some((e) => e.type === 'Warning' && e.reason === 'ProvisionCallFailed'));
    // 503 is ambiguous: each failure was followed by orphan mitigation.
    assert.ok(events.some((e) => e.reason === 'StartingInstanceOrphanMitigation'));
    env.broker.clearFaults();
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
  } finally {
    await env.close();
  }
});

test('orphan mitigation: a provision answered 500 after the broker did the work is deprovisioned, then retried', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    env.broker.inject({ endpoint: 'provision', status: 500, afterHandling: true });
    await env.cluster.client.create(cr.serviceInstances, instance('db'));
    const ready = await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    assert.equal(condition(ready, 'OrphanMitigation')?.status, 'False');
    assert.equal(condition(ready, 'OrphanMitigation')?.reason, 'OrphanMitigationSuccessful');
    const endpoints = env.broker.requests.map((r) => r.endpoint).filter((e) => e !== 'catalog');
    assert.deepEqual(endpoints.slice(0, 3), ['provision', 'deprovision', 'provision']);
    // The mitigation is the platform's own doing: no originating identity on it.
    assert.equal(env.broker.requests.find((r) => r.endpoint === 'deprovision')!.headers['x-broker-api-originating-identity'], undefined);
  } finally {
    await env.close();
  }
});

test('with the broker gone, deletion policy Orphan and the abandon annotation let instances go with an event', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    const a = await env.cluster.client.create(cr.serviceInstances, instance('kept', 'small', { deletionPolicy: 'Orphan' }));
    const b = await env.cluster.client.create(cr.serviceInstances, instance('stuck'));
    await waitCondition(env, cr.serviceInstances, 'kept', 'Ready', 'True');
    await waitCondition(env, cr.serviceInstances, 'stuck', 'Ready', 'True');
    env.broker.inject({ endpoint: 'deprovision', status: 503, times: Infinity });

    await env.cluster.client.delete(cr.serviceInstances, 'kept', { namespace: 'default' });
    await eventually(() => gone(env, 'kept'), 15_000, 'orphaned instance deleted');
    const orphaned = (await eventsFor(env, 'kept')).find((e) => e.reason === 'Orphaned');
    assert.ok(orphaned, 'an Orphaned event');
    assert.match(orphaned.message, new RegExp(externalId(a)));
    assert.ok(env.broker.instance(externalId(a)), 'left at the broker');

    await env.cluster.client.delete(cr.serviceInstances, 'stuck', { namespace: 'default' });
    const blocked = await waitCondition(env, cr.serviceInstances, 'stuck', 'Ready', 'False', 'DeprovisionCallFailed');
    assert.match(condition(blocked, 'Ready')!.message, /servicecatalog\.wharf\.dev\/abandon=true/);
    await env.cluster.client.patch(cr.serviceInstances, 'stuck', { metadata: { annotations: { 'servicecatalog.wharf.dev/abandon': 'true' } } }, { type: 'merge', namespace: 'default' });
    await eventually(() => gone(env, 'stuck'), 15_000, 'abandoned instance deleted');
    assert.ok((await eventsFor(env, 'stuck')).some((e) => e.reason === 'Abandoned' && e.message.includes(externalId(b))));
  } finally {
    await env.close();
  }
});

test('an instance with bindings is not deprovisioned until they are gone', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    await env.cluster.client.create(cr.serviceInstances, instance('db'));
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    await env.cluster.client.create(cr.serviceBindings, binding('app', 'db'));
    await waitCondition(env, cr.serviceBindings, 'app', 'Ready', 'True');
    await env.cluster.client.delete(cr.serviceInstances, 'db', { namespace: 'default' });
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'False', 'DeprovisionBlockedByExistingCredentials');
    assert.ok(!env.broker.requests.some((r) => r.endpoint === 'deprovision'));
    await env.cluster.client.delete(cr.serviceBindings, 'app', { namespace: 'default' });
    await eventually(() => gone(env, 'db'), 15_000, 'instance deleted after its binding');
  } finally {
    await env.close();
  }
});

test('an asynchronous provision that outlasts the plan\'s maximum_polling_duration fails and is mitigated', async () => {
  const catalog = exampleCatalog();
  catalog.services[0]!.plans[1]!.maximum_polling_duration = 1;
  const env = await startCatalog({ catalog });
  try {
    await registerBroker(env);
    env.broker.behaviour.stallOperations = true;
    const created = await env.cluster.client.create(cr.serviceInstances, instance('slow', 'large'));
    const polling = await waitCondition(env, cr.serviceInstances, 'slow', 'Ready', 'False', 'Provisioning');
    assert.ok(statusOf(polling).pollDeadline);
    const mitigating = await waitCondition(env, cr.serviceInstances, 'slow', 'OrphanMitigation', 'True', 'StartingInstanceOrphanMitigation');
    assert.match(condition(mitigating, 'OrphanMitigation')!.message, /maximum polling duration/);
    env.broker.behaviour.stallOperations = false;
    await waitCondition(env, cr.serviceInstances, 'slow', 'OrphanMitigation', 'False', 'OrphanMitigationSuccessful');
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'deprovision' && r.path.includes(externalId(created))));
  } finally {
    await env.close();
  }
});

test('a namespaced ServiceBroker offers ServiceClasses to its own namespace only', async () => {
  const env = await startCatalog();
  try {
    await env.cluster.client.create(cr.serviceBrokers, {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceBroker',
      metadata: { name: 'local', namespace: 'default' },
      spec: { url: env.broker.url },
    });
    await waitCondition(env, cr.serviceBrokers, 'local', 'Ready', 'True');
    await eventually(async () => (await env.cluster.client.list(cr.servicePlans, { namespace: 'default' })).items.length === 2, 10_000, 'namespaced plans');
    assert.equal((await env.cluster.client.list(cr.clusterServiceClasses)).items.length, 0);
    await env.cluster.client.create(cr.serviceInstances, {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceInstance',
      metadata: { name: 'db', namespace: 'default' },
      spec: { serviceClassExternalName: 'example-db', servicePlanExternalName: 'small' },
    });
    const ready = await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    assert.equal(statusOf(ready).userSpecifiedClassName, 'ServiceClass/example-db');
    assert.deepEqual((ready.spec as Record<string, unknown>).servicePlanRef, { name: SMALL_PLAN_ID });
    // A cluster-scoped name finds nothing: the class is not offered cluster-wide.
    await env.cluster.client.create(cr.serviceInstances, instance('other'));
    await waitCondition(env, cr.serviceInstances, 'other', 'Ready', 'False', 'ReferencesNonexistentServiceClass');
  } finally {
    await env.close();
  }
});

test('parameters the plan\'s schema refuses end in Failed without retries, until the user fixes them', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    await env.cluster.client.create(cr.serviceInstances, instance('db', 'small', { parameters: { size: 100 } }));
    const failed = await waitCondition(env, cr.serviceInstances, 'db', 'Failed', 'True', 'ProvisionCallFailed');
    assert.match(condition(failed, 'Failed')!.message, /HTTP 400/);
    assert.equal(statusOf(failed).lastConditionState, 'Failed');
    assert.equal(statusOf(failed).deprovisionStatus, 'NotRequired');
    const attempts = () => env.broker.requests.filter((r) => r.endpoint === 'provision').length;
    const before = attempts();
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(attempts(), before, 'no retries of a refused provision');
    await env.cluster.client.patch(cr.serviceInstances, 'db', { spec: { parameters: { size: 2 } } }, { type: 'merge', namespace: 'default' });
    const ready = await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    assert.equal(condition(ready, 'Failed'), undefined);
    // Nothing was ever created for the refused request, so deleting needs only the real instance's deprovision.
    await env.cluster.client.delete(cr.serviceInstances, 'db', { namespace: 'default' });
    await eventually(() => gone(env, 'db'), 15_000, 'deleted');
  } finally {
    await env.close();
  }
});

test('deleting an instance whose update is backing off deprovisions at once', async () => {
  const env = await startCatalog({}, { retryBaseMs: 60_000, retryMaxMs: 60_000 });
  try {
    await registerBroker(env);
    const created = await env.cluster.client.create(cr.serviceInstances, instance('db', 'small', { parameters: { size: 1 } }));
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    env.broker.inject({ endpoint: 'update', status: 503, times: Infinity });
    await env.cluster.client.patch(cr.serviceInstances, 'db', { spec: { parameters: { size: 2 } } }, { type: 'merge', namespace: 'default' });
    const failing = await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'False', 'UpdateInstanceCallFailed');
    assert.match(String((statusOf(failing).lastError as { message: string }).message), /retrying in 60 s/);
    await env.cluster.client.delete(cr.serviceInstances, 'db', { namespace: 'default' });
    await eventually(() => gone(env, 'db'), 10_000, 'deleted without waiting out the update backoff');
    assert.equal(env.broker.instance(externalId(created)), undefined);
  } finally {
    await env.close();
  }
});

test('polling waits as long as the broker\'s Retry-After asks', async () => {
  const env = await startCatalog({ asyncPolls: 2, retryAfterSeconds: 1 });
  try {
    await registerBroker(env);
    const started = Date.now();
    await env.cluster.client.create(cr.serviceInstances, instance('big', 'large'));
    const polling = await waitCondition(env, cr.serviceInstances, 'big', 'Ready', 'False', 'Provisioning');
    assert.ok(statusOf(polling).nextRetryTime);
    await waitCondition(env, cr.serviceInstances, 'big', 'Ready', 'True');
    // Two "in progress" answers, each asking for a second, with a 100 ms poll interval otherwise.
    assert.ok(Date.now() - started >= 1800, `took ${Date.now() - started} ms`);
    assert.equal(env.broker.requests.filter((r) => r.endpoint === 'lastOperation').length, 3);
  } finally {
    await env.close();
  }
});

test('a plan change the class does not allow is Failed without calling the broker', async () => {
  const catalog = exampleCatalog();
  catalog.services[0]!.plan_updateable = false;
  const env = await startCatalog({ catalog });
  try {
    await registerBroker(env);
    await env.cluster.client.create(cr.serviceInstances, instance('db'));
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    await env.cluster.client.patch(cr.serviceInstances, 'db', { spec: { clusterServicePlanExternalName: 'large' } }, { type: 'merge', namespace: 'default' });
    const failed = await waitCondition(env, cr.serviceInstances, 'db', 'Failed', 'True', 'ErrorPlanNotUpdatable');
    assert.match(condition(failed, 'Failed')!.message, /does not allow changing the plan/);
    assert.ok(!env.broker.requests.some((r) => r.endpoint === 'update'));
  } finally {
    await env.close();
  }
});

const annotationsOf = (obj: KubeObject): Record<string, string> => obj.metadata.annotations ?? {};

function catalogWithLargeVersion(version: string) {
  const catalog = exampleCatalog();
  const large = catalog.services[0].plans.find((p) => p.id === LARGE_PLAN_ID)!;
  large.maintenance_info = { version, description: `Engine ${version}` };
  return catalog;
}

test('maintenance_info: provisions send it, a MaintenanceInfoConflict refetches the catalog and retries once, and a newer version is applied when accepted', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env, 'example', { relistBehavior: 'Manual' });
    const plan = await env.cluster.client.get(cr.clusterServicePlans, LARGE_PLAN_ID);
    assert.deepEqual(JSON.parse(annotationsOf(plan)['servicecatalog.wharf.dev/maintenance-info']), { version: '1.1.0', description: 'Engine 1.1' });

    const big = await env.cluster.client.create(cr.serviceInstances, instance('big', 'large'));
    let ready = await waitCondition(env, cr.serviceInstances, 'big', 'Ready', 'True');
    assert.deepEqual(env.broker.requests.find((r) => r.endpoint === 'provision')?.body && (env.broker.requests.find((r) => r.endpoint === 'provision')!.body as { maintenance_info?: unknown }).maintenance_info, { version: '1.1.0' });
    ready = await eventually(async () => {
      const i = await env.cluster.client.get(cr.serviceInstances, 'big', { namespace: 'default' });
      return condition(i, 'MaintenanceAvailable') ? i : undefined;
    }, 10_000, 'MaintenanceAvailable shown');
    assert.equal(annotationsOf(ready)['servicecatalog.wharf.dev/maintenance-version'], '1.1.0');
    assert.equal(condition(ready, 'MaintenanceAvailable')?.status, 'False');
    assert.equal(statusOf(ready).lastConditionState, 'Ready');

    // The broker moves on; Wharf's copy of the catalog is stale (relistBehavior Manual).
    env.broker.setCatalog(catalogWithLargeVersion('1.2.0'));
    const big2 = await env.cluster.client.create(cr.serviceInstances, instance('big2', 'large'));
    const ready2 = await waitCondition(env, cr.serviceInstances, 'big2', 'Ready', 'True', 'ProvisionedSuccessfully', 30_000);
    const sent = env.broker.requests
      .filter((r) => r.endpoint === 'provision' && r.path.endsWith(externalId(big2)))
      .map((r) => (r.body as { maintenance_info?: { version: string } }).maintenance_info?.version);
    assert.deepEqual(sent, ['1.1.0', '1.2.0'], 'retried once with the refetched version');
    await eventually(async () => (await eventsFor(env, 'big2')).some((e) => e.reason === 'MaintenanceInfoConflict'), 10_000, 'MaintenanceInfoConflict event');
    const brokerSpec = (await env.cluster.client.get(cr.clusterServiceBrokers, 'example')).spec as { relistRequests?: number };
    assert.ok(Number(brokerSpec.relistRequests) >= 1, 'the conflict asked the broker controller to relist');
    assert.equal(annotationsOf(ready2)['servicecatalog.wharf.dev/maintenance-version'], '1.2.0');
    assert.equal(annotationsOf(ready2)['servicecatalog.wharf.dev/maintenance-conflict'], undefined);

    // The first instance now shows the upgrade, and gets it once the user accepts it.
    const offered = await eventually(async () => {
      const i = await env.cluster.client.get(cr.serviceInstances, 'big', { namespace: 'default' });
      return condition(i, 'MaintenanceAvailable')?.status === 'True' ? i : undefined;
    }, 15_000, 'upgrade offered');
    assert.match(condition(offered, 'MaintenanceAvailable')!.message, /1\.2\.0 \(Engine 1\.2\.0\); the instance has 1\.1\.0/);
    assert.equal(statusOf(offered).lastConditionState, 'Ready');
    await eventually(async () => (await eventsFor(env, 'big')).some((e) => e.reason === 'MaintenanceAvailable'), 10_000, 'MaintenanceAvailable event');
    assert.equal(env.broker.requests.filter((r) => r.endpoint === 'update').length, 0, 'nothing is sent before the user accepts');
    await env.cluster.client.patch(cr.serviceInstances, 'big', { metadata: { annotations: { 'servicecatalog.wharf.dev/accept-maintenance': '1.2.0' } } }, { type: 'merge', namespace: 'default' });
    const upgraded = await eventually(async () => {
      const i = await env.cluster.client.get(cr.serviceInstances, 'big', { namespace: 'default' });
      return annotationsOf(i)['servicecatalog.wharf.dev/maintenance-version'] === '1.2.0' && isReady(i) ? i : undefined;
    }, 20_000, 'upgraded');
    assert.equal(env.broker.instance(externalId(big))?.maintenanceVersion, '1.2.0');
    const update = env.broker.requests.find((r) => r.endpoint === 'update')!;
    assert.deepEqual((update.body as { maintenance_info?: unknown }).maintenance_info, { version: '1.2.0' });
    assert.equal((update.body as { parameters?: unknown }).parameters, undefined);
    assert.equal(condition(upgraded, 'MaintenanceAvailable')?.status, 'False');
    await eventually(async () => (await eventsFor(env, 'big')).some((e) => e.reason === 'MaintenanceApplied'), 10_000, 'MaintenanceApplied event');
  } finally {
    await env.close();
  }
});

function isReady(i: KubeObject): boolean {
  return condition(i, 'Ready')?.status === 'True';
}

test('a second MaintenanceInfoConflict after the catalog was refetched is Failed', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    env.broker.inject({ endpoint: 'provision', status: 422, body: { error: 'MaintenanceInfoConflict', description: 'The maintenance information for the requested service plan has changed' }, times: 2 });
    await env.cluster.client.create(cr.serviceInstances, instance('big', 'large'));
    const failed = await waitCondition(env, cr.serviceInstances, 'big', 'Failed', 'True', 'MaintenanceInfoConflict', 30_000);
    assert.match(condition(failed, 'Failed')!.message, /again after the catalog was fetched.*HTTP 422 MaintenanceInfoConflict/);
    assert.equal(env.broker.requests.filter((r) => r.endpoint === 'provision').length, 2, 'one retry, no more');
    assert.equal(statusOf(failed).deprovisionStatus, 'NotRequired');
    assert.equal(env.broker.instances().length, 0);
  } finally {
    await env.close();
  }
});

test('broker faults on instances: a provision that times out or answers garbage is mitigated; 409 and AsyncRequired are Failed; ConcurrencyError is retried; 410 on deprovision is success; a 422 update without a code is Failed', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env);
    const b = env.broker;
    // The fault strikes after the broker did the work, so there is a real orphan to remove.
    b.inject({ endpoint: 'provision', instanceId: 'hung', hang: true, afterHandling: true });
    b.inject({ endpoint: 'provision', instanceId: 'garbled', status: 201, garbage: true, afterHandling: true });
    b.inject({ endpoint: 'provision', instanceId: 'taken', status: 409, body: { description: 'Service instance "taken" already exists with different attributes' } });
    b.inject({ endpoint: 'provision', instanceId: 'needs-async', status: 422, body: { error: 'AsyncRequired', description: 'This service plan requires client support for asynchronous service operations' } });
    b.inject({ endpoint: 'provision', instanceId: 'busy', status: 422, body: { error: 'ConcurrencyError', description: 'Another operation for this service instance is in progress' } });
    for (const id of ['hung', 'garbled', 'taken', 'needs-async', 'busy', 'updated']) {
      await env.cluster.client.create(cr.serviceInstances, instance(id, 'small', { externalID: id }));
    }

    for (const id of ['hung', 'garbled']) {
      const ready = await waitCondition(env, cr.serviceInstances, id, 'Ready', 'True', undefined, 30_000);
      assert.equal(condition(ready, 'OrphanMitigation')?.reason, 'OrphanMitigationSuccessful', id);
      const calls = b.requests.filter((r) => r.path.endsWith(`/${id}`)).map((r) => r.endpoint);
      assert.deepEqual(calls.slice(0, 3), ['provision', 'deprovision', 'provision'], id);
      assert.equal(b.instances().filter((i) => i.id === id).length, 1);
    }
    const mitigation = (await eventsFor(env, 'hung')).find((e) => e.reason === 'StartingInstanceOrphanMitigation');
    assert.match(mitigation?.message ?? '', /timed out|timeout|did not answer/i);
    assert.match((await eventsFor(env, 'garbled')).find((e) => e.reason === 'StartingInstanceOrphanMitigation')?.message ?? '', /JSON|malformed/i);

    const taken = await waitCondition(env, cr.serviceInstances, 'taken', 'Failed', 'True', 'ProvisionCallFailed');
    assert.match(condition(taken, 'Failed')!.message, /another instance with id taken \(HTTP 409\): Service instance "taken" already exists/);
    assert.equal(statusOf(taken).deprovisionStatus, 'NotRequired');
    const needsAsync = await waitCondition(env, cr.serviceInstances, 'needs-async', 'Failed', 'True', 'ProvisionCallFailed');
    assert.match(condition(needsAsync, 'Failed')!.message, /HTTP 422 AsyncRequired/);
    assert.equal(statusOf(needsAsync).deprovisionStatus, 'NotRequired');
    await waitCondition(env, cr.serviceInstances, 'busy', 'Ready', 'True');
    assert.ok((await eventsFor(env, 'busy')).some((e) => e.reason === 'ProvisionCallFailed' && /ConcurrencyError/.test(e.message)));
    for (const id of ['taken', 'needs-async']) {
      assert.equal(b.requests.filter((r) => r.endpoint === 'provision' && r.path.endsWith(`/${id}`)).length, 1, `${id} is not retried`);
    }

    // Refused provisions created nothing: deleting them calls nobody.
    for (const id of ['taken', 'needs-async']) await env.cluster.client.delete(cr.serviceInstances, id, { namespace: 'default' });
    await eventually(async () => (await gone(env, 'taken')) && (await gone(env, 'needs-async')), 10_000, 'refused instances deleted');
    assert.ok(!b.requests.some((r) => r.endpoint === 'deprovision' && (r.path.endsWith('/taken') || r.path.endsWith('/needs-async'))));

    // 410 Gone on deprovision: the broker has nothing, which is what deleting wanted.
    b.inject({ endpoint: 'deprovision', instanceId: 'busy', status: 410 });
    await env.cluster.client.delete(cr.serviceInstances, 'busy', { namespace: 'default' });
    await eventually(() => gone(env, 'busy'), 10_000, 'deleted after 410');

    // An update the broker cannot make (422 without a code) is Failed, not retried.
    await waitCondition(env, cr.serviceInstances, 'updated', 'Ready', 'True');
    b.inject({ endpoint: 'update', instanceId: 'updated', status: 422, body: { description: 'The size cannot shrink' } });
    await env.cluster.client.patch(cr.serviceInstances, 'updated', { spec: { parameters: { size: 1 } } }, { type: 'merge', namespace: 'default' });
    const refused = await waitCondition(env, cr.serviceInstances, 'updated', 'Failed', 'True', 'UpdateInstanceCallFailed');
    assert.match(condition(refused, 'Failed')!.message, /The size cannot shrink \(HTTP 422\)/);
    assert.equal(b.requests.filter((r) => r.endpoint === 'update').length, 1);
  } finally {
    await env.close();
  }
});

test('a catalog that drops a plan in use: existing instances and bindings stay and can be deleted, new instances of the plan wait for another plan', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env, 'example', { relistBehavior: 'Manual' });
    const kept = await env.cluster.client.create(cr.serviceInstances, instance('kept'));
    await waitCondition(env, cr.serviceInstances, 'kept', 'Ready', 'True');
    await env.cluster.client.create(cr.serviceBindings, binding('kept', 'kept'));
    await waitCondition(env, cr.serviceBindings, 'kept', 'Ready', 'True');

    const catalog = exampleCatalog();
    catalog.services[0].plans = catalog.services[0].plans.filter((p) => p.id !== SMALL_PLAN_ID);
    env.broker.setCatalog(catalog);
    await env.cluster.client.patch(cr.clusterServiceBrokers, 'example', { spec: { relistRequests: 1 } }, { type: 'merge' });
    await eventually(async () => statusOf(await env.cluster.client.get(cr.clusterServicePlans, SMALL_PLAN_ID)).removedFromBrokerCatalog === true, 10_000, 'small marked removed');

    // What exists keeps working.
    const stillReady = await env.cluster.client.get(cr.serviceInstances, 'kept', { namespace: 'default' });
    assert.equal(condition(stillReady, 'Ready')?.status, 'True');
    assert.equal(condition(await env.cluster.client.get(cr.serviceBindings, 'kept', { namespace: 'default' }), 'Ready')?.status, 'True');

    // A new instance of the removed plan is not sent to the broker, and says what to do.
    const fresh = await env.cluster.client.create(cr.serviceInstances, instance('fresh'));
    const waiting = await waitCondition(env, cr.serviceInstances, 'fresh', 'Ready', 'False', 'ServicePlanRemovedFromCatalog');
    assert.match(condition(waiting, 'Ready')!.message, /was removed from the broker's catalog; choose another plan/);
    assert.ok(!env.broker.requests.some((r) => r.endpoint === 'provision' && r.path.endsWith(externalId(fresh))));
    await env.cluster.client.patch(cr.serviceInstances, 'fresh', { spec: { clusterServicePlanExternalName: 'large' } }, { type: 'merge', namespace: 'default' });
    await waitCondition(env, cr.serviceInstances, 'fresh', 'Ready', 'True', undefined, 20_000);
    assert.equal(env.broker.instance(externalId(fresh))?.planId, LARGE_PLAN_ID);

    // Unbind and deprovision still reach the broker for the removed plan.
    await env.cluster.client.delete(cr.serviceBindings, 'kept', { namespace: 'default' });
    await env.cluster.client.delete(cr.serviceInstances, 'kept', { namespace: 'default' });
    await eventually(() => gone(env, 'kept'), 15_000, 'kept deprovisioned');
    assert.equal(env.broker.instance(externalId(kept)), undefined);
    assert.equal(env.broker.bindings().length, 0);
  } finally {
    await env.close();
  }
});
