import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { credentialsOf, kubectl, startCluster, tempDataDir, type RunningCluster } from '../../e2e/harness.js';
import { envelope, int, message, str, sub } from './proto-builder.js';

/**
 * Sends a protobuf body as the kubeconfig's admin user and returns status and parsed JSON. The harness's
 * api() sends text, which would mangle binary bytes, so this writes the bytes itself.
 */
function sendProtobuf(cluster: RunningCluster, method: string, path: string, body: Uint8Array): Promise<{ status: number; body: Record<string, any>; text: string }> {
  const { ca, cert, key, token } = credentialsOf(cluster.kubeconfig);
  const url = new URL(cluster.url + path);
  // An explicit length: Node sends a DELETE body neither chunked nor sized otherwise.
  const headers: Record<string, string> = { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/json', 'content-length': String(body.length) };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, ca, cert, key }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, any> = {};
        try {
          parsed = JSON.parse(text) as Record<string, any>;
        } catch {
          // not JSON: the caller reports the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(Buffer.from(body));
  });
}

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
    const body = envelope('v1', 'ConfigMap', message(sub(1, str(1, 'raw')), sub(2, str(1, 'key'), str(2, 'value'))));
    const created = await sendProtobuf(cluster, 'POST', '/api/v1/namespaces/default/configmaps', body);
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.data, { key: 'value' });

    const broken = await sendProtobuf(cluster, 'POST', '/api/v1/namespaces/default/configmaps', body.slice(0, body.length - 6));
    assert.equal(broken.status, 400);
    assert.equal(broken.body.kind, 'Status');
    assert.equal(broken.body.reason, 'BadRequest');
  });

  test('an Eviction and a DeleteOptions body sent as protobuf are understood', async () => {
    await ok('create', 'configmap', 'doomed');
    const options = envelope('meta.k8s.io/v1', 'DeleteOptions', message(int(1, 0), str(4, 'Background')));
    const deleted = await sendProtobuf(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/doomed', options);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await kubectl(cluster, ['get', 'configmap', 'doomed'])).code, 1);

    await ok('run', 'victim', '--image=nginx');
    const eviction = envelope('policy/v1', 'Eviction', message(sub(1, str(1, 'victim'), str(3, 'default')), sub(2, int(1, 0))));
    const evicted = await sendProtobuf(cluster, 'POST', '/api/v1/namespaces/default/pods/victim/eviction', eviction);
    assert.equal(evicted.status, 201, evicted.text);
  });

  test('roles, bindings and quotas', async () => {
    await ok('create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '--resource-name=web');
    assert.deepEqual((await getJson('role', 'pod-reader')).rules, [{ apiGroups: [''], resources: ['pods'], resourceNames: ['web'], verbs: ['get', 'list'] }]);

    await ok('create', 'rolebinding', 'read-pods', '--role=pod-reader', '--user=alice', '--serviceaccount=default:robot');
    const binding = await getJson('rolebinding', 'read-pods');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' });
    assert.deepEqual(binding.subjects, [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
    ]);

    await ok('create', 'clusterrole', 'aggregate-reader', '--aggregation-rule=example.com/aggregate=true');
    const aggregate = await getJson('clusterrole', 'aggregate-reader');
    assert.deepEqual(aggregate.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate': 'true' } }] });

    await ok('create', 'clusterrole', 'health', '--verb=get', '--non-resource-url=/healthz', '--resource=deployments.apps');
    const health = await getJson('clusterrole', 'health');
    assert.deepEqual(health.rules, [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    ]);

    await ok('create', 'clusterrolebinding', 'health-all', '--clusterrole=health', '--group=devs');
    const clusterBinding = await getJson('clusterrolebinding', 'health-all');
    assert.deepEqual(clusterBinding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'health' });
    assert.deepEqual(clusterBinding.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' }]);

    await ok('create', 'quota', 'small', '--hard=pods=3,requests.cpu=1', '--scopes=NotBestEffort');
    const quota = await getJson('resourcequota', 'small');
    assert.deepEqual(quota.spec.hard, { pods: '3', 'requests.cpu': '1' });
    assert.deepEqual(quota.spec.scopes, ['NotBestEffort']);
  });

  test('a LimitRange and a SelfSubjectAccessReview sent as protobuf are understood', async () => {
    const quantity = (v: string) => sub(2, str(1, v));
    const entry = (n: number, k: string, v: string) => sub(n, str(1, k), quantity(v));
    const limits = envelope('v1', 'LimitRange', message(sub(1, str(1, 'limits')), sub(2, sub(1, str(1, 'Container'), entry(4, 'cpu', '500m'), entry(5, 'cpu', '100m')))));
    const created = await sendProtobuf(cluster, 'POST', '/api/v1/namespaces/default/limitranges', limits);
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.spec.limits[0].default, { cpu: '500m' });
    assert.deepEqual(created.body.spec.limits[0].defaultRequest, { cpu: '100m' });

    const review = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', message(sub(1), sub(2, sub(1, str(1, 'default'), str(2, 'list'), str(5, 'pods')))));
    const answered = await sendProtobuf(cluster, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review);
    assert.equal(answered.status, 201, answered.text);
    assert.deepEqual(answered.body.spec.resourceAttributes, { namespace: 'default', verb: 'list', resource: 'pods' });
    assert.equal(answered.body.status.allowed, true);
  });
});
