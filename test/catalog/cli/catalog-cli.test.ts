import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exampleCatalog, LARGE_PLAN_ID } from '../../../src/catalog/brokers/index.js';
import { CatalogCli } from '../../../src/catalog/cli/catalog-cli.js';
import { cr, eventually, startCatalog, type CatalogEnv } from '../controllers/fixtures.js';

describe('wharf catalog verbs against a real API server, the catalog controllers and the example broker', () => {
  let env: CatalogEnv;
  let cli: CatalogCli;
  const printed: string[] = [];
  const lastPrinted = () => printed[printed.length - 1];

  before(async () => {
    env = await startCatalog();
    cli = new CatalogCli({ client: env.cluster.client, out: (t) => printed.push(t), pollIntervalMs: 50 });
  });

  after(async () => {
    await env?.close();
  });

  test('register creates a ClusterServiceBroker whose classes and plans show in the marketplace', async () => {
    const broker = await cli.register('example', { url: env.broker.url, basicSecret: 'auth', secretNamespace: 'kube-system', relistBehavior: 'Manual' });
    assert.equal(lastPrinted(), 'clusterservicebroker.servicecatalog.k8s.io/example created');
    assert.deepEqual(broker.spec?.authInfo, { basic: { secretRef: { namespace: 'kube-system', name: 'auth' } } });
    // The example broker wants no auth, and a missing Secret would stop the catalog fetch: drop it again.
    await env.cluster.client.patch(cr.clusterServiceBrokers, 'example', { spec: { authInfo: null } }, { type: 'merge' });
    const market = await eventually(async () => {
      const text = await cli.marketplace('default');
      // The controller writes the class, then its plans one by one.
      return /small, large/.test(text) ? text : undefined;
    }, 20_000, 'the marketplace to list example-db with both plans');
    assert.match(market, /^CLASS\s+PLANS\s+DESCRIPTION$/m);
    assert.match(market, /^example-db\s+small, large\s+An in-memory database/m);
    const brokers = await cli.get('brokers', undefined, { namespace: 'default' });
    assert.match(brokers, /^NAME\s+NAMESPACE\s+URL\s+STATUS\s+AGE$/m);
    assert.match(brokers, new RegExp(`^example\\s+${env.broker.url.replace(/[.]/g, '\\.')}\\s+FetchedCatalog|^example\\s+${env.broker.url.replace(/[.]/g, '\\.')}\\s+Ready`, 'm'));
    const plans = await cli.get('plans', undefined, { namespace: 'default' });
    assert.match(plans, /^small\s+example-db\s+A small shared database$/m);
  });

  test('sync raises relistRequests', async () => {
    assert.equal(await cli.sync('example'), 1);
    assert.equal(await cli.sync('example'), 2);
    const b = await env.cluster.client.get(cr.clusterServiceBrokers, 'example');
    assert.equal((b.spec as { relistRequests: number }).relistRequests, 2);
  });

  test('provision --wait, bind --wait, describe, unbind --wait and deprovision --wait go through the broker', async () => {
    const inst = await cli.provision('db', { namespace: 'default', className: 'example-db', planName: 'small', parameters: { size: 2 }, wait: true, timeoutMs: 20_000 });
    assert.deepEqual(printed.slice(-2), ['serviceinstance.servicecatalog.k8s.io/db created', 'serviceinstance "db" is Ready']);
    assert.equal(inst.spec?.clusterServiceClassExternalName, 'example-db');
    assert.equal(inst.spec?.clusterServicePlanExternalName, 'small');
    assert.equal(env.broker.instances().length, 1);
    assert.deepEqual(env.broker.instances()[0].parameters, { size: 2 });

    const instances = await cli.get('instances', undefined, { namespace: 'default' });
    assert.match(instances, /^NAME\s+NAMESPACE\s+CLASS\s+PLAN\s+STATUS\s+AGE$/m);
    assert.match(instances, /^db\s+default\s+example-db\s+small\s+Ready\s+\d+s$/m);

    await cli.bind('db', { namespace: 'default', secretName: 'db-secret', wait: true, timeoutMs: 20_000 });
    assert.equal(lastPrinted(), 'servicebinding "db" is Ready');
    const secret = await env.cluster.client.get(cr.secrets, 'db-secret', { namespace: 'default' });
    assert.ok(Object.keys(secret.data as object).length > 0);

    const described = await cli.describe('instance', 'db', 'default');
    assert.match(described, /^Name:\s+db$/m);
    assert.match(described, /^Status:\s+Ready - .+ @ \d{4}-/m);
    assert.match(described, /^Class:\s+example-db$/m);
    assert.match(described, /^Parameters:\n {2}size: 2$/m);
    assert.match(described, /^Bindings:\n {2}NAME\s+STATUS\n {2}db\s+Ready$/m);
    const boundText = await cli.describe('binding', 'db', 'default');
    assert.match(boundText, /^Secret:\s+db-secret$/m);
    assert.match(boundText, /^Secret Data:\n(?: {2}\S+\s+\d+ bytes\n?)+$/m);
    assert.doesNotMatch(boundText, new RegExp(Buffer.from(Object.values(secret.data as Record<string, string>)[0], 'base64').toString().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    assert.deepEqual(await cli.unbind('db', { namespace: 'default', wait: true, timeoutMs: 20_000 }), ['db']);
    assert.equal(lastPrinted(), 'servicebinding "db" is gone');
    assert.equal(env.broker.bindings().length, 0);

    await cli.deprovision('db', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    assert.equal(lastPrinted(), 'serviceinstance "db" is gone');
    assert.equal(env.broker.instances().length, 0);
    assert.match(await cli.get('instances', undefined, { namespace: 'default' }), /^No instances found in default namespace\.$/);
  });

  test('deprovision --abandon deletes the instance without the broker, which keeps it', async () => {
    await cli.provision('kept', { namespace: 'default', className: 'example-db', planName: 'small', wait: true, timeoutMs: 20_000 });
    const calls = env.broker.requests.length;
    await cli.deprovision('kept', { namespace: 'default', abandon: true, wait: true, timeoutMs: 20_000 });
    assert.match(printed[printed.length - 2], /kept deleted \(abandoned/);
    assert.equal(env.broker.instances().length, 1);
    assert.equal(env.broker.requests.slice(calls).filter((r) => r.endpoint === 'deprovision').length, 0);
  });

  test('provision names what is wrong with an unknown class or plan, and --wait reports Failed', async () => {
    await assert.rejects(cli.provision('x', { namespace: 'default', className: 'nosuch', planName: 'small' }), /class "nosuch" is not in the marketplace \(classes: example-db\)/);
    await assert.rejects(cli.provision('x', { namespace: 'default', className: 'example-db', planName: 'huge' }), /plan "huge" is not a plan of class "example-db" \(plans: small, large\)/);
    await assert.rejects(
      cli.provision('bad', { namespace: 'default', className: 'example-db', planName: 'small', parameters: { size: 99 }, wait: true, timeoutMs: 20_000 }),
      /serviceinstance "bad" failed: .*size must be at most 10/,
    );
    await cli.deprovision('bad', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    await assert.rejects(cli.bind('nothere', { namespace: 'default' }), /serviceinstance "nothere" not found/);
    await assert.rejects(cli.get('instances', 'ghost', { namespace: 'default' }), /serviceinstance "ghost" not found/);
  });

  test('rotate --wait gives a binding new credentials; upgrade --wait applies the maintenance_info the plan now offers', async () => {
    const password = async () => Buffer.from(((await env.cluster.client.get(cr.secrets, 'rot', { namespace: 'default' })).data as Record<string, string>).password, 'base64').toString();
    const rot = await cli.provision('rot', { namespace: 'default', className: 'example-db', planName: 'small', wait: true, timeoutMs: 20_000 });
    await cli.bind('rot', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    const before = await password();
    await cli.rotate('rot', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    assert.match(lastPrinted(), /^servicebinding "rot" has new credentials \(broker binding [0-9a-f-]+\)$/);
    assert.notEqual(await password(), before);
    assert.match(await cli.describe('binding', 'rot', 'default'), /^Broker Binding ID:\s+[0-9a-f-]+$/m);

    const big = await cli.provision('big', { namespace: 'default', className: 'example-db', planName: 'large', wait: true, timeoutMs: 20_000 });
    const catalog = exampleCatalog();
    catalog.services[0].plans.find((p) => p.id === LARGE_PLAN_ID)!.maintenance_info = { version: '1.2.0' };
    env.broker.setCatalog(catalog);
    await cli.sync('example');
    await eventually(async () => /^Maintenance:.*version is now 1\.2\.0/m.test(await cli.describe('instance', 'big', 'default')), 20_000, 'the upgrade on offer');
    await cli.upgrade('big', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    assert.equal(lastPrinted(), 'serviceinstance "big" has maintenance_info version 1.2.0');
    assert.match(await cli.describe('instance', 'big', 'default'), /^Maintenance:\s+1\.2\.0 \(up to date\)$/m);

    await cli.unbind('rot', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    await cli.deprovision('rot', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    await cli.deprovision('big', { namespace: 'default', wait: true, timeoutMs: 20_000 });
    assert.equal(env.broker.instance(rot.spec!.externalID!), undefined);
    assert.equal(env.broker.instance(big.spec!.externalID!), undefined);
  });

  test('get -o yaml prints the objects; deregister removes the broker', async () => {
    const yaml = await cli.get('classes', 'example-db', { namespace: 'default', output: 'yaml' });
    assert.match(yaml, /^kind: ClusterServiceClass$/m);
    assert.match(yaml, /externalName: example-db/);
    await cli.deregister('example');
    await eventually(async () => (await env.cluster.client.list(cr.clusterServiceBrokers)).items.length === 0, 10_000, 'the broker to go');
  });
});
