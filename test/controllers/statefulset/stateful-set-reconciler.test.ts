import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { statefulSetController } from '../../../src/controllers/statefulset/index.js';
import { eventually, listPods, r, setPodStatus, startControllers } from '../workload-internal/harness.js';

function statefulSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...extra,
    },
  };
}

const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name ?? '').sort();

test('StatefulSet OrderedReady creates pods one at a time with claims, then scales down from the highest ordinal', async () => {
  const h = await startControllers([statefulSetController]);
  try {
    await h.client.create(
      r.statefulSets,
      statefulSet('web', 3, {
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    await eventually(async () => (await listPods(h.client)).length === 1, 5000, 'web-0');
    await new Promise((res) => setTimeout(res, 150));
    let pods = await listPods(h.client);
    assert.deepEqual(names(pods), ['web-0'], 'nothing else starts before web-0 is ready');
    const web0 = pods[0];
    assert.equal(web0.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(web0.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.ok(web0.metadata.labels?.['controller-revision-hash']);
    const spec = web0.spec as { hostname: string; subdomain: string; volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
    assert.equal(spec.hostname, 'web-0');
    assert.equal(spec.subdomain, 'web');
    assert.deepEqual(spec.volumes.find((v) => v.name === 'www')?.persistentVolumeClaim, { claimName: 'www-web-0' });
    const claim = await h.client.get(r.claims, 'www-web-0', { namespace: 'default' });
    assert.equal(claim.metadata.labels?.app, 'web');

    await setPodStatus(h.client, 'web-0', 'Running');
    await new Promise((res) => setTimeout(res, 150));
    assert.deepEqual(names(await listPods(h.client)), ['web-0'], 'Running but not Ready is not enough');
    await setPodStatus(h.client, 'web-0', 'Ready');
    await eventually(async () => (await listPods(h.client)).length === 2, 5000, 'web-1');
    assert.deepEqual(names(await listPods(h.client)), ['web-0', 'web-1']);
    await setPodStatus(h.client, 'web-1', 'Ready');
    await eventually(async () => (await listPods(h.client)).length === 3, 5000, 'web-2');
    await setPodStatus(h.client, 'web-2', 'Ready');
    await eventually(async () => {
      const s = (await h.client.get(r.statefulSets, 'web', { namespace: 'default' })).status as Record<string, unknown>;
      return s.readyReplicas === 3 && s.replicas === 3 && s.availableReplicas === 3 && s.currentReplicas === 3 && s.observedGeneration === 1;
    }, 5000, 'ready status');
    for (const n of ['www-web-1', 'www-web-2']) await h.client.get(r.claims, n, { namespace: 'default' });

    // Scale down: web-2 goes first; web-1 only after.
    const seen: string[][] = [];
    await h.client.patch(r.statefulSets, 'web', { spec: { replicas: 1 } }, { namespace: 'default', type: 'merge' });
    await eventually(async () => {
      pods = await listPods(h.client);
      seen.push(names(pods));
      return pods.length === 1;
    }, 5000, 'scale down');
    assert.deepEqual(names(pods), ['web-0']);
    assert.ok(!seen.some((s) => s.length === 2 && s.includes('web-2')), `web-1 went before web-2: ${JSON.stringify(seen)}`);
    // Claims are retained by default.
    await h.client.get(r.claims, 'www-web-2', { namespace: 'default' });
  } finally {
    await h.close();
  }
});

test('StatefulSet Parallel creates every pod at once', async () => {
  const h = await startControllers([statefulSetController]);
  try {
    await h.client.create(r.statefulSets, statefulSet('par', 3, { podManagementPolicy: 'Parallel' }));
    await eventually(async () => (await listPods(h.client)).length === 3, 5000, 'three pods');
    assert.deepEqual(names(await listPods(h.client)), ['par-0', 'par-1', 'par-2']);
  } finally {
    await h.close();
  }
});

test('StatefulSet RollingUpdate with a partition updates from the highest ordinal, one ready pod at a time', async () => {
  const h = await startControllers([statefulSetController]);
  try {
    await h.client.create(r.statefulSets, statefulSet('db', 3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await eventually(async () => (await listPods(h.client)).length === 3, 5000, 'three pods');
    for (const n of ['db-0', 'db-1', 'db-2']) await setPodStatus(h.client, n, 'Ready');
    const oldHash = (await h.client.get(r.pods, 'db-0', { namespace: 'default' })).metadata.labels?.['controller-revision-hash'];
    await eventually(async () => ((await h.client.get(r.statefulSets, 'db', { namespace: 'default' })).status as { readyReplicas?: number }).readyReplicas === 3);

    await h.client.patch(r.statefulSets, 'db', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, { namespace: 'default', type: 'strategic' });
    const imageOf = async (n: string) => {
      try {
        const p = await h.client.get(r.pods, n, { namespace: 'default' });
        return p.metadata.deletionTimestamp ? undefined : (p.spec as { containers: { image: string }[] }).containers[0].image;
      } catch {
        return undefined;
      }
    };
    await eventually(async () => (await imageOf('db-2')) === 'nginx:2', 5000, 'db-2 updated');
    assert.equal(await imageOf('db-1'), 'nginx:1', 'db-1 waits for db-2 to be ready');
    let sts = await h.client.get(r.statefulSets, 'db', { namespace: 'default' });
    const status = sts.status as Record<string, unknown>;
    assert.equal(status.currentRevision, oldHash);
    assert.notEqual(status.updateRevision, oldHash);
    await setPodStatus(h.client, 'db-2', 'Ready');
    await eventually(async () => (await imageOf('db-1')) === 'nginx:2', 5000, 'db-1 updated');
    await setPodStatus(h.client, 'db-1', 'Ready');
    await eventually(async () => {
      sts = await h.client.get(r.statefulSets, 'db', { namespace: 'default' });
      const s = sts.status as Record<string, unknown>;
      return s.updatedReplicas === 2 && s.currentReplicas === 1 && s.readyReplicas === 3;
    }, 5000, 'status after partitioned update');
    assert.equal(await imageOf('db-0'), 'nginx:1', 'below the partition stays');

    // A deleted pod below the partition comes back at the current revision.
    await h.client.delete(r.pods, 'db-0', { namespace: 'default' });
    await eventually(async () => (await imageOf('db-0')) === 'nginx:1', 5000, 'db-0 recreated at the old revision');
    assert.equal((await h.client.get(r.pods, 'db-0', { namespace: 'default' })).metadata.labels?.['controller-revision-hash'], oldHash);

    // Partition 0 finishes the rollout, and the current revision becomes the update revision.
    await setPodStatus(h.client, 'db-0', 'Ready');
    await h.client.patch(r.statefulSets, 'db', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, { namespace: 'default', type: 'merge' });
    await eventually(async () => (await imageOf('db-0')) === 'nginx:2', 5000, 'db-0 updated');
    await setPodStatus(h.client, 'db-0', 'Ready');
    await eventually(async () => {
      const s = (await h.client.get(r.statefulSets, 'db', { namespace: 'default' })).status as Record<string, unknown>;
      return s.currentRevision === s.updateRevision && s.currentReplicas === 3 && s.updatedReplicas === 3 && s.observedGeneration === 3;
    }, 5000, 'rollout complete');
  } finally {
    await h.close();
  }
});

test('StatefulSet OnDelete leaves pods alone until they are deleted', async () => {
  const h = await startControllers([statefulSetController]);
  try {
    await h.client.create(r.statefulSets, statefulSet('od', 2, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }));
    await eventually(async () => (await listPods(h.client)).length === 2, 5000, 'two pods');
    for (const n of ['od-0', 'od-1']) await setPodStatus(h.client, n, 'Ready');
    await h.client.patch(r.statefulSets, 'od', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, { namespace: 'default', type: 'strategic' });
    await new Promise((res) => setTimeout(res, 200));
    for (const p of await listPods(h.client)) assert.equal((p.spec as { containers: { image: string }[] }).containers[0].image, 'nginx:1');
    await h.client.delete(r.pods, 'od-1', { namespace: 'default' });
    await eventually(async () => {
      const p = (await listPods(h.client)).find((x) => x.metadata.name === 'od-1');
      return (p?.spec as { containers: { image: string }[] } | undefined)?.containers[0].image === 'nginx:2';
    }, 5000, 'od-1 recreated from the new template');
  } finally {
    await h.close();
  }
});

test('StatefulSet keeps its templates as ControllerRevisions: a rollback renumbers the old one, history is pruned', async () => {
  const h = await startControllers([statefulSetController]);
  const revisionsOf = async () =>
    (await h.client.list(r.controllerRevisions, { namespace: 'default' })).items
      .filter((x) => x.metadata.ownerReferences?.some((o) => o.kind === 'StatefulSet' && o.name === 'db'))
      .sort((a, b) => Number(a.revision) - Number(b.revision));
  const setImage = (image: string) =>
    h.client.patch(r.statefulSets, 'db', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }, { namespace: 'default', type: 'strategic' });
  try {
    await h.client.create(r.statefulSets, statefulSet('db', 1, { revisionHistoryLimit: 2, podManagementPolicy: 'Parallel' }));
    await eventually(async () => (await revisionsOf()).length === 1, 5000, 'first revision');
    const [first] = await revisionsOf();
    assert.equal(first.revision, 1);
    assert.match(first.metadata.name ?? '', /^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(first.metadata.labels?.app, 'db', 'a revision carries the template labels, so the set selector finds it');
    const data = first.data as { spec: { template: Record<string, unknown> } };
    assert.equal(data.spec.template.$patch, 'replace');
    await eventually(async () => (await listPods(h.client)).length === 1, 5000, 'pod');
    assert.equal((await listPods(h.client))[0].metadata.labels?.['controller-revision-hash'], first.metadata.name, 'pods carry the revision name');
    await eventually(async () => {
      const s = (await h.client.get(r.statefulSets, 'db', { namespace: 'default' })).status as Record<string, unknown>;
      return s.updateRevision === first.metadata.name && s.currentRevision === first.metadata.name;
    }, 5000, 'status names the revision');

    await setImage('nginx:2');
    await eventually(async () => (await revisionsOf()).length === 2, 5000, 'second revision');
    // Back to the first template: no third object, the first one becomes revision 3.
    await setImage('nginx:1');
    await eventually(async () => {
      const revs = await revisionsOf();
      return revs.length === 2 && revs[1].metadata.name === first.metadata.name && revs[1].revision === 3;
    }, 5000, 'rollback renumbers');

    // Three more templates with a limit of 2: old revisions no pod runs are deleted.
    for (const image of ['nginx:3', 'nginx:4', 'nginx:5']) {
      await setImage(image);
      await eventually(async () => (await revisionsOf()).some((x) => JSON.stringify(x.data).includes(image)), 5000, image);
    }
    await eventually(async () => (await revisionsOf()).length <= 4, 5000, 'pruned');
    const left = await revisionsOf();
    assert.ok(left.some((x) => JSON.stringify(x.data).includes('nginx:5')), 'the update revision stays');
  } finally {
    await h.close();
  }
});
