import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectl, kubectlOk, repoRoot, startCluster, tempDataDir, type RunningCluster } from './harness.js';

const deployment = (replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}]
`;

describe('kubectl against wharf up', () => {
  let cluster: RunningCluster;
  let cleanup: () => void;
  let dir: string;
  const k = (...args: string[]) => kubectl(cluster, args);
  const ok = kubectlOk(() => cluster);

  before(async () => {
    ({ dir, cleanup } = tempDataDir());
    // No nodes: pods stay Pending, so their API behaviour can be checked without a scheduler racing.
    cluster = await startCluster(dir, ['--nodes', '0']);
  });
  after(async () => {
    await cluster?.stop();
    cleanup?.();
  });

  test('version reports the server', async () => {
    const out = await ok('version', '-o', 'json');
    const v = JSON.parse(out) as { serverVersion: { gitVersion: string; major: string; minor: string } };
    assert.match(v.serverVersion.gitVersion, /^v1\.\d+\.\d+/);
    assert.equal(v.serverVersion.major, '1');
  });

  test('api-resources lists every built-in resource with short names', async () => {
    const out = await ok('api-resources', '--no-headers');
    for (const line of ['pods  po  v1  true  Pod', 'deployments  deploy  apps/v1  true  Deployment', 'leases    coordination.k8s.io/v1  true  Lease']) {
      const parts = line.split(/\s+/);
      assert.ok(out.split('\n').some((l) => parts.every((p) => l.split(/\s+/).includes(p))), `api-resources shows ${line}\n${out}`);
    }
    assert.ok(out.split('\n').filter(Boolean).length >= 23);
  });

  test('create, get in every output, label and field selectors', async () => {
    await ok('create', 'namespace', 'team-a');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'team-a', labels: { tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    writeFileSync(path.join(dir, 'pod.json'), JSON.stringify(pod));
    assert.match(await ok('create', '-f', path.join(dir, 'pod.json')), /pod\/p1 created/);
    const dup = await k('create', '-f', path.join(dir, 'pod.json'));
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /AlreadyExists|already exists/);
    await ok('run', 'p2', '--image=nginx', '-n', 'team-a', '-l', 'tier=back');

    const table = await ok('get', 'pods', '-n', 'team-a');
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/m);
    assert.match(table, /^p1\s+0\/1\s+Pending\s+0\s+\d+s/m);
    const wide = await ok('get', 'pods', '-n', 'team-a', '-o', 'wide');
    assert.match(wide, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);

    const json = JSON.parse(await ok('get', 'pod', 'p1', '-n', 'team-a', '-o', 'json')) as { metadata: { uid: string; resourceVersion: string }; spec: { restartPolicy: string }; status: { phase: string } };
    assert.match(json.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(json.metadata.resourceVersion, /^\d+$/);
    assert.equal(json.spec.restartPolicy, 'Always');
    assert.equal(json.status.phase, 'Pending');
    assert.match(await ok('get', 'pod', 'p1', '-n', 'team-a', '-o', 'yaml'), /^kind: Pod$/m);

    const byLabel = await ok('get', 'pods', '-n', 'team-a', '-l', 'tier in (back)', '-o', 'name');
    assert.equal(byLabel.trim(), 'pod/p2');
    const byField = await ok('get', 'pods', '-A', '--field-selector', 'metadata.name=p1,status.phase=Pending', '-o', 'name');
    assert.equal(byField.trim(), 'pod/p1');
    const none = await ok('get', 'pods', '-n', 'team-a', '--field-selector', 'spec.nodeName=nowhere', '-o', 'name');
    assert.equal(none.trim(), '');
    const badField = await k('get', 'pods', '--field-selector', 'spec.bogus=1');
    assert.notEqual(badField.code, 0);
    assert.match(badField.stderr, /field label not supported/);
  });

  test('apply twice (create, then strategic merge patch), then server-side apply', async () => {
    const file = path.join(dir, 'deploy.yaml');
    writeFileSync(file, deployment(2, 'nginx:1.25'));
    assert.match(await ok('apply', '-f', file), /deployment.apps\/web created/);
    writeFileSync(file, deployment(3, 'nginx:1.26'));
    assert.match(await ok('apply', '-f', file), /deployment.apps\/web configured/);
    const d = JSON.parse(await ok('get', 'deploy', 'web', '-o', 'json')) as {
      metadata: { generation: number; annotations: Record<string, string> };
      spec: { replicas: number; template: { spec: { containers: { image: string; env: unknown[] }[] } } };
    };
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(d.spec.template.spec.containers[0].env.length, 1);
    assert.equal(d.metadata.generation, 2);
    assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.match(await ok('apply', '-f', file), /unchanged/);

    const cm = path.join(dir, 'cm.yaml');
    writeFileSync(cm, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "1", b: "2"}\n');
    assert.match(await ok('apply', '--server-side', '-f', cm), /serverside-applied/);
    const applied = JSON.parse(await ok('get', 'cm', 'settings', '-o', 'json', '--show-managed-fields')) as { metadata: { managedFields: { manager: string; operation: string; fieldsV1: unknown }[] } };
    const entry = applied.metadata.managedFields.find((m) => m.operation === 'Apply');
    assert.equal(entry?.manager, 'kubectl');
    assert.deepEqual(entry?.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
    // Another manager changing an owned field conflicts unless it forces.
    writeFileSync(cm, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "9"}\n');
    const conflict = await k('apply', '--server-side', '--field-manager=other', '-f', cm);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict/i);
    await ok('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', cm);
    assert.equal(await ok('get', 'cm', 'settings', '-o', 'jsonpath={.data.a}'), '9');
  });

  test('patch with all three types, and scale', async () => {
    await ok('patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":1}}');
    assert.equal(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'), '1');
    await ok('patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]');
    assert.equal(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'), '2');
    await ok('patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}');
    const c = JSON.parse(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers}')) as { image: string; ports: unknown[] }[];
    assert.equal(c.length, 1, 'a strategic merge patch merges containers by name');
    assert.equal(c[0].image, 'nginx:2');
    assert.equal(c[0].ports.length, 1);
    const bad = await k('patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":99}]');
    assert.notEqual(bad.code, 0);
    assert.match(await ok('scale', 'deploy', 'web', '--replicas=5'), /scaled/);
    assert.equal(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'), '5');
  });

  test('the example manifests apply cleanly and services get cluster IPs', async () => {
    const out = await ok('apply', '-n', 'team-a', '-f', path.join(repoRoot, 'examples'));
    assert.match(out, /deployment.apps\/web created/);
    assert.match(out, /service\/web created/);
    const ip = await ok('get', 'svc', 'web', '-n', 'team-a', '-o', 'jsonpath={.spec.clusterIP}');
    assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assert.notEqual(ip, '10.96.0.1', 'the first address belongs to the kubernetes service');
    const svcTable = await ok('get', 'svc', '-n', 'team-a');
    assert.match(svcTable, /^web\s+ClusterIP\s+10\.\S+\s+<none>\s+80\/TCP\s+\d+s/m);
  });

  test('describe and explain', async () => {
    const described = await ok('describe', 'deploy', 'web');
    assert.match(described, /^Name:\s+web$/m);
    assert.match(described, /Image:\s+nginx:2/);
    const explained = await ok('explain', 'pods.spec.containers.ports');
    assert.match(explained, /containerPort\s+<integer> -required-/);
  });

  test('get -w streams changes', async () => {
    const watcher = spawn('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'configmaps', '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => /ADDED\s+settings\s/.test(out), 'initial list');
      await ok('create', 'configmap', 'watched', '--from-literal=x=y');
      await ok('delete', 'configmap', 'watched');
      await waitFor(() => /ADDED\s+watched\s/.test(out) && /DELETED\s+watched\s/.test(out), `watch events, got:\n${out}`);
    } finally {
      watcher.kill();
    }
  });

  test('bad input gets a Kubernetes Status and changes nothing', async () => {
    const badName = path.join(dir, 'bad.yaml');
    writeFileSync(badName, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_Valid}\n');
    const r = await k('create', '-f', badName);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is invalid: metadata.name: Invalid value: "Not_Valid"/);
    writeFileSync(badName, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok-name}\nbogus: 1\n');
    const strict = await k('create', '-f', badName);
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /unknown field "bogus"/);
    assert.notEqual((await k('get', 'cm', 'ok-name')).code, 0);
  });

  test('delete removes objects', async () => {
    assert.match(await ok('delete', 'deploy', 'web'), /deleted/);
    assert.match(await ok('delete', 'pod', 'p1', 'p2', '-n', 'team-a'), /pod "p1" deleted/);
    const gone = await k('get', 'deploy', 'web');
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /deployments.apps "web" not found/);
  });

  test('restarting on the same data dir keeps every object', async () => {
    const before = await ok('get', 'cm,ns', '-A', '-o', 'name');
    await cluster.stop();
    cluster = await startCluster(dir, ['--nodes', '0']);
    const after = await ok('get', 'cm,ns', '-A', '-o', 'name');
    assert.equal(after, before);
    assert.match(after, /configmap\/settings/);
  });
});

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
