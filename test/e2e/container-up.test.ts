/**
 * Real nodes inside `wharf up`: `--nodes 0 --container-nodes 2` runs two container-runtime nodes on this
 * machine, each with its own bridge and pod CIDR. A Deployment with required pod anti-affinity on
 * kubernetes.io/hostname puts one real pod on each, both Ready through their readiness probes; a pod whose
 * readiness probe fails runs but stays out of Ready and of its Service's ready endpoints. Images come from
 * a local registry on loopback; no traffic leaves the machine. `kubectl logs` and `exec` reach the real
 * nodes' node API through the API server.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { planContainerNodes } from '../../src/cli/up.js';
import { removeBridge, SandboxManager } from '../../src/node/runtimes/container/index.js';
import { runCommand } from '../../src/node/runtimes/container/command.js';
import { Runc } from '../../src/node/runtimes/container/runc.js';
import { buildBusyboxImage, pushImage, startRegistry, type ImageLayout, type TestRegistry } from '../support/registry.js';
import { kubectl, startWharf, tempDataDir, type RunningCluster } from './harness.js';
import { containerSkipReason, eventually } from './container-fixtures.js';

const skip = await containerSkipReason();

let cluster: RunningCluster | undefined;
let data: { dir: string; cleanup: () => void } | undefined;
let registry: TestRegistry | undefined;
let layout: ImageLayout | undefined;
let image = '';
const orphanUid = '0a0a0a0a-0000-4000-8000-00000000dead';

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  layout = await buildBusyboxImage({ cmd: ['sh'] });
  await pushImage(layout, 'latest', registry.host, 'wharf-test/busybox', { destTag: '1.0' });
  image = `${registry.host}/wharf-test/busybox:1.0`;
  data = tempDataDir();
  // What an earlier run could have left of a pod the cluster no longer has: the node clears it.
  await mkdir(path.join(planContainerNodes(data.dir, 2)[0].dataDir, 'pods', orphanUid, 'volumes'), { recursive: true });
  // Real nodes register before `wharf up` says where it listens: allow for a loaded machine.
  const server = await startWharf(['up', '--data-dir', data.dir, '--port', '0', '--nodes', '0', '--container-nodes', '2'], 120_000);
  cluster = { ...server, dataDir: data.dir, kubeconfig: path.join(data.dir, 'kubeconfig') };
});

after(async () => {
  if (skip) return;
  // Containers outlive `wharf up` as they outlive kubelet: delete the pods first, while the nodes run.
  if (cluster) {
    await kubectl(cluster, ['delete', 'deployment,pod,service', '--all', '--grace-period=1', '--wait=false']);
    await eventually('the pods to go', 60_000, async () => (await kubectl(cluster!, ['get', 'pods', '-o', 'name'])).stdout.trim() === '').catch(() => undefined);
  }
  await cluster?.stop();
  // Whatever is left (a failed run): containers, namespaces, mounts, the bridges.
  for (const plan of data ? planContainerNodes(data.dir, 2) : []) {
    const runc = new Runc({ root: path.join(plan.dataDir, 'runc') });
    for (const c of await runc.list().catch(() => [])) await runc.delete(c.id).catch(() => undefined);
    for (const uid of await readdir(path.join(plan.dataDir, 'pods')).catch(() => [])) {
      const n = SandboxManager.names(uid);
      if (existsSync(n.netnsPath)) await runCommand('ip', ['netns', 'del', n.netns]).catch(() => undefined);
    }
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')).split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(plan.dataDir + '/'));
    for (const m of mounts.sort((a, b) => b.length - a.length)) await runCommand('umount', ['-l', m]).catch(() => undefined);
    await removeBridge(plan.bridge);
  }
  data?.cleanup();
  await registry?.stop();
  await layout?.cleanup();
});


interface PodView {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { ready: boolean; started?: boolean; state: Record<string, unknown> }[] };
}

interface NodeView {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { podCIDR?: string };
  status: { conditions: { type: string; status: string }[]; nodeInfo: { containerRuntimeVersion: string }; images?: { names: string[] }[] };
}

async function json<T>(args: string[]): Promise<T> {
  const r = await kubectl(cluster!, [...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

const isReady = (p: PodView): boolean => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const inCidr = (ip: string | undefined, cidr: string | undefined): boolean => Boolean(ip && cidr && ip.startsWith(cidr.split('.').slice(0, 3).join('.') + '.'));

test('wharf up --container-nodes 2 registers two real nodes, Ready, each with its own pod CIDR', { skip, timeout: 60_000 }, async () => {
  const nodes = await eventually('two Ready nodes', 30_000, async () => {
    const list = (await json<{ items: NodeView[] }>(['get', 'nodes'])).items;
    return list.length === 2 && list.every((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) ? list : undefined;
  });
  const planned = planContainerNodes(data!.dir, 2);
  assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), planned.map((p) => p.name).sort());
  for (const n of nodes) assert.match(n.status.nodeInfo.containerRuntimeVersion, /^runc:\/\//);
  assert.notEqual(nodes[0].spec.podCIDR, nodes[1].spec.podCIDR);
  // Once a node has seen its pods, what is left of others goes.
  await eventually('the orphaned pod dir to go', 20_000, async () => !existsSync(path.join(planned[0].dataDir, 'pods', orphanUid)));
  // What cgroups cannot enforce is said in an annotation, absent when everything is.
  for (const n of nodes) {
    const note = n.metadata.annotations?.['node.wharf.dev/not-enforced'];
    if (note !== undefined) assert.ok((JSON.parse(note) as unknown[]).every((x) => typeof x === 'string' && x.length > 0), note);
  }
});

test('a Deployment with required anti-affinity on kubernetes.io/hostname runs one Ready real pod per real node', { skip, timeout: 180_000 }, async () => {
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: spread}
spec:
  replicas: 2
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: spread}}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: httpd
        image: ${image}
        command: [busybox, httpd, -f, -p, "8080", -h, /tmp]
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 1
`;
  const applied = await kubectl(cluster!, ['apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  const pods = await eventually('two Ready pods', 150_000, async () => {
    const items = (await json<{ items: PodView[] }>(['get', 'pods', '-l', 'app=spread'])).items;
    return items.length === 2 && items.every((p) => p.status.phase === 'Running' && isReady(p)) ? items : undefined;
  });
  const nodes = new Map((await json<{ items: NodeView[] }>(['get', 'nodes'])).items.map((n) => [n.metadata.name, n]));
  assert.notEqual(pods[0].spec.nodeName, pods[1].spec.nodeName);
  for (const p of pods) {
    const node = nodes.get(p.spec.nodeName ?? '');
    assert.ok(node, `pod ${p.metadata.name} is on a real node (${p.spec.nodeName})`);
    assert.ok(inCidr(p.status.podIP, node.spec.podCIDR), `pod IP ${p.status.podIP} in ${node.spec.podCIDR}`);
    assert.ok(p.status.containerStatuses?.every((c) => c.ready && c.started));
  }
  // Each node reports the image it pulled.
  await eventually('the image in both nodes’ status', 60_000, async () => {
    const list = (await json<{ items: NodeView[] }>(['get', 'nodes'])).items;
    return list.every((n) => (n.status.images ?? []).some((i) => i.names.includes(image)));
  });
});

test('a pod whose readiness probe fails runs but is not Ready, and its endpoint is not ready', { skip, timeout: 120_000 }, async () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: unready, labels: {app: unready}}
spec:
  containers:
  - name: main
    image: ${image}
    command: [sh, -c, "echo waiting-for-nothing; exec busybox sleep 3600"]
    readinessProbe:
      exec: {command: ["false"]}
      periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata: {name: unready}
spec:
  selector: {app: unready}
  ports: [{port: 80, targetPort: 8080}]
`;
  const applied = await kubectl(cluster!, ['apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  const pod = await eventually('the pod running with an Unhealthy event', 90_000, async () => {
    const p = await json<PodView>(['get', 'pod', 'unready']);
    if (p.status.phase !== 'Running' || !p.status.containerStatuses?.[0]?.state.running) return undefined;
    const events = await kubectl(cluster!, ['get', 'events', '--field-selector', 'involvedObject.name=unready,reason=Unhealthy', '-o', 'name']);
    return events.stdout.trim() ? p : undefined;
  });
  // Several failed probes later it is still Running and still not Ready.
  await new Promise((r) => setTimeout(r, 3000));
  const later = await json<PodView>(['get', 'pod', 'unready']);
  assert.equal(later.status.phase, 'Running');
  assert.equal(isReady(later), false);
  assert.equal(later.status.containerStatuses?.[0]?.ready, false);
  assert.equal(later.status.containerStatuses?.[0]?.started, true);
  const endpoints = await eventually('the endpoint listed as not ready', 30_000, async () => {
    const e = await json<{ subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[] }>(['get', 'endpoints', 'unready']);
    return e.subsets?.some((s) => s.notReadyAddresses?.some((a) => a.ip === pod.status.podIP)) ? e : undefined;
  });
  assert.ok(!endpoints.subsets?.some((s) => s.addresses?.length), 'no ready address');
});

test('kubectl logs and exec reach a real node through the API server', { skip, timeout: 60_000 }, async () => {
  const nodes = (await json<{ items: (NodeView & { status: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } })[] }>(['get', 'nodes'])).items;
  for (const n of nodes) assert.ok((n.status.daemonEndpoints?.kubeletEndpoint?.Port ?? 0) > 0, `node ${n.metadata.name} publishes its node API`);
  const logs = await eventually('the log line', 20_000, async () => {
    const r = await kubectl(cluster!, ['logs', 'unready']);
    return r.code === 0 && r.stdout.includes('waiting-for-nothing') ? r.stdout : undefined;
  });
  assert.equal(logs.trim(), 'waiting-for-nothing');
  const exec = await kubectl(cluster!, ['exec', 'unready', '--', 'busybox', 'echo', 'from-inside']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout.trim(), 'from-inside');
});

test('a failing liveness probe restarts the container', { skip, timeout: 120_000 }, async () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: unhealthy}
spec:
  containers:
  - name: main
    image: ${image}
    command: [busybox, sleep, "3600"]
    livenessProbe:
      exec: {command: ["false"]}
      periodSeconds: 1
      failureThreshold: 2
`;
  const applied = await kubectl(cluster!, ['apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  await eventually('a restart', 90_000, async () => {
    const p = await json<PodView & { status: { containerStatuses?: { restartCount: number }[] } }>(['get', 'pod', 'unhealthy']);
    return (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
  });
  const events = await kubectl(cluster!, ['get', 'events', '--field-selector', 'involvedObject.name=unhealthy', '-o', 'jsonpath={.items[*].reason}']);
  assert.match(events.stdout, /Unhealthy/);
  assert.match(events.stdout, /Killing/);
  await kubectl(cluster!, ['delete', 'pod', 'unhealthy', '--grace-period=1', '--wait=false']);
});

test('a Job whose container exits 1 backs off and fails at its backoffLimit', { skip, timeout: 150_000 }, async () => {
  const manifest = `apiVersion: batch/v1
kind: Job
metadata: {name: fails}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: ${image}
        command: [sh, -c, "echo failing; exit 1"]
`;
  const applied = await kubectl(cluster!, ['apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  const job = await eventually('the Job to fail', 120_000, async () => {
    const j = await json<{ status: { failed?: number; conditions?: { type: string; status: string; reason?: string }[] } }>(['get', 'job', 'fails']);
    return j.status.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
  });
  assert.equal(job.status.conditions?.find((c) => c.type === 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.equal(job.status.failed, 2);
  const pods = (await json<{ items: (PodView & { status: { containerStatuses?: { state: { terminated?: { exitCode: number } } }[] } })[] }>(['get', 'pods', '-l', 'job-name=fails'])).items;
  assert.equal(pods.length, 2);
  for (const p of pods) {
    assert.equal(p.status.phase, 'Failed');
    assert.equal(p.status.containerStatuses?.[0]?.state.terminated?.exitCode, 1);
  }
  await kubectl(cluster!, ['delete', 'job', 'fails', '--wait=false']);
});

test('a StatefulSet keeps its data in a local-path volume across a pod restart', { skip, timeout: 180_000 }, async () => {
  const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: keeper}
spec:
  serviceName: keeper
  replicas: 1
  selector: {matchLabels: {app: keeper}}
  template:
    metadata: {labels: {app: keeper}}
    spec:
      containers:
      - name: main
        image: ${image}
        command: [sh, -c, "[ -f /data/first ] || cat /proc/sys/kernel/random/uuid > /data/first; exec busybox sleep 3600"]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 64Mi}}}
`;
  const applied = await kubectl(cluster!, ['apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  const running = async (): Promise<PodView> =>
    eventually('keeper-0 Running', 120_000, async () => {
      const p = await json<PodView & { metadata: { deletionTimestamp?: string } }>(['get', 'pod', 'keeper-0']);
      return p.status.phase === 'Running' && !p.metadata.deletionTimestamp && p.status.containerStatuses?.[0]?.state.running ? p : undefined;
    });
  const readFirst = async (): Promise<string> =>
    eventually('the stamp', 20_000, async () => {
      const r = await kubectl(cluster!, ['exec', 'keeper-0', '--', 'cat', '/data/first']);
      return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
    });
  const before = await running();
  const stamp = await readFirst();
  const claim = await json<{ status: { phase?: string }; spec: { volumeName?: string; storageClassName?: string } }>(['get', 'pvc', 'data-keeper-0']);
  assert.equal(claim.status.phase, 'Bound');
  assert.equal(claim.spec.storageClassName, 'local-path');
  const del = await kubectl(cluster!, ['delete', 'pod', 'keeper-0', '--grace-period=1']);
  assert.equal(del.code, 0, del.stderr);
  const after = await eventually('a new keeper-0', 120_000, async () => {
    const p = await running();
    return p.metadata.uid !== before.metadata.uid ? p : undefined;
  });
  assert.equal(after.spec.nodeName, before.spec.nodeName, 'the local volume keeps the pod on its node');
  assert.equal(await readFirst(), stamp, 'the new pod reads what the first one wrote');
  await kubectl(cluster!, ['delete', 'statefulset', 'keeper', '--wait=false']);
});
