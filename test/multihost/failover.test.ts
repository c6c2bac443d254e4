/**
 * Failover on the multi-host rig (network namespaces on this machine): a node host cut off from the
 * network goes NotReady, its pods are evicted and replaced on the other hosts, and when it comes back
 * it converges without duplicates. (API server and etcd failures: api-failover.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Rig, rigUnavailable } from './rig.js';
import { eventually, wharfArgv, type WharfProcess } from './wharf-process.js';

const unavailable = await rigUnavailable();

interface PodView {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface NodeView {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

const ready = (p: PodView): boolean => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const nodeReady = (n: NodeView): string => n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      # Leave an unreachable node at once rather than after the default 300 s.
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 0}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 0}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      containers:
      - {name: web, image: nginx}
`;

describe('a node host cut off from the network', { skip: unavailable }, () => {
  let rig: Rig;
  let kubeconfig: string;
  const nodes = ['node-1', 'node-2', 'node-3'];

  async function kubectl(args: string[], input?: string): Promise<string> {
    const r = await rig.kubectl('cp', kubeconfig, args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }
  const pods = async (): Promise<PodView[]> => (JSON.parse(await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodView[] }).items;
  const nodeStates = async (): Promise<Map<string, string>> =>
    new Map((JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as { items: NodeView[] }).items.map((n) => [n.metadata.name, nodeReady(n)]));

  before(async () => {
    rig = await Rig.create(['cp', ...nodes]);
    const cp = rig.host('cp');
    const dataDir = `${rig.dir}/cp`;
    kubeconfig = `${dataDir}/kubeconfig`;
    const server = rig.wharf('cp', ['up', '--data-dir', dataDir, '--host', cp.ip, '--port', '6443', '--api-server-only'], 'apiserver');
    await server.waitFor(/listening on https:\/\/10\.123\.0\.1:6443/, 60_000);
    // A short grace so the test sees NotReady in seconds: nodes renew every second (4 s leases).
    rig.wharf('cp', ['controller-manager', '--kubeconfig', kubeconfig, '--node-monitor-grace-period', '5s', '--node-monitor-period', '1s'], 'controller-manager');
    rig.wharf('cp', ['scheduler', '--kubeconfig', kubeconfig, '--leader-elect'], 'scheduler');
    const join = await rig.exec('cp', wharfArgv(['join', '--kubeconfig', kubeconfig, '--ttl', '10m']), { timeoutMs: 60_000 });
    assert.equal(join.code, 0, join.stderr);
    const args = join.stdout.trim().split(' ').slice(1);
    assert.equal(args[args.indexOf('--server') + 1], `https://${cp.ip}:6443`);
    const agents: WharfProcess[] = nodes.map((name) =>
      rig.wharf(name, [...args.slice(0, -1), name, '--kubeconfig', `${rig.dir}/${name}.kubeconfig`, '--node-lease-duration-seconds', '4'], 'node'),
    );
    await Promise.all(agents.map((a, i) => a.waitFor(new RegExp(`node ${nodes[i]} registered`), 60_000)));
  });

  after(async () => {
    await rig?.destroy();
  });

  test('goes NotReady, its pods are replaced elsewhere, and it converges without duplicates when back', { timeout: 120_000 }, async () => {
    await kubectl(['apply', '-f', '-'], deployment(6));
    const placed = await eventually('6 ready pods', 60_000, async () => {
      const p = await pods();
      return p.length === 6 && p.every(ready) ? p : undefined;
    }, 500);
    // Cut off the host with the most pods.
    const perNode = new Map<string, number>();
    for (const p of placed) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    const victim = [...perNode.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const victimPods = new Set(placed.filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name));
    assert.ok(victimPods.size > 0);

    const cutAt = Date.now();
    await rig.cut(victim);
    await eventually(`${victim} NotReady`, 60_000, async () => (await nodeStates()).get(victim) !== 'True', 500);
    const notReadyMs = Date.now() - cutAt;
    const replaced = await eventually('6 ready pods on the other hosts', 60_000, async () => {
      const p = (await pods()).filter(ready).filter((x) => x.spec.nodeName !== victim);
      return p.length === 6 ? p : undefined;
    }, 500);
    const replacedMs = Date.now() - cutAt;
    assert.ok(replaced.every((p) => !victimPods.has(p.metadata.name)));

    const backAt = Date.now();
    await rig.reconnect(victim);
    await eventually(`${victim} Ready again`, 60_000, async () => (await nodeStates()).get(victim) === 'True', 500);
    // Converged: exactly the 6 replacement pods, every old one gone for good, nothing running twice.
    const final = await eventually('the evicted pods gone', 90_000, async () => {
      const p = await pods();
      return p.length === 6 && p.every(ready) ? p : undefined;
    }, 1000);
    const convergedMs = Date.now() - backAt;
    assert.deepEqual(new Set(final.map((p) => p.metadata.name)), new Set(replaced.map((p) => p.metadata.name)));
    const states = await nodeStates();
    assert.deepEqual([...states.values()], ['True', 'True', 'True']);
    const rs = JSON.parse(await kubectl(['get', 'deployment', 'web', '-o', 'json'])) as { status: { replicas?: number; readyReplicas?: number } };
    assert.equal(rs.status.replicas, 6);
    assert.equal(rs.status.readyReplicas, 6);
    console.log(`node cut off: NotReady after ${notReadyMs} ms, pods replaced after ${replacedMs} ms; reconnected: converged after ${convergedMs} ms`);
  });
});
