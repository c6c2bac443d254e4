import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { daemonSetController } from '../../../src/controllers/daemonset/index.js';
import { targetNode } from '../../../src/controllers/daemonset/daemon-pod.js';
import { eventually, listPods, r, setPodStatus, startControllers, type Harness } from '../workload-internal/harness.js';

function node(name: string, labels: Record<string, string> = {}, taints: object[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } };
}

function daemonSet(name: string, extra: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...extra,
    },
  };
}

async function podNodes(h: Harness): Promise<string[]> {
  return (await listPods(h.client)).map((p) => targetNode(p) ?? '?').sort();
}

test('DaemonSet runs one pod per eligible node: nodeSelector, taints, tolerations and the tolerations daemons get', async () => {
  const h = await startControllers([daemonSetController]);
  try {
    await h.client.create(r.nodes, node('n1', { role: 'worker' }));
    await h.client.create(r.nodes, node('n2', { role: 'worker' }, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]));
    await h.client.create(r.nodes, node('n3'));
    await h.client.create(r.nodes, node('n4', { role: 'worker' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]));
    await h.client.create(r.daemonSets, daemonSet('agent', {}, { nodeSelector: { role: 'worker' } }));
    await eventually(async () => (await podNodes(h)).join() === 'n1,n4', 5000, 'pods on n1 and n4');

    const pod = (await listPods(h.client))[0];
    const spec = pod.spec as { nodeName?: string; tolerations: { key: string; effect: string }[]; affinity: unknown };
    assert.equal(spec.nodeName, undefined, 'left to the scheduler');
    assert.deepEqual(spec.affinity, {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNode(pod)] }] }] } },
    });
    assert.deepEqual(
      spec.tolerations.map((t) => `${t.key}:${t.effect}`),
      [
        'node.kubernetes.io/not-ready:NoExecute',
        'node.kubernetes.io/unreachable:NoExecute',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ],
    );
    assert.ok(pod.metadata.labels?.['controller-revision-hash']);
    assert.equal(pod.metadata.generateName, 'agent-');

    // A node gaining the label gets a pod; one losing it loses its pod.
    await h.client.patch(r.nodes, 'n3', { metadata: { labels: { role: 'worker' } } }, { type: 'merge' });
    await eventually(async () => (await podNodes(h)).join() === 'n1,n3,n4', 5000, 'pod on n3');
    await h.client.patch(r.nodes, 'n1', { metadata: { labels: { role: null } } }, { type: 'merge' });
    await eventually(async () => (await podNodes(h)).join() === 'n3,n4', 5000, 'pod gone from n1');

    // Tolerating the taint adds n2.
    await h.client.patch(r.daemonSets, 'agent', { spec: { template: { spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } } } }, { namespace: 'default', type: 'strategic' });
    await eventually(async () => (await podNodes(h)).includes('n2'), 5000, 'pod on n2');

    // The template changed, so old pods are being replaced too: keep playing kubelet for new ones.
    await eventually(async () => {
      for (const p of await listPods(h.client)) if (!(p.status as { conditions?: unknown[] }).conditions?.length) await setPodStatus(h.client, p, 'Ready');
      const s = (await h.client.get(r.daemonSets, 'agent', { namespace: 'default' })).status as Record<string, unknown>;
      return s.desiredNumberScheduled === 3 && s.currentNumberScheduled === 3 && s.numberReady === 3 && s.numberAvailable === 3 && s.numberUnavailable === 0 && s.numberMisscheduled === 0 && s.observedGeneration === 2 && s.updatedNumberScheduled === 3;
    }, 10000, 'status');
  } finally {
    await h.close();
  }
});

test('DaemonSet rolling update replaces at most maxUnavailable pods at a time, waiting for the new ones to be ready', async () => {
  const h = await startControllers([daemonSetController]);
  try {
    for (const n of ['a', 'b', 'c']) await h.client.create(r.nodes, node(n));
    await h.client.create(r.daemonSets, daemonSet('log', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }));
    await eventually(async () => (await listPods(h.client)).length === 3, 5000, 'three pods');
    for (const p of await listPods(h.client)) await setPodStatus(h.client, p, 'Ready');
    await eventually(async () => ((await h.client.get(r.daemonSets, 'log', { namespace: 'default' })).status as { numberAvailable?: number }).numberAvailable === 3);

    await h.client.patch(r.daemonSets, 'log', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, { namespace: 'default', type: 'strategic' });
    const image = (p: KubeObject) => (p.spec as { containers: { image: string }[] }).containers[0].image;
    for (let updated = 1; updated <= 3; updated++) {
      await eventually(async () => (await listPods(h.client)).filter((p) => image(p) === 'agent:2').length === updated, 5000, `${updated} updated`);
      await new Promise((res) => setTimeout(res, 100));
      const pods = await listPods(h.client);
      assert.equal(pods.filter((p) => image(p) === 'agent:2').length, updated, 'no more than one at a time');
      assert.equal(pods.length, 3);
      for (const p of pods) if (image(p) === 'agent:2') await setPodStatus(h.client, p, 'Ready');
    }
    await eventually(async () => {
      const s = (await h.client.get(r.daemonSets, 'log', { namespace: 'default' })).status as Record<string, unknown>;
      return s.updatedNumberScheduled === 3 && s.numberAvailable === 3;
    }, 5000, 'updated status');
  } finally {
    await h.close();
  }
});

test('DaemonSet rolling update with maxSurge starts the new pod before removing the old one', async () => {
  const h = await startControllers([daemonSetController]);
  try {
    await h.client.create(r.nodes, node('only'));
    await h.client.create(r.daemonSets, daemonSet('surge', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
    await eventually(async () => (await listPods(h.client)).length === 1, 5000, 'one pod');
    const [first] = await listPods(h.client);
    await setPodStatus(h.client, first, 'Ready');
    await h.client.patch(r.daemonSets, 'surge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, { namespace: 'default', type: 'strategic' });
    await eventually(async () => (await listPods(h.client)).length === 2, 5000, 'surge pod');
    const second = (await listPods(h.client)).find((p) => p.metadata.name !== first.metadata.name)!;
    await new Promise((res) => setTimeout(res, 100));
    assert.equal((await listPods(h.client)).length, 2, 'the old pod stays until the new one is available');
    await setPodStatus(h.client, second, 'Ready');
    await eventually(async () => (await listPods(h.client)).map((p) => p.metadata.name).join() === second.metadata.name, 5000, 'old pod removed');
  } finally {
    await h.close();
  }
});
