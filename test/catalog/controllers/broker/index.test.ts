import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_SERVICE_ID, LARGE_PLAN_ID, SMALL_PLAN_ID } from '../../../../src/catalog/brokers/index.js';
import { cr, eventsFor, eventually, registerBroker, startCatalog, statusOf, waitCondition } from '../fixtures.js';

test('a ClusterServiceBroker\'s catalog becomes classes and plans, and relists on request', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env, 'example', { relistBehavior: 'Manual' });
    const cls = await env.cluster.client.get(cr.clusterServiceClasses, EXAMPLE_SERVICE_ID);
    assert.equal((cls.spec as Record<string, unknown>).externalName, 'example-db');
    assert.equal((cls.spec as Record<string, unknown>).clusterServiceBrokerName, 'example');
    assert.equal((cls.spec as Record<string, unknown>).bindable, true);
    const large = await env.cluster.client.get(cr.clusterServicePlans, LARGE_PLAN_ID);
    assert.deepEqual((large.spec as Record<string, unknown>).clusterServiceClassRef, { name: EXAMPLE_SERVICE_ID });
    assert.equal((large.spec as Record<string, unknown>).maximumPollingDuration, 600);
    assert.equal((large.spec as Record<string, unknown>).free, false);
    const broker = await env.cluster.client.get(cr.clusterServiceBrokers, 'example');
    assert.equal(statusOf(broker).lastConditionState, 'Ready');
    assert.ok(statusOf(broker).lastCatalogRetrievalTime);
    const catalogCalls = () => env.broker.requests.filter((r) => r.endpoint === 'catalog').length;
    const before = catalogCalls();
    // Manual: a relist happens when relistRequests grows.
    await env.cluster.client.patch(cr.clusterServiceBrokers, 'example', { spec: { relistRequests: 1 } }, { type: 'merge' });
    await eventually(() => catalogCalls() > before, 10_000, 'relist');
    assert.ok((await eventsFor(env, 'example')).some((e) => e.reason === 'FetchedCatalog'));
  } finally {
    await env.close();
  }
});

test('catalogRestrictions keep plans out, and a plan the broker drops is marked removedFromBrokerCatalog', async () => {
  const env = await startCatalog();
  try {
    await env.cluster.client.create(cr.clusterServiceBrokers, {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ClusterServiceBroker',
      metadata: { name: 'restricted' },
      spec: { url: env.broker.url, relistBehavior: 'Manual', catalogRestrictions: { servicePlan: ['spec.externalName in (small)'] } },
    });
    await waitCondition(env, cr.clusterServiceBrokers, 'restricted', 'Ready', 'True');
    const plans = (await env.cluster.client.list(cr.clusterServicePlans)).items.map((p) => p.metadata.name);
    assert.deepEqual(plans, [SMALL_PLAN_ID]);
    // Now let everything in but `small`: the existing small plan is marked removed, large appears.
    await env.cluster.client.patch(cr.clusterServiceBrokers, 'restricted', { spec: { catalogRestrictions: { servicePlan: ['spec.externalName!=small'] } } }, { type: 'merge' });
    await eventually(async () => statusOf(await env.cluster.client.get(cr.clusterServicePlans, SMALL_PLAN_ID)).removedFromBrokerCatalog === true, 10_000, 'small removed');
    await env.cluster.client.get(cr.clusterServicePlans, LARGE_PLAN_ID);
    // Deleting the broker takes its classes and plans.
    await env.cluster.client.delete(cr.clusterServiceBrokers, 'restricted');
    await eventually(async () => (await env.cluster.client.list(cr.clusterServicePlans)).items.length === 0 && (await env.cluster.client.list(cr.clusterServiceClasses)).items.length === 0, 10_000, 'offerings gone');
  } finally {
    await env.close();
  }
});

test('an unreachable broker shows the error, the retry count and the next attempt, then recovers', async () => {
  const env = await startCatalog();
  try {
    env.broker.inject({ endpoint: 'catalog', status: 503, body: { description: 'down for maintenance' }, times: Infinity });
    await env.cluster.client.create(cr.clusterServiceBrokers, {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ClusterServiceBroker',
      metadata: { name: 'flaky' },
      spec: { url: env.broker.url },
    });
    const failing = await waitCondition(env, cr.clusterServiceBrokers, 'flaky', 'Ready', 'False', 'ErrorFetchingCatalog');
    const st = statusOf(failing) as { lastError?: { reason: string; message: string }; nextRetryTime?: string; retries?: number };
    assert.equal(st.lastError?.reason, 'ErrorFetchingCatalog');
    assert.match(st.lastError!.message, /down for maintenance/);
    assert.match(st.lastError!.message, /retrying in \d+ s/);
    assert.ok(st.nextRetryTime);
    assert.ok((st.retries ?? 0) >= 1);
    assert.ok((await eventsFor(env, 'flaky')).some((e) => e.type === 'Warning' && e.reason === 'ErrorFetchingCatalog'));
    env.broker.clearFaults();
    const ok = await waitCondition(env, cr.clusterServiceBrokers, 'flaky', 'Ready', 'True');
    assert.equal(statusOf(ok).lastError, undefined);
    assert.equal(statusOf(ok).nextRetryTime, undefined);
  } finally {
    await env.close();
  }
});

test('a broker whose auth Secret is missing says so and uses it once it exists', async () => {
  const env = await startCatalog({ auth: { basic: { username: 'u', password: 'p' } } });
  try {
    await env.cluster.client.create(cr.clusterServiceBrokers, {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ClusterServiceBroker',
      metadata: { name: 'secured' },
      spec: { url: env.broker.url, authInfo: { basic: { secretRef: { namespace: 'default', name: 'broker-auth' } } } },
    });
    const failing = await waitCondition(env, cr.clusterServiceBrokers, 'secured', 'Ready', 'False', 'ErrorGettingAuthCredentials');
    assert.match(String((statusOf(failing).lastError as { message: string }).message), /secret "default\/broker-auth" not found/);
    await env.cluster.client.create(cr.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'broker-auth', namespace: 'default' },
      stringData: { username: 'u', password: 'p' },
    });
    await waitCondition(env, cr.clusterServiceBrokers, 'secured', 'Ready', 'True');
    assert.ok(env.broker.requests.some((r) => r.endpoint === 'catalog' && r.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`));
  } finally {
    await env.close();
  }
});

test('a relist keeps the defaultProvisionParameters an operator set on a plan, and instances get them', async () => {
  const env = await startCatalog();
  try {
    await registerBroker(env, 'example', { relistBehavior: 'Manual' });
    await env.cluster.client.patch(cr.clusterServicePlans, SMALL_PLAN_ID, { spec: { defaultProvisionParameters: { size: 4, label: 'team' } } }, { type: 'merge' });
    await env.cluster.client.patch(cr.clusterServiceBrokers, 'example', { spec: { relistRequests: 1 } }, { type: 'merge' });
    await eventually(async () => statusOf(await env.cluster.client.get(cr.clusterServiceBrokers, 'example')).observedRelistRequests === 1, 10_000, 'relisted');
    const plan = await env.cluster.client.get(cr.clusterServicePlans, SMALL_PLAN_ID);
    assert.deepEqual((plan.spec as Record<string, unknown>).defaultProvisionParameters, { size: 4, label: 'team' });
    await env.cluster.client.create(cr.serviceInstances, {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceInstance',
      metadata: { name: 'db', namespace: 'default' },
      spec: { clusterServiceClassExternalName: 'example-db', clusterServicePlanExternalName: 'small', parameters: { size: 2 } },
    });
    await waitCondition(env, cr.serviceInstances, 'db', 'Ready', 'True');
    const provision = env.broker.requests.find((r) => r.endpoint === 'provision')!;
    assert.deepEqual((provision.body as { parameters?: unknown }).parameters, { size: 2, label: 'team' });
  } finally {
    await env.close();
  }
});

test('a catalog that is not JSON, or never answered, is ErrorFetchingCatalog with the cause, then fetched once the broker behaves', async () => {
  const env = await startCatalog();
  try {
    env.broker.inject({ endpoint: 'catalog', garbage: true });
    env.broker.inject({ endpoint: 'catalog', hang: true });
    await env.cluster.client.create(cr.clusterServiceBrokers, { apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ClusterServiceBroker', metadata: { name: 'odd' }, spec: { url: env.broker.url } });
    await waitCondition(env, cr.clusterServiceBrokers, 'odd', 'Ready', 'True', undefined, 30_000);
    const failures = (await eventsFor(env, 'odd')).filter((e) => e.reason === 'ErrorFetchingCatalog').map((e) => e.message);
    assert.equal(failures.length, 2, failures.join('\n'));
    assert.match(failures[0], /JSON|malformed/i);
    assert.match(failures[1], /did not answer fetching the catalog in time/);
    assert.equal((await env.cluster.client.list(cr.clusterServicePlans)).items.length, 2);
  } finally {
    await env.close();
  }
});
