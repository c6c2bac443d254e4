import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { kubectl, startCluster, tempDataDir, type RunningCluster } from '../../e2e/harness.js';
import { envelope, int, message, str, sub } from './proto-builder.js';

// kubectl 1.32's typed clients send built-in kinds as protobuf; these run only where kubectl is installed.
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

describe('kubectl create sends protobuf bodies that wharf up accepts', { skip: !hasKubectl && 'kubectl is not on PATH' }, () => {
  let cluster: RunningCluster;
  let cleanup: () => void;
  const ok = async (...args: string[]) => {
    const r = await kubectl(cluster, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const getJson = async (...args: string[]) => JSON.parse(await ok('get', ...args, '-o', 'json')) as Record<string, any>;

  before(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDataDir());
    cluster = await startCluster(dir);
  });
  after(async () => {
    await cluster?.stop();
    cleanup?.();
  });

  test('configmap, secret, deployment, namespace, job and serviceaccount', async () => {
    await ok('create', 'configmap', 'x', '--from-literal=a=b');
    assert.deepEqual((await getJson('configmap', 'x')).data, { a: 'b' });

    await ok('create', 'secret', 'generic', 's', '--from-literal=k=v');
    const secret = await getJson('secret', 's');
    assert.deepEqual(secret.data, { k: 'dg==' });
    assert.equal(secret.type, 'Opaque');

    await ok('create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80');
    const deployment = await getJson('deployment', 'web');
    assert.equal(deployment.spec.replicas, 2);
    assert.deepEqual(deployment.spec.selector, { matchLabels: { app: 'web' } });
    assert.equal(deployment.spec.template.spec.containers[0].image, 'nginx');
    assert.deepEqual(deployment.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);

    await ok('create', 'namespace', 'team-a');
    assert.equal((await getJson('namespace', 'team-a')).metadata.name, 'team-a');

    await ok('create', 'job', 'once', '--image=busybox');
    assert.equal((await getJson('job', 'once')).spec.template.spec.restartPolicy, 'Never');

    await ok('create', 'serviceaccount', 'robot');
    assert.equal((await getJson('serviceaccount', 'robot')).metadata.name, 'robot');
  });

  test('a hand-built protobuf body is created, a malformed one is 400', async () => {
    const headers = { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/json' };
    const body = envelope('v1', 'ConfigMap', message(sub(1, str(1, 'raw')), sub(2, str(1, 'key'), str(2, 'value'))));
    const created = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers, body: body.slice() });
    assert.equal(created.status, 201, await created.clone().text());
    assert.deepEqual(((await created.json()) as { data: unknown }).data, { key: 'value' });

    const broken = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers, body: body.slice(0, body.length - 6) });
    assert.equal(broken.status, 400);
    const status = (await broken.json()) as { kind: string; reason: string };
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'BadRequest');
  });

  test('an Eviction and a DeleteOptions body sent as protobuf are understood', async () => {
    const headers = { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/json' };
    await ok('create', 'configmap', 'doomed');
    const options = envelope('meta.k8s.io/v1', 'DeleteOptions', message(int(1, 0), str(4, 'Background')));
    const deleted = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/doomed`, { method: 'DELETE', headers, body: options.slice() });
    assert.equal(deleted.status, 200, await deleted.clone().text());
    assert.equal((await kubectl(cluster, ['get', 'configmap', 'doomed'])).code, 1);

    await ok('run', 'victim', '--image=nginx');
    const eviction = envelope('policy/v1', 'Eviction', message(sub(1, str(1, 'victim'), str(3, 'default')), sub(2, int(1, 0))));
    const evicted = await fetch(`${cluster.url}/api/v1/namespaces/default/pods/victim/eviction`, { method: 'POST', headers, body: eviction.slice() });
    assert.equal(evicted.status, 201, await evicted.clone().text());
  });
});
