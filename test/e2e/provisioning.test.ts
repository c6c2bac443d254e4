import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { kubectl, repoRoot, startCluster, tempDataDir, type RunningCluster } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const mainModule = path.resolve(here, '../../src/cli/main' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));
const exampleDriver = path.join(repoRoot, 'examples', 'provisioners', 'hostdir-driver.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const statefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: db}}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: db
        image: busybox
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

function claimYaml(name: string, className: string, size = '1Gi'): string {
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ${className}
  resources: {requests: {storage: ${size}}}
`;
}

function podYaml(name: string, claim: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: c, image: busybox}]
  volumes: [{name: v, persistentVolumeClaim: {claimName: ${claim}}}]
`;
}

interface ObjectView {
  metadata: { name: string; uid?: string; annotations?: Record<string, string> };
  spec?: {
    nodeName?: string;
    volumeName?: string;
    local?: { path: string };
    hostPath?: { path: string };
    nodeAffinity?: { required?: { nodeSelectorTerms: { matchExpressions?: { key: string; values?: string[] }[] }[] } };
  };
  status?: { phase?: string; capacity?: { storage?: string } };
  reason?: string;
  message?: string;
  count?: number;
}

describe('dynamic provisioning with kubectl', { timeout: 240_000 }, () => {
  const data = tempDataDir();
  const volumesBase = path.join(data.dir, 'local-volumes');
  let cluster: RunningCluster;
  const provisioners: ChildProcess[] = [];

  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(cluster, args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const getJson = async <T = ObjectView>(...args: string[]): Promise<T | undefined> => {
    const r = await kubectl(cluster, ['get', ...args, '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
  };
  const until = async <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await sleep(300);
    }
  };
  const events = async (object: string, reason: string): Promise<ObjectView[]> =>
    ((await getJson<{ items: ObjectView[] }>('events', '--field-selector', `involvedObject.name=${object}`))?.items ?? []).filter((e) => e.reason === reason);
  const startProvisioner = (name: string, driver: string): void => {
    const args = [...process.execArgv.filter((a) => !a.startsWith('--test')), mainModule, 'provisioner', '--name', name, '--driver', driver, '--kubeconfig', cluster.kubeconfig, '--timeout', '5'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    provisioners.push(child);
  };

  before(async () => {
    cluster = await startCluster(data.dir, ['--nodes', '3', '--zones', '3']);
    // Volumes go under this test's data dir rather than the default under the working directory.
    const config = JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [volumesBase] }] });
    await ok(['create', 'configmap', 'local-path-config', '-n', 'kube-system', `--from-literal=config.json=${config}`]);
    await until('the default local-path class', () => getJson('storageclass', 'local-path'));
  });

  after(async () => {
    for (const p of provisioners) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGTERM');
        await new Promise((r) => p.once('exit', r));
      }
    }
    await cluster?.stop();
    data.cleanup();
  });

  test('a StatefulSet gets one local PV per pod on the pod node, on distinct nodes, and a grown claim grows', async () => {
    const cls = await getJson<{ provisioner: string; volumeBindingMode: string; reclaimPolicy: string; allowVolumeExpansion: boolean; metadata: ObjectView['metadata'] }>('storageclass', 'local-path');
    assert.equal(cls?.provisioner, 'wharf.dev/local-path');
    assert.equal(cls?.volumeBindingMode, 'WaitForFirstConsumer');
    assert.equal(cls?.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    await ok(['apply', '-f', '-'], statefulSet);
    const nodes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const pod = await until(`pod db-${i} running`, async () => {
        const p = await getJson('pod', `db-${i}`);
        return p?.status?.phase === 'Running' ? p : undefined;
      }, 60_000);
      const claim = await until(`claim data-db-${i} bound`, async () => {
        const c = await getJson('pvc', `data-db-${i}`);
        return c?.status?.phase === 'Bound' ? c : undefined;
      }, 60_000);
      const pv = (await getJson('pv', claim.spec!.volumeName!))!;
      const node = pod.spec!.nodeName!;
      nodes.add(node);
      assert.equal(pv.metadata.name, `pvc-${claim.metadata.uid}`);
      assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'wharf.dev/local-path');
      const term = pv.spec!.nodeAffinity!.required!.nodeSelectorTerms[0].matchExpressions![0];
      assert.deepEqual([term.key, term.values], ['kubernetes.io/hostname', [node]]);
      assert.equal(pv.spec!.local!.path, path.join(volumesBase, node, `${pv.metadata.name}_default_data-db-${i}`));
      assert.ok(existsSync(pv.spec!.local!.path), `${pv.spec!.local!.path} exists`);
    }
    assert.equal(nodes.size, 3, 'anti-affinity spreads pods, so their volumes are on distinct nodes');

    await ok(['patch', 'pvc', 'data-db-0', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    await until('data-db-0 at 2Gi', async () => (await getJson('pvc', 'data-db-0'))?.status?.capacity?.storage === '2Gi');
    const pv = await getJson<{ spec: { capacity: { storage: string } } }>('pv', (await getJson('pvc', 'data-db-0'))!.spec!.volumeName!);
    assert.equal(pv?.spec.capacity.storage, '2Gi');
    assert.ok((await events('data-db-0', 'VolumeResizeSuccessful')).length > 0);
    const shrink = await kubectl(cluster, ['patch', 'pvc', 'data-db-0', '-p', '{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}']);
    assert.notEqual(shrink.code, 0);
    assert.match(shrink.stderr, /spec\.resources\.requests\.storage: Forbidden: field can not be less than previous value/);
  });

  test('deleting a claim of a Delete class removes its directory; of a Retain class keeps it and the PV goes Released', async () => {
    await ok(['delete', 'statefulset', 'db', '--wait=false']);
    await until('db pods gone', async () => ((await getJson<{ items: unknown[] }>('pods', '-l', 'app=db'))?.items.length ?? 1) === 0, 60_000);
    const claim = (await getJson('pvc', 'data-db-2'))!;
    const pv = (await getJson('pv', claim.spec!.volumeName!))!;
    const dir = pv.spec!.local!.path;
    await ok(['delete', 'pvc', 'data-db-2']);
    await until('the PV gone', async () => !(await getJson('pv', pv.metadata.name)));
    await until('the directory removed', async () => !existsSync(dir));

    await ok(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local-retain}
provisioner: wharf.dev/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
`);
    await ok(['apply', '-f', '-'], claimYaml('kept', 'local-retain'));
    await ok(['apply', '-f', '-'], podYaml('keeper', 'kept'));
    const bound = await until('kept bound', async () => {
      const c = await getJson('pvc', 'kept');
      return c?.status?.phase === 'Bound' ? c : undefined;
    }, 60_000);
    const keptPv = (await getJson('pv', bound.spec!.volumeName!))!;
    await ok(['delete', 'pod', 'keeper', '--grace-period=0', '--force']);
    await ok(['delete', 'pvc', 'kept']);
    await until('the PV Released', async () => (await getJson('pv', keptPv.metadata.name))?.status?.phase === 'Released', 60_000);
    await sleep(1000);
    assert.ok(existsSync(keptPv.spec!.local!.path), 'the directory of a Retain volume stays');
  });

  test('the example out-of-tree driver provisions and deletes', async () => {
    const root = path.join(data.dir, 'hostdir');
    mkdirSync(root, { recursive: true });
    startProvisioner('example.com/hostdir', exampleDriver);
    await ok(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: hostdir}
provisioner: example.com/hostdir
reclaimPolicy: Delete
parameters: {root: ${root}}
`);
    await ok(['apply', '-f', '-'], claimYaml('outside', 'hostdir'));
    const claim = await until('outside bound', async () => {
      const c = await getJson('pvc', 'outside');
      return c?.status?.phase === 'Bound' ? c : undefined;
    }, 60_000);
    const dir = path.join(root, `pvc-${claim.metadata.uid}`);
    assert.ok(existsSync(dir));
    const pv = (await getJson('pv', claim.spec!.volumeName!))!;
    assert.equal(pv.spec!.hostPath!.path, dir);
    await ok(['delete', 'pvc', 'outside']);
    await until('the hostdir PV gone', async () => !(await getJson('pv', pv.metadata.name)), 30_000);
    assert.equal(existsSync(dir), false);
  });

  test('a crashing driver is retried with backoff, and the claim says so', async () => {
    const crash = path.join(data.dir, 'crash-driver.sh');
    writeFileSync(crash, '#!/bin/sh\necho "segfault in make_volume" >&2\nkill -SEGV $$\n');
    chmodSync(crash, 0o755);
    startProvisioner('example.com/crash', crash);
    await ok(['apply', '-f', '-'], `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: crashy}
provisioner: example.com/crash
`);
    await ok(['apply', '-f', '-'], claimYaml('doomed', 'crashy'));
    const failed = await until('repeated ProvisioningFailed events', async () => {
      const e = (await events('doomed', 'ProvisioningFailed'))[0];
      return e && (e.count ?? 1) >= 3 ? e : undefined;
    }, 60_000);
    assert.match(failed.message ?? '', /crashed \(SIGSEGV\): segfault in make_volume/);
    const claim = (await getJson('pvc', 'doomed'))!;
    assert.equal(claim.status?.phase, 'Pending');
    assert.match(claim.metadata.annotations?.['provisioner.wharf.dev/last-error'] ?? '', /crashed/);
    assert.ok(Date.parse(claim.metadata.annotations?.['provisioner.wharf.dev/next-retry'] ?? '') > 0, 'the next retry time is shown');
  });
});
