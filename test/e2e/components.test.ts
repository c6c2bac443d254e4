/**
 * Wharf's components as separate processes against one API server: two schedulers and two
 * controller-managers elect one leader each through their Leases, and a leader killed with SIGKILL is
 * replaced within 15 s, after which new work is still done.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, startCluster, tempDataDir, type RunningCluster } from './harness.js';
import { eventually, sleep, WharfProcess } from '../multihost/wharf-process.js';

let cluster: RunningCluster;
let data: { dir: string; cleanup: () => void };
const processes: WharfProcess[] = [];

function start(args: string[], label: string): WharfProcess {
  const p = new WharfProcess(args, { label });
  processes.push(p);
  return p;
}

before(async () => {
  data = tempDataDir();
  cluster = await startCluster(data.dir, ['--api-server-only']);
});

after(async () => {
  await Promise.all(processes.map((p) => p.stop(2000)));
  await cluster?.stop();
  data?.cleanup();
});

async function holder(name: string): Promise<string> {
  const r = await api(cluster, 'GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`);
  return r.status === 200 ? (r.body.spec?.holderIdentity ?? '') : '';
}

function deployment(name: string, replicas: number): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

/** The names of the nodes the Deployment's pods are bound to, once `replicas` of them are. */
async function scheduledPods(app: string, replicas: number, timeoutMs: number): Promise<string[]> {
  return eventually(`${replicas} scheduled pods of ${app}`, timeoutMs, async () => {
    const r = await api(cluster, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
    const items = (r.body.items ?? []) as { spec: { nodeName?: string } }[];
    const bound = items.filter((p) => p.spec.nodeName).map((p) => p.spec.nodeName!);
    return bound.length === replicas ? bound : undefined;
  }, 500);
}

test('two schedulers and two controller-managers elect one leader each; a SIGKILLed leader is replaced within 15 s', { timeout: 150_000 }, async () => {
  const kc = ['--kubeconfig', cluster.kubeconfig];
  start(['node', ...kc, '--name', 'worker', '--simulated', '2'], 'node').waitFor(/registered/, 60_000).catch(() => undefined);
  const schedulers = [start(['scheduler', ...kc, '--leader-elect'], 'scheduler-a'), start(['scheduler', ...kc, '--leader-elect'], 'scheduler-b')];
  const managers = [
    start(['controller-manager', ...kc, '--identity', 'cm-a'], 'controller-manager-a'),
    start(['controller-manager', ...kc, '--identity', 'cm-b'], 'controller-manager-b'),
  ];

  // One scheduler says it schedules; the other keeps waiting.
  const schedulerLeader = await Promise.any(schedulers.map((s) => s.waitFor(/scheduling with profiles/, 60_000).then(() => s)));
  const managerHolder = await eventually('a controller-manager leader', 60_000, async () => (await holder('kube-controller-manager')) || undefined);
  const schedulerHolder = await eventually('a scheduler leader', 10_000, async () => (await holder('kube-scheduler')) || undefined);
  assert.ok(['cm-a', 'cm-b'].includes(managerHolder), `unexpected controller-manager leader ${managerHolder}`);
  // Only one scheduler leads, and it stays that way across a few renewals.
  await sleep(3000);
  assert.equal(schedulers.filter((s) => /scheduling with profiles/.test(s.output)).length, 1, 'exactly one scheduler leads');
  assert.equal(await holder('kube-scheduler'), schedulerHolder);
  assert.equal(await holder('kube-controller-manager'), managerHolder);

  const before = await api(cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('before', 2));
  assert.equal(before.status, 201, JSON.stringify(before.body));
  await scheduledPods('before', 2, 60_000);

  // Kill both leaders at once, as a crashed machine would: no lease is released.
  const managerLeader = managers[managerHolder === 'cm-a' ? 0 : 1];
  const killedAt = Date.now();
  schedulerLeader.kill('SIGKILL');
  managerLeader.kill('SIGKILL');
  const [managerTakeover, schedulerTakeover] = await Promise.all([
    eventually('a new controller-manager leader', 30_000, async () => {
      const h = await holder('kube-controller-manager');
      return h && h !== managerHolder ? Date.now() - killedAt : undefined;
    }, 200),
    eventually('a new scheduler leader', 30_000, async () => {
      const h = await holder('kube-scheduler');
      return h && h !== schedulerHolder ? Date.now() - killedAt : undefined;
    }, 200),
  ]);
  console.log(`takeover after SIGKILL: controller-manager ${managerTakeover} ms, scheduler ${schedulerTakeover} ms`);
  assert.ok(managerTakeover < 15_000, `controller-manager takeover took ${managerTakeover} ms`);
  assert.ok(schedulerTakeover < 15_000, `scheduler takeover took ${schedulerTakeover} ms`);

  // The survivors do the work: a Deployment made now gets its ReplicaSet, pods and bindings.
  const later = await api(cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('after', 3));
  assert.equal(later.status, 201, JSON.stringify(later.body));
  const nodes = await scheduledPods('after', 3, 60_000);
  assert.ok(nodes.every((n) => n.startsWith('worker-')), `pods bound to ${nodes.join(', ')}`);
});
