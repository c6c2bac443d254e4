import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { deploymentController } from '../../../src/controllers/deployment/index.js';
import { replicaSetController } from '../../../src/controllers/replicaset/index.js';
import { eventually, fakeKubelet, kubectl, list, r, startCluster, type Cluster } from '../fixtures.js';

type Cond = { type: string; status: string; reason: string; message: string };
type DStatus = { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; conditions?: Cond[] };

function deployment(name: string, replicas: number, extra: Record<string, unknown> = {}, image = 'nginx:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } }, ...extra },
  };
}

async function getD(c: Cluster, name: string): Promise<KubeObject & { status?: DStatus }> {
  return c.client.get(r.deployments, name, { namespace: 'default' });
}

async function setImage(c: Cluster, name: string, image: string): Promise<void> {
  await c.client.patch(r.deployments, name, { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }, { type: 'strategic', namespace: 'default' });
}

/** Complete as `kubectl rollout status` judges it. */
async function rolledOut(c: Cluster, name: string, timeoutMs = 15_000): Promise<DStatus> {
  return eventually(async () => {
    const d = await getD(c, name);
    const s = d.status ?? {};
    const want = (d.spec as { replicas: number }).replicas;
    const ok = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want;
    return ok ? s : undefined;
  }, timeoutMs, `${name} rolled out`);
}

const ready = (p: KubeObject) => ((p.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

test('a rolling update keeps within maxSurge and maxUnavailable at every step, with revisions and conditions', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  let checking = false;
  const violations: string[] = [];
  let maxSeen = 0;
  const kubelet = fakeKubelet(c.client, {
    observe: (pods) => {
      if (!checking) return;
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      maxSeen = Math.max(maxSeen, live.length);
      if (live.length > 5) violations.push(`${live.length} pods exceed replicas + maxSurge`);
      const readyCount = live.filter(ready).length;
      if (readyCount < 3) violations.push(`${readyCount} ready pods are under replicas - maxUnavailable`);
    },
  });
  try {
    await c.client.create(r.deployments, deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    const first = await rolledOut(c, 'web');
    assert.equal(first.readyReplicas, 4);
    const d1 = await getD(c, 'web');
    assert.equal(d1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const progressing = d1.status!.conditions!.find((x) => x.type === 'Progressing')!;
    assert.equal(progressing.reason, 'NewReplicaSetAvailable');
    assert.equal(progressing.status, 'True');
    const available = d1.status!.conditions!.find((x) => x.type === 'Available')!;
    assert.deepEqual([available.status, available.reason, available.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    const [rs1] = await list(c.client, r.replicaSets);
    const hash = rs1.metadata.labels!['pod-template-hash'];
    assert.equal(rs1.metadata.name, `web-${hash}`);
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '4');
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '5');
    assert.equal((rs1.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels['pod-template-hash'], hash);
    for (const p of await list(c.client, r.pods)) assert.equal(p.metadata.labels?.['pod-template-hash'], hash);

    checking = true;
    await setImage(c, 'web', 'nginx:2');
    await rolledOut(c, 'web');
    await eventually(async () => (await list(c.client, r.pods)).every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:2'), 10_000, 'only new pods');
    checking = false;
    assert.deepEqual(violations, []);
    assert.ok(maxSeen >= 4);
    const rss = await list(c.client, r.replicaSets);
    assert.equal(rss.length, 2);
    const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], (rs.spec as { replicas: number }).replicas]));
    assert.deepEqual(byRev, { '1': 0, '2': 4 });
    const d2 = await getD(c, 'web');
    assert.equal(d2.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(d2.status!.conditions!.find((x) => x.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');
    const events = await list(c.client, r.events);
    assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet' && /^Scaled (up|down) replica set web-/.test(String(e.message))));
    // kubectl agrees the rollout is done.
    const out = await kubectl(c, ['rollout', 'status', 'deployment/web', '--timeout=10s']);
    assert.match(out, /successfully rolled out/);
  } finally {
    await kubelet.stop();
    await c.close();
  }
});

test('percentages: 25% of 10 allows 3 extra pods (rounded up) and 2 unavailable (rounded down)', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  let checking = false;
  const violations: string[] = [];
  let maxLive = 0;
  const kubelet = fakeKubelet(c.client, {
    observe: (pods) => {
      if (!checking) return;
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      maxLive = Math.max(maxLive, live.length);
      if (live.length > 13) violations.push(`${live.length} pods`);
      if (live.filter(ready).length < 8) violations.push(`${live.filter(ready).length} ready`);
    },
  });
  try {
    await c.client.create(r.deployments, deployment('pct', 10));
    await rolledOut(c, 'pct');
    checking = true;
    await setImage(c, 'pct', 'nginx:2');
    await rolledOut(c, 'pct', 20_000);
    checking = false;
    assert.deepEqual(violations, []);
    assert.ok(maxLive > 10, 'the rollout surged');
  } finally {
    await kubelet.stop();
    await c.close();
  }
});

test('Recreate removes every old pod before new ones start', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  let checking = false;
  const mixed: string[] = [];
  const kubelet = fakeKubelet(c.client, {
    observe: (pods) => {
      if (!checking) return;
      const images = new Set(pods.map((p) => (p.spec as { containers: { image: string }[] }).containers[0].image));
      if (images.size > 1) mixed.push([...images].join(','));
    },
  });
  try {
    await c.client.create(r.deployments, deployment('rec', 3, { strategy: { type: 'Recreate' } }));
    await rolledOut(c, 'rec');
    checking = true;
    await setImage(c, 'rec', 'nginx:2');
    await rolledOut(c, 'rec');
    checking = false;
    assert.deepEqual(mixed, []);
    const pods = await list(c.client, r.pods);
    assert.equal(pods.length, 3);
  } finally {
    await kubelet.stop();
    await c.close();
  }
});

test('kubectl rollout undo restores the previous template as a new revision; set image and scale work', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  const kubelet = fakeKubelet(c.client);
  try {
    await c.client.create(r.deployments, deployment('undo', 2));
    await kubectl(c, ['rollout', 'status', 'deployment/undo', '--timeout=15s']);
    await kubectl(c, ['set', 'image', 'deployment/undo', 'c=nginx:2']);
    await kubectl(c, ['rollout', 'status', 'deployment/undo', '--timeout=15s']);
    assert.equal((await getD(c, 'undo')).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const out = await kubectl(c, ['rollout', 'undo', 'deployment/undo']);
    assert.match(out, /rolled back/);
    await kubectl(c, ['rollout', 'status', 'deployment/undo', '--timeout=15s']);
    const d = await getD(c, 'undo');
    assert.equal((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image, 'nginx:1');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    const rss = await list(c.client, r.replicaSets);
    assert.equal(rss.length, 2, 'the old ReplicaSet was reused');
    const revived = rss.find((rs) => (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image === 'nginx:1')!;
    assert.equal(revived.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(revived.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    const history = await kubectl(c, ['rollout', 'history', 'deployment/undo']);
    assert.match(history, /^2\s/m);
    assert.match(history, /^3\s/m);

    await kubectl(c, ['scale', 'deployment/undo', '--replicas=5']);
    await kubectl(c, ['rollout', 'status', 'deployment/undo', '--timeout=15s']);
    assert.equal((await list(c.client, r.pods)).filter((p) => !p.metadata.deletionTimestamp).length, 5);
  } finally {
    await kubelet.stop();
    await c.close();
  }
});

test('a rollout that cannot progress reports ProgressDeadlineExceeded and kubectl rollout status fails', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  try {
    await c.client.create(r.deployments, deployment('stuck', 2, { progressDeadlineSeconds: 1 }));
    const cond = await eventually(async () => (await getD(c, 'stuck')).status?.conditions?.find((x) => x.type === 'Progressing' && x.reason === 'ProgressDeadlineExceeded'), 10_000, 'deadline exceeded');
    assert.equal(cond.status, 'False');
    assert.match(cond.message, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    const avail = (await getD(c, 'stuck')).status!.conditions!.find((x) => x.type === 'Available')!;
    assert.deepEqual([avail.status, avail.reason], ['False', 'MinimumReplicasUnavailable']);
    await assert.rejects(kubectl(c, ['rollout', 'status', 'deployment/stuck', '--timeout=10s']), /exceeded its progress deadline/);
  } finally {
    await c.close();
  }
});

test('a paused deployment does not roll out until resumed; history beyond revisionHistoryLimit is deleted', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  const kubelet = fakeKubelet(c.client);
  try {
    await c.client.create(r.deployments, deployment('p', 2, { revisionHistoryLimit: 1 }));
    await rolledOut(c, 'p');
    await kubectl(c, ['rollout', 'pause', 'deployment/p']);
    await setImage(c, 'p', 'nginx:2');
    const cond = await eventually(async () => (await getD(c, 'p')).status?.conditions?.find((x) => x.type === 'Progressing' && x.reason === 'DeploymentPaused'), 5000, 'paused condition');
    assert.equal(cond.status, 'Unknown');
    await new Promise((res) => setTimeout(res, 300));
    assert.equal((await list(c.client, r.replicaSets)).length, 1, 'no new ReplicaSet while paused');
    await kubectl(c, ['rollout', 'resume', 'deployment/p']);
    await rolledOut(c, 'p');
    await setImage(c, 'p', 'nginx:3');
    await rolledOut(c, 'p');
    await eventually(async () => (await list(c.client, r.replicaSets)).length === 2, 10_000, 'history trimmed to one old ReplicaSet');
    const revs = (await list(c.client, r.replicaSets)).map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revs, ['2', '3']);
  } finally {
    await kubelet.stop();
    await c.close();
  }
});

test('minReadySeconds holds availability back until pods have been ready long enough', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  const kubelet = fakeKubelet(c.client);
  try {
    const start = Date.now();
    await c.client.create(r.deployments, deployment('slow', 1, { minReadySeconds: 2 }));
    await eventually(async () => (await getD(c, 'slow')).status?.readyReplicas === 1, 5000, 'ready');
    assert.equal((await getD(c, 'slow')).status?.availableReplicas ?? 0, 0);
    await rolledOut(c, 'slow', 10_000);
    // Ready times have whole-second precision, so "2 s" may be as little as just over 1 s.
    assert.ok(Date.now() - start >= 1000, 'available only after minReadySeconds');
  } finally {
    await kubelet.stop();
    await c.close();
  }
});

test('scaling in the middle of a rollout spreads the change over old and new ReplicaSets in proportion', async () => {
  const c = await startCluster([replicaSetController, deploymentController]);
  // New pods never become ready, so the rollout stays half way.
  const kubelet = fakeKubelet(c.client, { skip: (p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:2' });
  try {
    await c.client.create(r.deployments, deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await rolledOut(c, 'prop');
    await setImage(c, 'prop', 'nginx:2');
    const sizes = async () => Object.fromEntries((await list(c.client, r.replicaSets)).map((rs) => [(rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image, (rs.spec as { replicas: number }).replicas]));
    await eventually(async () => {
      const s = await sizes();
      return s['nginx:1'] === 8 && s['nginx:2'] === 5;
    }, 10_000, 'stalled rollout at 8 old + 5 new');
    await c.client.patch(r.deployments, 'prop', { spec: { replicas: 20 } }, { type: 'merge', namespace: 'default' });
    // 20 + maxSurge 3 = 23 allowed; 13 -> 23 shared 8:5 => old 8 * 23/13 = 14, new gets the rest.
    const s = await eventually(async () => {
      const x = await sizes();
      return x['nginx:1'] + x['nginx:2'] === 23 ? x : undefined;
    }, 10_000, 'proportional scale');
    assert.deepEqual(s, { 'nginx:1': 14, 'nginx:2': 9 });
  } finally {
    await kubelet.stop();
    await c.close();
  }
});
