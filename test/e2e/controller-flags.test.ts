import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditEvents, kubectl, kubectlOk, startCluster, tempDataDir, waitForReadyNodes, type RunningCluster } from './harness.js';

const deployment = (name: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

/** Successful pod status writes by nodes, counted per pod name. */
function nodeStatusWrites(cluster: RunningCluster, namespace: string): Map<string, number> {
  const writes = new Map<string, number>();
  for (const e of auditEvents(cluster)) {
    const ref = e.objectRef;
    if (e.stage !== 'ResponseComplete' || !e.user.username.startsWith('system:node:')) continue;
    if (e.verb !== 'patch' && e.verb !== 'update') continue;
    if (ref?.resource !== 'pods' || ref.subresource !== 'status' || ref.namespace !== namespace || !ref.name) continue;
    if ((e.responseStatus?.code ?? 0) >= 300) continue;
    writes.set(ref.name, (writes.get(ref.name) ?? 0) + 1);
  }
  return writes;
}

/** Creates a 2-replica Deployment, waits until it is rolled out, and returns its pods' names. */
async function rollOut(cluster: RunningCluster, name: string): Promise<string[]> {
  const ok = kubectlOk(cluster);
  await ok('create', 'namespace', name);
  const applied = await kubectl(cluster, ['apply', '-n', name, '-f', '-'], deployment(name));
  assert.equal(applied.code, 0, applied.stderr);
  await ok('rollout', 'status', '-n', name, `deployment/${name}`, '--timeout=40s');
  const pods = (await ok('get', 'pods', '-n', name, '-o', 'jsonpath={.items[*].metadata.name}')).split(/\s+/).filter(Boolean);
  assert.equal(pods.length, 2, `pods of ${name}: ${pods.join(' ')}`);
  return pods;
}

/** Waits until every pod has at least `atLeast` node status writes in the audit log, then a little longer for any more. */
async function settledWrites(cluster: RunningCluster, namespace: string, pods: string[], atLeast: number): Promise<Map<string, number>> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !pods.every((p) => (nodeStatusWrites(cluster, namespace).get(p) ?? 0) >= atLeast)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // A write still on its way would arrive well within this.
  await new Promise((r) => setTimeout(r, 1500));
  return nodeStatusWrites(cluster, namespace);
}

describe('wharf up --node-startup-delay and --concurrent-deployment-syncs', () => {
  const fast = tempDataDir();
  const slow = tempDataDir();
  let quick: RunningCluster | undefined;
  let standard: RunningCluster | undefined;

  before(async () => {
    // Both at once: each start is most of this file's time.
    const started = await Promise.allSettled([
      startCluster(fast.dir, ['--nodes', '1', '--node-startup-delay', '0s', '--concurrent-deployment-syncs', '7']),
      // Longer than the default 1 s, so a busy machine cannot let the agent's first sync land after the start.
      startCluster(slow.dir, ['--nodes', '1', '--node-startup-delay', '3s']),
    ]);
    if (started[0].status === 'fulfilled') quick = started[0].value;
    if (started[1].status === 'fulfilled') standard = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    await Promise.all([waitForReadyNodes(quick!, 1), waitForReadyNodes(standard!, 1)]);
  });

  after(async () => {
    await Promise.all([quick?.stop(), standard?.stop()]);
    fast.cleanup();
    slow.cleanup();
  });

  test('with --node-startup-delay 0s each pod of a Deployment gets one status write from its node', async () => {
    const pods = await rollOut(quick!, 'instant');
    const writes = await settledWrites(quick!, 'instant', pods, 1);
    for (const pod of pods) assert.equal(writes.get(pod), 1, `node status writes for ${pod}: ${JSON.stringify([...writes])}`);
  });

  test('with a startup delay each pod gets two: ContainerCreating, then Running', async () => {
    const pods = await rollOut(standard!, 'delayed');
    const writes = await settledWrites(standard!, 'delayed', pods, 2);
    for (const pod of pods) assert.equal(writes.get(pod), 2, `node status writes for ${pod}: ${JSON.stringify([...writes])}`);
  });
});
