import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectl, startCluster, tempDataDir, type RunningCluster } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const staticVolume = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-local
  labels: {disk: ssd}
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: manual
  hostPath: {path: /tmp/wharf-e2e-pv-local}
`;

const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  selector: {matchLabels: {disk: ssd}}
`;

const unmatched = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: nothing-fits
spec:
  storageClassName: ""
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 100Gi}}
`;

const sharedVolume = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-shared
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: shared
  hostPath: {path: /tmp/wharf-e2e-pv-shared}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: in-use
spec:
  storageClassName: shared
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`;

const consumer = `apiVersion: v1
kind: Pod
metadata:
  name: consumer
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: in-use}
`;

describe('persistent volumes behind kubectl', () => {
  let cluster: RunningCluster;
  let cleanup: () => void;

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await kubectl(cluster, args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Polls a kubectl jsonpath until it prints `want`. */
  async function waitFor(args: string[], want: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const r = await kubectl(cluster, args);
      last = r.code === 0 ? r.stdout.trim() : r.stderr.trim();
      if (r.code === 0 && last === want) return;
      await sleep(250);
    }
    assert.fail(`kubectl ${args.join(' ')} printed "${last}", not "${want}"`);
  }

  before(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDataDir());
    cluster = await startCluster(dir, ['--nodes', '1']);
  });
  after(async () => {
    await cluster?.stop();
    cleanup?.();
  });

  test('a claim binds to a matching static volume, and with Retain the volume is Released when the claim goes', async () => {
    await ok(['apply', '-f', '-'], staticVolume);
    await ok(['apply', '-f', '-'], claim);
    await waitFor(['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}'], 'Bound');
    const table = await ok(['get', 'pvc', 'data']);
    assert.match(table, /^data\s+Bound\s+pv-local\s+2Gi\s+RWO\s+manual\s/m);
    await waitFor(['get', 'pv', 'pv-local', '-o', 'jsonpath={.status.phase}'], 'Bound');
    assert.equal(await ok(['get', 'pv', 'pv-local', '-o', 'jsonpath={.spec.claimRef.namespace}/{.spec.claimRef.name}']), 'default/data');
    assert.equal(await ok(['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.finalizers[0]}']), 'kubernetes.io/pvc-protection');

    await ok(['delete', 'pvc', 'data', '--wait=true', '--timeout=60s']);
    await waitFor(['get', 'pv', 'pv-local', '-o', 'jsonpath={.status.phase}'], 'Released');
    const pvTable = await ok(['get', 'pv', 'pv-local']);
    assert.match(pvTable, /^pv-local\s+2Gi\s+RWO\s+Retain\s+Released\s+default\/data\s+manual\s/m);
  });

  test('a claim nothing can serve stays Pending and its events say why', async () => {
    await ok(['apply', '-f', '-'], unmatched);
    await waitFor(
      ['get', 'events', '--field-selector', 'involvedObject.name=nothing-fits,reason=FailedBinding', '-o', 'jsonpath={.items[0].message}'],
      'no persistent volumes available for this claim and no storage class is set',
    );
    assert.equal(await ok(['get', 'pvc', 'nothing-fits', '-o', 'jsonpath={.status.phase}']), 'Pending');
    await ok(['delete', 'pvc', 'nothing-fits', '--wait=true', '--timeout=60s']);
  });

  test('a claim deleted while a running pod uses it stays Terminating until the pod is gone', async () => {
    await ok(['apply', '-f', '-'], sharedVolume);
    await waitFor(['get', 'pvc', 'in-use', '-o', 'jsonpath={.status.phase}'], 'Bound');
    await ok(['apply', '-f', '-'], consumer);
    await waitFor(['get', 'pod', 'consumer', '-o', 'jsonpath={.status.phase}'], 'Running', 90_000);
    await ok(['delete', 'pvc', 'in-use', '--wait=false']);
    await sleep(1500);
    const table = await ok(['get', 'pvc', 'in-use']);
    assert.match(table, /^in-use\s+Terminating\s+pv-shared\s/m);
    await ok(['delete', 'pod', 'consumer', '--wait=true', '--timeout=60s']);
    await waitFor(['get', 'pvc', 'in-use', '--ignore-not-found', '-o', 'name'], '');
    await waitFor(['get', 'pv', 'pv-shared', '-o', 'jsonpath={.status.phase}'], 'Released');
  });
});
