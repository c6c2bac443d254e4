import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { useCluster } from './harness.js';

describe('@kubernetes/client-node against wharf up', () => {
  // No nodes: the test binds pods itself, with no scheduler placing them first.
  const cluster = useCluster(['--nodes', '0']);
  let kc: k8s.KubeConfig;

  before(() => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
  });

  test('CRUD on ConfigMaps and Deployments with typed clients', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'crud' } } });
    const created = await core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'one' }, data: { k: 'v' } } });
    assert.equal(created.metadata?.namespace, 'crud');
    assert.ok(created.metadata?.uid);
    const read = await core.readNamespacedConfigMap({ name: 'one', namespace: 'crud' });
    assert.deepEqual(read.data, { k: 'v' });
    read.data = { k: 'v2' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'one', namespace: 'crud', body: read });
    assert.equal(replaced.data?.k, 'v2');
    assert.notEqual(replaced.metadata?.resourceVersion, read.metadata?.resourceVersion);
    // A write with a stale resourceVersion is a conflict.
    await assert.rejects(core.replaceNamespacedConfigMap({ name: 'one', namespace: 'crud', body: read }), (e: { code?: number }) => e.code === 409);
    // Every namespace also gets the cluster's CA bundle, as in Kubernetes: a controller publishes it soon
    // after the namespace appears (not within the namespace's create), so the list is read until it has it.
    const deadline = Date.now() + 10_000;
    let names = (await core.listNamespacedConfigMap({ namespace: 'crud' })).items.map((c) => c.metadata?.name);
    while (!names.includes('kube-root-ca.crt') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      names = (await core.listNamespacedConfigMap({ namespace: 'crud' })).items.map((c) => c.metadata?.name);
    }
    assert.deepEqual(names, ['kube-root-ca.crt', 'one']);

    const dep = await apps.createNamespacedDeployment({
      namespace: 'crud',
      body: {
        metadata: { name: 'api' },
        spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'example/api:1' }] } } },
      },
    });
    assert.equal(dep.spec?.replicas, 1, 'defaults are applied');
    assert.equal(dep.spec?.strategy?.type, 'RollingUpdate');
    const scale = await apps.readNamespacedDeploymentScale({ name: 'api', namespace: 'crud' });
    assert.equal(scale.spec?.replicas, 1);
    await apps.deleteNamespacedDeployment({ name: 'api', namespace: 'crud' });
    await assert.rejects(apps.readNamespacedDeployment({ name: 'api', namespace: 'crud' }), (e: { code?: number }) => e.code === 404);
    await core.deleteNamespacedConfigMap({ name: 'one', namespace: 'crud' });
    const empty = await core.listNamespacedConfigMap({ namespace: 'crud', fieldSelector: 'metadata.name=one' });
    assert.deepEqual(empty.items, []);
  });

  test('binding a pod sets its node once; pod status is written through the status subresource', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'binding' } } });
    await core.createNamespacedPod({ namespace: 'binding', body: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } });
    await core.createNamespacedPodBinding({ name: 'web', namespace: 'binding', body: { metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } } });
    const bound = await core.readNamespacedPod({ name: 'web', namespace: 'binding' });
    assert.equal(bound.spec?.nodeName, 'node-1');
    assert.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
    await assert.rejects(
      core.createNamespacedPodBinding({ name: 'web', namespace: 'binding', body: { metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-2' } } }),
      (e: { code?: number; body?: string }) => e.code === 409 && /already assigned to node \\?"node-1/.test(String(e.body)),
    );
    bound.status = { ...bound.status, phase: 'Running', podIP: '10.244.0.5' };
    const updated = await core.replaceNamespacedPodStatus({ name: 'web', namespace: 'binding', body: bound });
    assert.equal(updated.status?.phase, 'Running');
    const listed = await core.listNamespacedPod({ namespace: 'binding', fieldSelector: 'status.phase=Running,spec.nodeName=node-1' });
    assert.deepEqual(listed.items.map((p) => p.metadata?.name), ['web']);
  });

  test('an informer keeps up with 1,000 changes', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    const informer = k8s.makeInformer(
      kc,
      '/api/v1/namespaces/informed/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'informed', labelSelector: 'test=informer' }),
      'test=informer',
    );
    let adds = 0;
    let updates = 0;
    let deletes = 0;
    informer.on('add', () => adds++);
    informer.on('update', () => updates++);
    informer.on('delete', () => deletes++);
    await informer.start();
    try {
      const n = 400;
      // 400 creates, 400 updates and 200 deletes: 1,000 changes from several concurrent writers.
      const names = Array.from({ length: n }, (_, i) => `cm-${i}`);
      await inBatches(names, 25, (name) => core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name, labels: { test: 'informer' } }, data: { v: '0' } } }));
      await inBatches(names, 25, (name) => core.patchNamespacedConfigMap({ name, namespace: 'informed', body: { data: { v: '1' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)));
      await inBatches(names.slice(0, n / 2), 25, (name) => core.deleteNamespacedConfigMap({ name, namespace: 'informed' }));
      const deadline = Date.now() + 20_000;
      while ((adds < n || updates < n || deletes < n / 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(adds, n);
      assert.equal(updates, n);
      assert.equal(deletes, n / 2);
      const cached = informer.list('informed');
      assert.equal(cached.length, n / 2);
      assert.ok(cached.every((c) => c.data?.v === '1'));
    } finally {
      await informer.stop();
    }
  });
});

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
