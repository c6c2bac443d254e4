import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { MemoryStore, SqliteStore } from '../../src/storage/index.js';
import { ResourceStore } from '../../src/apiserver/resource-store.js';
import { configMap, configMaps, deployment, deployments, namespace, namespaces, pod, pods, tempSqlite } from './fixtures.js';
import { statusOf } from './status-assertions.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('create() sets uid, creationTimestamp and resourceVersion, and generation 1 for kinds that keep one', async () => {
  const store = new MemoryStore();
  const deps = new ResourceStore(deployments, store);
  const cms = new ResourceStore(configMaps, store);
  const d = await deps.create({ ...deployment('web'), metadata: { name: 'web', namespace: 'default', uid: 'mine', resourceVersion: '77', generation: 9 } });
  assert.match(d.obj.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.notEqual(d.obj.metadata.uid, 'mine');
  assert.match(String(d.obj.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(d.obj.metadata.generation, 1);
  assert.equal(d.obj.metadata.resourceVersion, String(d.revision));
  assert.equal(d.revision, await store.currentRevision());
  assert.deepEqual(JSON.parse(d.json), d.obj);
  const c = await cms.create({ ...configMap('cm'), metadata: { name: 'cm', namespace: 'default', generation: 4 } });
  assert.equal(c.obj.metadata.generation, undefined, 'configmaps keep no generation');
});

test('create() drops the status of kinds with a status subresource', async () => {
  const deps = new ResourceStore(deployments, new MemoryStore());
  const d = await deps.create({ ...deployment('web'), status: { replicas: 5, readyReplicas: 5 } });
  assert.equal(d.obj.status, undefined);
  const podStore = new ResourceStore(pods, new MemoryStore());
  const p = await podStore.create({ ...pod('p'), status: { phase: 'Running', podIP: '1.2.3.4' } });
  assert.equal((p.obj.status as { phase: string }).phase, 'Pending', 'the pod strategy sets its own initial status');
  assert.equal((p.obj.status as { podIP?: string }).podIP, undefined);
});

test('create() fills a name from generateName and drops the namespace of cluster-scoped kinds', async () => {
  const store = new MemoryStore();
  const cms = new ResourceStore(configMaps, store);
  const c = await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', namespace: 'default' } });
  assert.match(c.obj.metadata.name!, /^gen-[a-z0-9]{5}$/);
  const nss = new ResourceStore(namespaces, store);
  const n = await nss.create({ ...namespace('team'), metadata: { name: 'team', namespace: 'default' } });
  assert.equal(n.obj.metadata.namespace, undefined);
  assert.equal(n.key, '/registry/core/namespaces/team');
});

test('create() answers 409 AlreadyExists for an existing name and 422 for an invalid object', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  await cms.create(configMap('dup'));
  await assert.rejects(cms.create(configMap('dup')), statusOf(409, 'AlreadyExists', /^configmaps "dup" already exists$/));
  await assert.rejects(cms.create(configMap('Not_Valid')), statusOf(422, 'Invalid', /^ConfigMap "Not_Valid" is invalid: metadata\.name/));
});

test('create() with dryRun validates but stores nothing', async () => {
  const store = new MemoryStore();
  const cms = new ResourceStore(configMaps, store);
  const before = await store.currentRevision();
  const r = await cms.create(configMap('dry'), { dryRun: true });
  assert.equal(r.obj.metadata.name, 'dry');
  assert.ok(r.obj.metadata.uid);
  assert.equal(await store.currentRevision(), before);
  assert.equal(await store.get(cms.key('default', 'dry')), undefined);
  await assert.rejects(cms.create(configMap('BAD!'), { dryRun: true }), statusOf(422, 'Invalid'));
});

test('create() with dryRun answers 409 for a name already stored, even before the cache has loaded', async () => {
  const store = new MemoryStore();
  await new ResourceStore(configMaps, store).create(configMap('exists'));
  // A fresh store over the same storage, as after a restart.
  const fresh = new ResourceStore(configMaps, store);
  await assert.rejects(fresh.create(configMap('exists'), { dryRun: true }), statusOf(409, 'AlreadyExists'));
});

test('create() runs beforeWrite on the final object', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  const seen: (KubeObject | undefined)[] = [];
  const r = await cms.create(configMap('hooked'), {
    beforeWrite: (obj, old) => {
      seen.push(old);
      obj.metadata.annotations = { hooked: 'yes' };
    },
  });
  assert.deepEqual(seen, [undefined]);
  assert.deepEqual(r.obj.metadata.annotations, { hooked: 'yes' });
});

test('get() answers 404 with the Kubernetes message', async () => {
  const deps = new ResourceStore(deployments, new MemoryStore());
  await assert.rejects(deps.get('default', 'nope'), statusOf(404, 'NotFound', /^deployments\.apps "nope" not found$/));
  assert.equal(await deps.find('default', 'nope'), undefined);
});

test('update() with a stale resourceVersion answers 409 Conflict; a malformed one 400', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  const v1 = await cms.create(configMap('c'));
  const next = clone(v1.obj);
  next.data = { k: 'two' };
  const v2 = await cms.update('default', 'c', next, undefined);
  assert.ok(v2.revision > v1.revision);
  const stale = clone(v1.obj);
  stale.data = { k: 'three' };
  await assert.rejects(
    cms.update('default', 'c', stale, undefined),
    statusOf(409, 'Conflict', /^Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again$/),
  );
  const bad = clone(v2.obj);
  bad.metadata.resourceVersion = 'abc';
  await assert.rejects(cms.update('default', 'c', bad, undefined), statusOf(400, 'BadRequest'));
  assert.deepEqual((await cms.get('default', 'c')).obj.data, { k: 'two' });
});

test('update() without a resourceVersion is unconditional; uid and creationTimestamp are kept', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  const v1 = await cms.create(configMap('c'));
  const v2 = await cms.update('default', 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'x' } }, undefined);
  assert.deepEqual(v2.obj.data, { k: 'x' });
  assert.equal(v2.obj.metadata.uid, v1.obj.metadata.uid);
  assert.equal(v2.obj.metadata.creationTimestamp, v1.obj.metadata.creationTimestamp);
  await assert.rejects(cms.update('default', 'missing', configMap('missing'), undefined), statusOf(404, 'NotFound'));
});

test('update() that changes nothing writes nothing and keeps the resourceVersion', async () => {
  const store = new MemoryStore();
  const cms = new ResourceStore(configMaps, store);
  const v1 = await cms.create(configMap('c'));
  const same = await cms.update('default', 'c', clone(v1.obj), undefined);
  assert.equal(same.revision, v1.revision);
  assert.equal(await store.currentRevision(), v1.revision);
});

test('update() of the main resource keeps the stored status; the status subresource changes only status', async () => {
  const deps = new ResourceStore(deployments, new MemoryStore());
  const v1 = await deps.create(deployment('web'));
  // Main resource: a status in the body is ignored.
  const main = clone(v1.obj);
  main.status = { replicas: 3 };
  (main.spec as { replicas: number }).replicas = 2;
  const v2 = await deps.update('default', 'web', main, undefined);
  assert.equal(v2.obj.status, undefined);
  assert.equal((v2.obj.spec as { replicas: number }).replicas, 2);
  // Status subresource: spec and labels in the body are ignored.
  const st = clone(v2.obj);
  st.status = { replicas: 2, readyReplicas: 1 };
  (st.spec as { replicas: number }).replicas = 9;
  st.metadata.labels = { sneaky: 'yes' };
  const v3 = await deps.update('default', 'web', st, 'status');
  assert.deepEqual(v3.obj.status, { replicas: 2, readyReplicas: 1 });
  assert.equal((v3.obj.spec as { replicas: number }).replicas, 2);
  assert.equal(v3.obj.metadata.labels, undefined);
  // And a later main update keeps that status.
  const again = clone(v3.obj);
  delete again.status;
  again.metadata.annotations = { a: 'b' };
  const v4 = await deps.update('default', 'web', again, undefined);
  assert.deepEqual(v4.obj.status, { replicas: 2, readyReplicas: 1 });
});

test('update() bumps generation on a spec change only', async () => {
  const deps = new ResourceStore(deployments, new MemoryStore());
  const v1 = await deps.create(deployment('web'));
  assert.equal(v1.obj.metadata.generation, 1);
  const labelled = clone(v1.obj);
  labelled.metadata.labels = { tier: 'front' };
  const v2 = await deps.update('default', 'web', labelled, undefined);
  assert.equal(v2.obj.metadata.generation, 1, 'metadata changes keep the generation');
  const st = clone(v2.obj);
  st.status = { replicas: 1 };
  const v3 = await deps.update('default', 'web', st, 'status');
  assert.equal(v3.obj.metadata.generation, 1, 'status changes keep the generation');
  const scaled = clone(v3.obj);
  (scaled.spec as { replicas: number }).replicas = 4;
  const v4 = await deps.update('default', 'web', scaled, undefined);
  assert.equal(v4.obj.metadata.generation, 2);
  const bumped = clone(v4.obj);
  bumped.metadata.generation = 50;
  const v5 = await deps.update('default', 'web', bumped, undefined);
  assert.equal(v5.obj.metadata.generation, 2, 'a client cannot set the generation');
});

test('guaranteedUpdate() retries a write that lost a race, with the fresh object', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  await cms.create(configMap('c', 'default', { data: { a: '1' } }));
  let calls = 0;
  const result = await cms.guaranteedUpdate('default', 'c', undefined, async (current) => {
    calls++;
    if (calls === 1) {
      // Someone else writes between our read and our write.
      await cms.update('default', 'c', { ...configMap('c'), data: { a: '1', other: 'x' } }, undefined);
    }
    current.data = { ...(current.data as Record<string, string>), mine: 'y' };
    return current;
  });
  assert.equal(calls, 2);
  assert.deepEqual(result.obj.data, { a: '1', other: 'x', mine: 'y' });
});

test('guaranteedUpdate() answers 409 for a resourceVersion precondition that does not hold', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  await cms.create(configMap('c'));
  let calls = 0;
  await assert.rejects(
    cms.guaranteedUpdate('default', 'c', undefined, (current) => {
      calls++;
      current.metadata.resourceVersion = '1000';
      return current;
    }),
    statusOf(409, 'Conflict'),
  );
  assert.equal(calls, 1, 'a failed precondition is not retried');
});

test('update() and guaranteedUpdate() with dryRun store nothing', async () => {
  const store = new MemoryStore();
  const cms = new ResourceStore(configMaps, store);
  const v1 = await cms.create(configMap('c'));
  const r = await cms.update('default', 'c', { ...configMap('c'), data: { k: 'dry' } }, undefined, { dryRun: true });
  assert.deepEqual(r.obj.data, { k: 'dry' });
  const r2 = await cms.guaranteedUpdate('default', 'c', undefined, (cur) => ({ ...cur, data: { k: 'dry2' } }), { dryRun: true });
  assert.deepEqual(r2.obj.data, { k: 'dry2' });
  assert.equal(await store.currentRevision(), v1.revision);
  assert.deepEqual((await cms.get('default', 'c')).obj.data, { k: 'v' });
});

test('delete() removes an object and reports it at the delete revision', async () => {
  const store = new MemoryStore();
  const cms = new ResourceStore(configMaps, store);
  const v1 = await cms.create(configMap('c'));
  const r = await cms.delete('default', 'c');
  assert.equal(r.deleted, true);
  assert.equal(r.object.revision, await store.currentRevision());
  assert.ok(r.object.revision > v1.revision);
  assert.equal(r.object.obj.metadata.resourceVersion, String(r.object.revision));
  assert.equal(await cms.find('default', 'c'), undefined);
  await assert.rejects(cms.delete('default', 'c'), statusOf(404, 'NotFound'));
});

test('delete() checks uid and resourceVersion preconditions', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  const v1 = await cms.create(configMap('c'));
  await assert.rejects(
    cms.delete('default', 'c', { preconditions: { uid: 'other' } }),
    statusOf(409, 'Conflict', new RegExp(`Precondition failed: UID in precondition: other, UID in object meta: ${v1.obj.metadata.uid}$`)),
  );
  await assert.rejects(
    cms.delete('default', 'c', { preconditions: { resourceVersion: '1' + v1.revision } }),
    statusOf(409, 'Conflict', /Precondition failed: ResourceVersion in precondition/),
  );
  const ok = await cms.delete('default', 'c', { preconditions: { uid: v1.obj.metadata.uid, resourceVersion: String(v1.revision) } });
  assert.equal(ok.deleted, true);
});

test('delete() with dryRun removes nothing', async () => {
  const store = new MemoryStore();
  const cms = new ResourceStore(configMaps, store);
  const v1 = await cms.create(configMap('c'));
  const r = await cms.delete('default', 'c', { dryRun: true });
  assert.equal(r.deleted, true);
  assert.equal(await store.currentRevision(), v1.revision);
  assert.ok(await cms.find('default', 'c'));
});

test('finalizers: delete() marks the object; removing the last finalizer deletes it', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  await cms.create({ ...configMap('held'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/a', 'example.com/b'] } });
  const marked = await cms.delete('default', 'held');
  assert.equal(marked.deleted, false);
  assert.ok(marked.object.obj.metadata.deletionTimestamp);
  assert.equal(marked.object.obj.metadata.deletionGracePeriodSeconds, 0);
  // Deleting again changes nothing.
  const again = await cms.delete('default', 'held');
  assert.equal(again.deleted, false);
  assert.equal(again.object.revision, marked.object.revision);
  // No new finalizer may be added now.
  const adding = clone(marked.object.obj);
  adding.metadata.finalizers = ['example.com/a', 'example.com/b', 'example.com/c'];
  await assert.rejects(cms.update('default', 'held', adding, undefined), statusOf(422, 'Invalid', /no new finalizers can be added if the object is being deleted/));
  // A client cannot clear the deletionTimestamp.
  const one = clone(marked.object.obj);
  one.metadata.finalizers = ['example.com/b'];
  delete one.metadata.deletionTimestamp;
  const v = await cms.update('default', 'held', one, undefined);
  assert.equal(v.obj.metadata.deletionTimestamp, marked.object.obj.metadata.deletionTimestamp);
  const none = clone(v.obj);
  none.metadata.finalizers = [];
  await cms.update('default', 'held', none, undefined);
  assert.equal(await cms.find('default', 'held'), undefined);
});

test('delete() with propagationPolicy Orphan or Foreground holds the object with that finalizer', async () => {
  const cms = new ResourceStore(configMaps, new MemoryStore());
  await cms.create(configMap('o'));
  await cms.create(configMap('f'));
  const o = await cms.delete('default', 'o', { propagationPolicy: 'Orphan' });
  assert.equal(o.deleted, false);
  assert.deepEqual(o.object.obj.metadata.finalizers, ['orphan']);
  const f = await cms.delete('default', 'f', { propagationPolicy: 'Foreground' });
  assert.deepEqual(f.object.obj.metadata.finalizers, ['foregroundDeletion']);
});

test('namespaces: delete() waits for spec.finalizers in phase Terminating; finalize with none deletes', async () => {
  const nss = new ResourceStore(namespaces, new MemoryStore());
  const created = await nss.create(namespace('team'));
  assert.deepEqual((created.obj.spec as { finalizers: string[] }).finalizers, ['kubernetes']);
  assert.equal((created.obj.status as { phase: string }).phase, 'Active');
  const marked = await nss.delete(undefined, 'team');
  assert.equal(marked.deleted, false);
  assert.ok(marked.object.obj.metadata.deletionTimestamp);
  assert.equal((marked.object.obj.status as { phase: string }).phase, 'Terminating');
  // An ordinary update cannot drop spec.finalizers; the finalize subresource can.
  const plain = clone(marked.object.obj);
  plain.spec = {};
  const still = await nss.update(undefined, 'team', plain, undefined);
  assert.deepEqual((still.obj.spec as { finalizers: string[] }).finalizers, ['kubernetes']);
  await nss.guaranteedUpdate(undefined, 'team', 'finalize', (cur) => ({ ...cur, spec: {} }));
  assert.equal(await nss.find(undefined, 'team'), undefined);
});

test('pods bound to a node are deleted gracefully; gracePeriodSeconds=0 deletes at once', async () => {
  const ps = new ResourceStore(pods, new MemoryStore());
  const p = pod('bound');
  (p.spec as { nodeName?: string }).nodeName = 'node-1';
  await ps.create(p);
  const marked = await ps.delete('default', 'bound');
  assert.equal(marked.deleted, false);
  assert.equal(marked.object.obj.metadata.deletionGracePeriodSeconds, 30);
  const now = await ps.delete('default', 'bound', { gracePeriodSeconds: 0 });
  assert.equal(now.deleted, true);
  await ps.create(pod('unbound'));
  assert.equal((await ps.delete('default', 'unbound')).deleted, true, 'a pod on no node goes at once');
});

test('ResourceStore over SQLite: concurrent updates without resourceVersions all land', async () => {
  const { file, cleanup } = tempSqlite();
  const storage = new SqliteStore(file, { durable: false });
  try {
    const cms = new ResourceStore(configMaps, storage);
    await cms.create(configMap('counter', 'default', { data: {} }));
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        cms.guaranteedUpdate('default', 'counter', undefined, (cur) => {
          cur.data = { ...(cur.data as Record<string, string>), [`k${i}`]: 'x' };
          return cur;
        }),
      ),
    );
    const final = await cms.get('default', 'counter');
    assert.deepEqual(Object.keys(final.obj.data as object).sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
    const stored = await storage.get(cms.key('default', 'counter'));
    assert.deepEqual(JSON.parse(stored!.value).data, final.obj.data, 'the cache holds what was stored');
    cms.cache.stop();
  } finally {
    await storage.close();
    cleanup();
  }
});
