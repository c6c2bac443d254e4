import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { deploymentController } from '../../../src/controllers/deployment/index.js';
import { garbageCollectorController } from '../../../src/controllers/garbage-collector/index.js';
import { replicaSetController } from '../../../src/controllers/replicaset/index.js';
import { eventually, kubectl, list, r, startCluster, type Cluster } from '../fixtures.js';

const all = [replicaSetController, deploymentController, garbageCollectorController];

async function deployWeb(c: Cluster, name = 'web', replicas = 3): Promise<void> {
  await c.client.create(r.deployments, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  await eventually(async () => (await list(c.client, r.pods, 'default', `app=${name}`)).length === replicas, 10_000, 'pods');
}

test('kubectl delete deployment removes its ReplicaSets and pods (background)', async () => {
  const c = await startCluster(all);
  try {
    await deployWeb(c);
    await kubectl(c, ['delete', 'deployment', 'web']);
    await eventually(async () => (await list(c.client, r.replicaSets)).length === 0 && (await list(c.client, r.pods)).length === 0, 10_000, 'dependents gone');
  } finally {
    await c.close();
  }
});

test('foreground deletion keeps the owner until its dependents are gone', async () => {
  const c = await startCluster(all);
  try {
    await deployWeb(c);
    const seen: string[] = [];
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        const d = await c.client.get(r.deployments, 'web', { namespace: 'default' }).catch(() => undefined);
        const pods = (await list(c.client, r.pods)).length;
        if (!d) {
          seen.push(`gone with ${pods} pods`);
          return;
        }
        if (d.metadata.deletionTimestamp) seen.push(`terminating finalizers=${(d.metadata.finalizers ?? []).join(',')}`);
        await new Promise((res) => setTimeout(res, 5));
      }
    })();
    await kubectl(c, ['delete', 'deployment', 'web', '--cascade=foreground', '--wait=false']);
    await eventually(async () => seen.some((s) => s.startsWith('gone')), 10_000, 'deployment deleted');
    stop = true;
    await watcher;
    assert.ok(seen.includes('terminating finalizers=foregroundDeletion'), 'the owner waited with the foregroundDeletion finalizer');
    assert.equal(seen.at(-1), 'gone with 0 pods');
    assert.equal((await list(c.client, r.replicaSets)).length, 0);
  } finally {
    await c.close();
  }
});

test('--cascade=orphan keeps ReplicaSets and pods, without the owner reference', async () => {
  const c = await startCluster(all);
  try {
    await deployWeb(c);
    const [rs] = await list(c.client, r.replicaSets);
    await kubectl(c, ['delete', 'deployment', 'web', '--cascade=orphan']);
    await eventually(async () => (await c.client.get(r.deployments, 'web', { namespace: 'default' }).then(() => false, () => true)), 10_000, 'deployment gone');
    await new Promise((res) => setTimeout(res, 300));
    const rss = await list(c.client, r.replicaSets);
    assert.equal(rss.length, 1);
    assert.equal(rss[0].metadata.uid, rs.metadata.uid);
    assert.equal(rss[0].metadata.ownerReferences, undefined);
    const pods = await list(c.client, r.pods);
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid));
  } finally {
    await c.close();
  }
});

test('an object with a surviving owner only drops the reference to the deleted one', async () => {
  const c = await startCluster([garbageCollectorController]);
  try {
    const cm = (name: string, owners: KubeObject[] = []): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default', ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name!, uid: o.metadata.uid! })) },
    });
    const a = await c.client.create(r.configMaps, cm('a'));
    const b = await c.client.create(r.configMaps, cm('b'));
    await c.client.create(r.configMaps, cm('shared', [a, b]));
    await c.client.create(r.configMaps, cm('only-a', [a]));
    await c.client.delete(r.configMaps, 'a', { namespace: 'default' });
    await eventually(async () => (await c.client.get(r.configMaps, 'only-a', { namespace: 'default' }).then(() => false, () => true)), 10_000, 'only-a collected');
    const shared = await eventually(async () => {
      const s = await c.client.get(r.configMaps, 'shared', { namespace: 'default' });
      return s.metadata.ownerReferences?.length === 1 ? s : undefined;
    }, 10_000, 'reference dropped');
    assert.equal(shared.metadata.ownerReferences![0].uid, b.metadata.uid);
    // A dependent whose owner never existed is collected too.
    await c.client.create(r.configMaps, { ...cm('ghost'), metadata: { name: 'ghost', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope', uid: '00000000-0000-0000-0000-000000000000' }] } });
    await eventually(async () => (await c.client.get(r.configMaps, 'ghost', { namespace: 'default' }).then(() => false, () => true)), 10_000, 'ghost collected');
  } finally {
    await c.close();
  }
});
