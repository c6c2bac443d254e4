import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { kubectl, kubectlOk, repoRoot, useCluster, waitForReadyNodes } from './harness.js';

const zoneAntiAffinity = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: spread
spec:
  replicas: 3
  # Every zone is taken, so a surge pod could never be placed: replace one pod at a time instead.
  strategy:
    rollingUpdate: {maxSurge: 0, maxUnavailable: 1}
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: spread}}
            topologyKey: topology.kubernetes.io/zone
      containers:
      - name: web
        image: nginx:1.27
        resources: {requests: {cpu: 100m, memory: 64Mi}}
`;

const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  completions: 2
  parallelism: 2
  template:
    metadata:
      annotations: {wharf.dev/simulate-exit-after: 1s}
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
`;

describe('a whole cluster: scheduler, controllers and simulated nodes behind kubectl', () => {
  const cluster = useCluster(['--nodes', '3', '--zones', '3']);
  const ok = kubectlOk(cluster);

  test('three simulated nodes register Ready, one per zone', async () => {
    await waitForReadyNodes(cluster, 3);
    const zones = (await ok('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.labels.topology\\.kubernetes\\.io/zone}')).split(' ').sort();
    assert.deepEqual(zones, ['zone-0', 'zone-1', 'zone-2']);
  });

  test('a Deployment with zone anti-affinity rolls out with one pod per zone', async () => {
    const file = path.join(cluster.dataDir, 'spread.yaml');
    writeFileSync(file, zoneAntiAffinity);
    await ok('apply', '-f', file);
    await ok('rollout', 'status', 'deployment/spread', '--timeout=60s');
    const nodes = (await ok('get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={.items[*].spec.nodeName}')).split(' ');
    assert.equal(new Set(nodes).size, 3, `pods on distinct nodes: ${nodes.join(', ')}`);
    const phases = (await ok('get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={.items[*].status.phase}')).split(' ');
    assert.deepEqual(phases, ['Running', 'Running', 'Running']);
    // A fourth replica has no zone left: it stays Pending and says why.
    await ok('scale', 'deployment/spread', '--replicas=4');
    let message = '';
    for (let i = 0; i < 100 && !message.includes("didn't match pod anti-affinity rules"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      message = await ok('get', 'pods', '-l', 'app=spread', '--field-selector=status.phase=Pending', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="PodScheduled")].message}');
    }
    assert.match(message, /0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules/);
    const pending = (await ok('get', 'pods', '-l', 'app=spread', '--field-selector=status.phase=Pending', '-o', 'name')).trim().replace('pod/', '');
    const explained = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [path.join(repoRoot, 'bin', 'wharf.js'), 'explain', 'pod', pending, '--kubeconfig', cluster.kubeconfig], (err, stdout, stderr) =>
        err ? reject(new Error(stderr)) : resolve(stdout),
      ),
    );
    assert.match(explained, /InterPodAffinity/);
    await ok('scale', 'deployment/spread', '--replicas=3');
  });

  test('set image rolls out a new ReplicaSet; rollout undo brings the old one back', async () => {
    await ok('set', 'image', 'deployment/spread', 'web=nginx:1.28');
    await ok('rollout', 'status', 'deployment/spread', '--timeout=60s');
    assert.equal(await ok('get', 'deployment', 'spread', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'nginx:1.28');
    await ok('rollout', 'undo', 'deployment/spread');
    await ok('rollout', 'status', 'deployment/spread', '--timeout=60s');
    assert.equal(await ok('get', 'deployment', 'spread', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'nginx:1.27');
  });

  test('a Job runs to completion', async () => {
    const file = path.join(cluster.dataDir, 'job.yaml');
    writeFileSync(file, job);
    await ok('apply', '-f', file);
    await ok('wait', '--for=condition=complete', 'job/once', '--timeout=60s');
    assert.equal(await ok('get', 'job', 'once', '-o', 'jsonpath={.status.succeeded}'), '2');
  });

  test('deleting a Deployment removes its ReplicaSets and pods', async () => {
    await ok('delete', 'deployment', 'spread', '--wait=true', '--timeout=60s');
    for (let i = 0; i < 100; i++) {
      if ((await ok('get', 'rs,pods', '-l', 'app=spread', '-o', 'name')).trim() === '') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await ok('get', 'rs,pods', '-l', 'app=spread', '-o', 'name')).trim(), '');
  });

  test('kubectl delete namespace finishes with everything in it gone', async () => {
    await ok('create', 'namespace', 'doomed');
    await ok('create', 'configmap', 'x', '-n', 'doomed', '--from-literal=a=b');
    await ok('create', 'deployment', 'app', '-n', 'doomed', '--image=nginx');
    await ok('delete', 'namespace', 'doomed', '--timeout=60s');
    const r = await kubectl(cluster, ['get', 'namespace', 'doomed']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not found/);
  });

  test('cordon and drain move pods off a node', async () => {
    await ok('create', 'deployment', 'mover', '--image=nginx', '--replicas=3');
    await ok('rollout', 'status', 'deployment/mover', '--timeout=60s');
    const node = 'wharf-node-0';
    await ok('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s');
    await ok('rollout', 'status', 'deployment/mover', '--timeout=60s');
    const where = (await ok('get', 'pods', '-l', 'app=mover', '-o', 'jsonpath={.items[*].spec.nodeName}')).split(' ');
    assert.ok(!where.includes(node), `no pod left on ${node}: ${where.join(', ')}`);
    await ok('uncordon', node);
  });
});
