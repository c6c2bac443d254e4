import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { EtcdServer, etcdMissing } from '../storage/etcd-server.js';
import { api, kubectl, kubectlOk, startCluster, tempDataDir, type RunningCluster } from './harness.js';

const missing = etcdMissing();

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
      containers:
      - name: web
        image: nginx:1.27
`;

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('wharf up --etcd', { skip: missing, timeout: 180_000 }, () => {
  let etcd: EtcdServer;
  let cluster: RunningCluster;
  const data = tempDataDir();

  before(async () => {
    etcd = await EtcdServer.start();
    cluster = await startCluster(data.dir, ['--etcd', etcd.url, '--nodes', '1']);
  });

  after(async () => {
    await cluster?.stop();
    await etcd?.destroy();
    data.cleanup();
  });

  const ok = kubectlOk(() => cluster);

  test('kubectl create, get, apply, watch and delete a Deployment stored in etcd', async () => {
    // A watch started before the writes sees each of them, in order.
    const watcher = spawn('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'deployments', '--watch', '--output-watch-events', '--no-headers', '-o', 'custom-columns=EVENT:.type,NAME:.object.metadata.name,RV:.object.metadata.resourceVersion,REPLICAS:.object.spec.replicas'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    let watchErrors = '';
    watcher.stdout.on('data', (d: Buffer) => (watched += d.toString()));
    watcher.stderr.on('data', (d: Buffer) => (watchErrors += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await ok('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2');
      const created = JSON.parse(await ok('get', 'deployment', 'web', '-o', 'json')) as { spec: { replicas: number }; metadata: { resourceVersion: string } };
      assert.equal(created.spec.replicas, 2);
      await eventually('the Deployment has two pods', async () => {
        const pods = (await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n').filter(Boolean);
        return pods.length === 2 ? pods : undefined;
      });
      const r = await kubectl(cluster, ['apply', '-f', '-'], deployment(3));
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await ok('get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}')).trim(), '3');
      await eventually('the Deployment has three pods', async () => {
        const pods = (await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n').filter(Boolean);
        return pods.length === 3 ? pods : undefined;
      });
      await ok('delete', 'deployment', 'web');
      await eventually('the watch saw the delete', async () => (/DELETED\s+web/.test(watched) ? true : undefined), 20_000).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}; watched so far:\n${watched}${watchErrors}`);
      });
      const events = watched.trim().split('\n').map((l) => l.trim().split(/\s+/));
      assert.deepEqual(events[0].slice(0, 2), ['ADDED', 'web']);
      assert.equal(events[events.length - 1][0], 'DELETED');
      const revisions = events.map((e) => Number(e[2]));
      for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i] > revisions[i - 1], `resourceVersions increase: ${revisions.join(' ')}`);
      assert.ok(events.some((e) => e[0] === 'MODIFIED' && e[3] === '3'), `the apply was watched:\n${watched}`);
    } finally {
      watcher.kill();
    }
  });

  test('while etcd is down the API answers 503 naming etcd, and recovers when etcd is back without restarting Wharf', async () => {
    await ok('create', 'configmap', 'before-outage', '--from-literal=a=1');
    // A watch open across the outage goes on delivering once etcd is back.
    const watcher = spawn('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'configmaps', '--watch-only', '--output-watch-events', '--no-headers', '-o', 'custom-columns=EVENT:.type,NAME:.object.metadata.name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    watcher.stdout.on('data', (d: Buffer) => (watched += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    await etcd.stop();
    try {
      const down = await kubectl(cluster, ['get', 'configmap', 'before-outage', '--request-timeout=20s']);
      assert.notEqual(down.code, 0);
      assert.match(down.stderr, /ServiceUnavailable.*etcd is unavailable|etcd is unavailable/);
      const write = await kubectl(cluster, ['create', 'configmap', 'during-outage', '--from-literal=a=1', '--request-timeout=20s']);
      assert.notEqual(write.code, 0);
      assert.match(write.stderr, /etcd is unavailable/);
    } finally {
      await etcd.start();
    }
    await eventually('the API server reaches etcd again', async () => {
      const r = await kubectl(cluster, ['get', 'configmap', 'before-outage', '-o', 'jsonpath={.data.a}']);
      return r.code === 0 ? r.stdout : undefined;
    });
    await ok('create', 'configmap', 'after-outage', '--from-literal=b=2');
    assert.equal((await ok('get', 'configmap', 'after-outage', '-o', 'jsonpath={.data.b}')).trim(), '2');
    try {
      await eventually('the watch opened before the outage saw the new ConfigMap', async () => (/ADDED\s+after-outage/.test(watched) ? true : undefined), 20_000);
      assert.doesNotMatch(watched, /during-outage/);
    } finally {
      watcher.kill();
    }
  });

  test('an object over the etcd request limit is refused with 413, and nothing is stored', async () => {
    // Under the API server's 3 MiB body limit, over etcd's 1.5 MiB request limit (ConfigMaps and Secrets stop at
    // 1 MiB in validation, container arguments do not).
    const big = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'too-big' },
      spec: {
        selector: { matchLabels: { app: 'too-big' } },
        template: { metadata: { labels: { app: 'too-big' } }, spec: { containers: [{ name: 'c', image: 'busybox', args: ['x'.repeat(2 * 1024 * 1024)] }] } },
      },
    };
    const r = await api(cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', big);
    assert.equal(r.status, 413, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.reason, 'RequestEntityTooLarge');
    assert.match(r.body.message, /over the storage limit of 1572864/);
    assert.equal((await api(cluster, 'GET', '/apis/apps/v1/namespaces/default/deployments/too-big')).status, 404);
  });

  test('a restarted Wharf on the same etcd finds its objects, at the same resourceVersions', async () => {
    await ok('create', 'configmap', 'kept', '--from-literal=k=v');
    const before = (await ok('get', 'configmap', 'kept', '-o', 'jsonpath={.metadata.resourceVersion}')).trim();
    await cluster.stop();
    cluster = await startCluster(data.dir, ['--etcd', etcd.url, '--nodes', '1']);
    assert.equal((await ok('get', 'configmap', 'kept', '-o', 'jsonpath={.data.k}')).trim(), 'v');
    assert.equal((await ok('get', 'configmap', 'kept', '-o', 'jsonpath={.metadata.resourceVersion}')).trim(), before);
    assert.equal((await ok('get', 'configmap', 'after-outage', '-o', 'jsonpath={.data.b}')).trim(), '2');
  });
});
