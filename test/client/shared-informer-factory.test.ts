import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedInformerFactory } from '../../src/client/shared-informer-factory.js';
import { configMap, configMaps, eventually, pods, quiet, startApi } from './fixtures.js';

test('SharedInformerFactory.informerFor() shares one informer per resource and selection', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet });
  try {
    const a = factory.informerFor(configMaps);
    assert.equal(factory.informerFor(configMaps), a);
    assert.notEqual(factory.informerFor(configMaps, { labelSelector: 'app=x' }), a);
    assert.notEqual(factory.informerFor(pods), a);
  } finally {
    await factory.stop();
    await api.close();
  }
});

test('SharedInformerFactory starts its informers, and later ones at once; waitForSync() covers all', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet, namespace: 'default' });
  try {
    await api.client.create(configMaps, configMap('one', { k: 'v' }, 'default', { app: 'x' }));
    await api.client.create(configMaps, configMap('elsewhere', { k: 'v' }, 'kube-system'));
    const all = factory.informerFor(configMaps);
    factory.start();
    assert.equal(await factory.waitForSync(), true);
    assert.deepEqual(all.store.listKeys(), ['default/one'], 'the factory namespace applies');

    const labelled = factory.informerFor(configMaps, { labelSelector: 'app=y' });
    assert.equal(await factory.waitForSync(), true);
    assert.equal(labelled.hasSynced(), true);
    assert.equal(labelled.store.size, 0);
    await api.client.create(configMaps, configMap('two', { k: 'v' }, 'default', { app: 'y' }));
    await eventually(() => labelled.store.size === 1 && all.store.size === 2, 5000, 'both informers see "two"');
  } finally {
    await factory.stop();
    await api.close();
  }
});

test('SharedInformerFactory drops managedFields from cached objects unless asked to keep them; an update without them keeps the stored ones', async () => {
  const api = await startApi();
  const trimmed = new SharedInformerFactory(api.client, { logger: quiet });
  const kept = new SharedInformerFactory(api.client, { logger: quiet, keepManagedFields: true });
  try {
    await api.client.create(configMaps, configMap('listed', { k: 'v' }));
    const a = trimmed.informerFor(configMaps);
    const b = kept.informerFor(configMaps);
    trimmed.start();
    kept.start();
    await Promise.all([trimmed.waitForSync(), kept.waitForSync()]);
    await api.client.create(configMaps, configMap('watched', { k: 'v' }));
    await eventually(() => a.store.size === 2 && b.store.size === 2, 5000, 'both see "watched"');
    for (const name of ['default/listed', 'default/watched']) {
      assert.equal(a.store.get(name)!.metadata.managedFields, undefined, `${name}: trimmed`);
      assert.ok(Array.isArray(b.store.get(name)!.metadata.managedFields), `${name}: kept`);
    }
    // Writing back a trimmed copy leaves the server's managedFields as they were, plus the writer's.
    const copy = a.store.get('default/listed')!;
    const updated = await api.client.update(configMaps, { ...copy, data: { k: 'w' } });
    assert.ok((updated.metadata.managedFields ?? []).length >= 1);
  } finally {
    await trimmed.stop();
    await kept.stop();
    await api.close();
  }
});
