/**
 * `wharf join` end to end: the printed command joins a node from another process (its own working
 * directory, no admin credentials), bootstrap tokens are refused once expired, and the node's
 * certificate acts as that node and no more than RBAC lets nodes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { bootstrapTokenSecret, formatBootstrapToken, generateBootstrapToken } from '../../src/apiserver/authn/index.js';
import { caCertHash, createNodeCertificateRequest, NODE_CERTIFICATE_PATH } from '../../src/apiserver/node-certificates/index.js';
import { signCertificate } from '../../src/apiserver/pki/sign-certificate.js';
import { renderKubeconfig } from '../../src/cli/kubeconfig.js';
import { api, credentialsOf, startCluster, tempDataDir, type RunningCluster } from './harness.js';
import { eventually, WharfProcess, wharfArgv } from '../multihost/wharf-process.js';

let cluster: RunningCluster;
let data: { dir: string; cleanup: () => void };
let machine: string;
const processes: WharfProcess[] = [];

before(async () => {
  data = tempDataDir();
  machine = mkdtempSync(path.join(tmpdir(), 'wharf-join-'));
  cluster = await startCluster(data.dir, ['--api-server-only']);
});

after(async () => {
  await Promise.all(processes.map((p) => p.stop(2000)));
  await cluster?.stop();
  data?.cleanup();
  if (machine) rmSync(machine, { recursive: true, force: true });
});

function wharf(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...rest] = wharfArgv(args);
  return new Promise((resolve) => {
    execFile(cmd, rest, { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

const bearer = (token: string) => ({ token });

async function joinCommand(name: string, ttl = '1h'): Promise<string[]> {
  const r = await wharf(['join', '--kubeconfig', cluster.kubeconfig, '--ttl', ttl, '--name', name]);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.trim();
  assert.match(line, /^wharf node --server https:\/\/127\.0\.0\.1:\d+ --token [a-z0-9]{6}\.[a-z0-9]{16} --ca-cert-hash sha256:[0-9a-f]{64} --name /);
  return line.split(' ').slice(1);
}

test('the printed command joins a node from another process, which then acts as that node only', { timeout: 120_000 }, async () => {
  const args = await joinCommand('edge-1');
  const node = new WharfProcess([...args.slice(0, -1), 'edge-1'], { label: 'joined node', cwd: machine });
  processes.push(node);
  await node.waitFor(/node edge-1 registered/, 60_000);

  const n = await api(cluster, 'GET', '/api/v1/nodes/edge-1');
  assert.equal(n.status, 200);
  await eventually('the node Lease', 30_000, async () => (await api(cluster, 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/edge-1')).status === 200);

  // The kubeconfig the node wrote holds its own certificate: system:node:edge-1 in system:nodes.
  const asNode = credentialsOf(path.join(machine, '.wharf-node', 'edge-1', 'kubeconfig'));
  assert.ok(asNode.cert && asNode.key && !asNode.token, 'a client certificate and no token');
  const review = await api(cluster, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, 'application/json', asNode);
  assert.equal(review.status, 201, JSON.stringify(review.body));
  assert.equal(review.body.status.userInfo.username, 'system:node:edge-1');
  assert.ok(review.body.status.userInfo.groups.includes('system:nodes'));

  // What a node does: renew its Lease, update its Node and its status.
  const lease = await api(cluster, 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/edge-1', undefined, undefined, asNode);
  assert.equal(lease.status, 200);
  lease.body.spec.renewTime = new Date().toISOString().replace('Z', '000Z');
  assert.equal((await api(cluster, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/edge-1', lease.body, 'application/json', asNode)).status, 200);
  const labelled = await api(cluster, 'PATCH', '/api/v1/nodes/edge-1', { metadata: { labels: { joined: 'yes' } } }, 'application/merge-patch+json', asNode);
  assert.equal(labelled.status, 200, JSON.stringify(labelled.body));
  assert.equal((await api(cluster, 'PATCH', '/api/v1/nodes/edge-1/status', { status: { conditions: [] } }, 'application/merge-patch+json', asNode)).status, 200);

  // What RBAC does not give nodes.
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  assert.equal((await api(cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment, 'application/json', asNode)).status, 403);
  assert.equal((await api(cluster, 'DELETE', '/api/v1/nodes/edge-1', undefined, undefined, asNode)).status, 403);
  assert.equal((await api(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mine' } }, 'application/json', asNode)).status, 403);
  assert.equal((await api(cluster, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles', undefined, undefined, asNode)).status, 403);

  // A node may renew its own certificate, not obtain another node's.
  const own = await createNodeCertificateRequest('edge-1');
  assert.equal((await api(cluster, 'POST', NODE_CERTIFICATE_PATH, { request: Buffer.from(own.csr).toString('base64') }, 'application/json', asNode)).status, 201);
  const other = await createNodeCertificateRequest('edge-2');
  const refused = await api(cluster, 'POST', NODE_CERTIFICATE_PATH, { request: Buffer.from(other.csr).toString('base64') }, 'application/json', asNode);
  assert.equal(refused.status, 403, JSON.stringify(refused.body));

  // Restarted after its token is gone, the node keeps its credentials.
  await node.stop();
  const tokenId = args[args.indexOf('--token') + 1].split('.')[0];
  assert.equal((await api(cluster, 'DELETE', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${tokenId}`)).status, 200);
  const again = new WharfProcess([...args.slice(0, -1), 'edge-1'], { label: 'restarted node', cwd: machine });
  processes.push(again);
  await again.waitFor(/node edge-1 registered/, 60_000);
  assert.match(again.output, /using the node credentials in/);
});

test('bootstrap tokens: a valid one is system:bootstrap:<id>; expired, wrong or unknown ones get 401', { timeout: 60_000 }, async () => {
  const valid = generateBootstrapToken();
  const expired = generateBootstrapToken();
  const secrets = '/api/v1/namespaces/kube-system/secrets';
  const extra = { extraGroups: ['system:bootstrappers:edge'] };
  assert.equal((await api(cluster, 'POST', secrets, bootstrapTokenSecret(valid, { expires: new Date(Date.now() + 3_600_000), ...extra }))).status, 201);
  assert.equal((await api(cluster, 'POST', secrets, bootstrapTokenSecret(expired, { expires: new Date(Date.now() - 1000) }))).status, 201);

  const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
  const ok = await api(cluster, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review, 'application/json', bearer(formatBootstrapToken(valid)));
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.status.userInfo.username, `system:bootstrap:${valid.id}`);
  assert.deepEqual(ok.body.status.userInfo.groups, ['system:bootstrappers', 'system:bootstrappers:edge', 'system:authenticated']);

  for (const token of [formatBootstrapToken(expired), `${valid.id}.${'0'.repeat(16)}`, formatBootstrapToken(generateBootstrapToken())]) {
    const r = await api(cluster, 'GET', '/api/v1/namespaces', undefined, undefined, bearer(token));
    assert.equal(r.status, 401, `${token}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.message, 'Unauthorized');
  }
  // A bootstrapper may do nothing but ask for a node certificate.
  assert.equal((await api(cluster, 'GET', '/api/v1/namespaces/default/pods', undefined, undefined, bearer(formatBootstrapToken(valid)))).status, 403);
});

test('a joining node refuses a CA that does not match the pinned hash', { timeout: 60_000 }, async () => {
  const args = await joinCommand('edge-3');
  const wrong = args.map((a) => (a.startsWith('sha256:') ? `sha256:${'ab'.repeat(32)}` : a));
  const r = await wharf([...wrong.slice(0, -1), 'edge-3', '--kubeconfig', path.join(machine, 'edge-3.kubeconfig')], machine);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /does not match --ca-cert-hash/);
  assert.throws(() => readFileSync(path.join(machine, 'edge-3.kubeconfig')), /ENOENT/);
  assert.equal((await api(cluster, 'GET', '/api/v1/nodes/edge-3')).status, 404);
});

test('a node whose certificate nears its end renews it with itself, without the token', { timeout: 90_000 }, async () => {
  const ca = { cert: readFileSync(path.join(data.dir, 'pki', 'ca.crt'), 'utf8'), key: readFileSync(path.join(data.dir, 'pki', 'ca.key'), 'utf8') };
  const old = await signCertificate({ commonName: 'system:node:edge-4', organizations: ['system:nodes'], clientAuth: true, days: 10 }, ca);
  const file = path.join(machine, 'edge-4.kubeconfig');
  writeFileSync(file, renderKubeconfig({ server: cluster.url, caPem: ca.cert, clientCertPem: old.cert, clientKeyPem: old.key }), { mode: 0o600 });
  // A token of the right shape that no Secret backs: renewal must not need it.
  const node = new WharfProcess(['node', '--server', cluster.url, '--token', 'zzzzzz.zzzzzzzzzzzzzzzz', '--ca-cert-hash', caCertHash(ca.cert), '--name', 'edge-4', '--kubeconfig', file], { label: 'renewing node', cwd: machine });
  processes.push(node);
  await node.waitFor(/node edge-4 registered/, 60_000);
  assert.match(node.output, /node edge-4 renewed its client certificate/);
  const renewed = credentialsOf(file);
  assert.notEqual(renewed.key, old.key, 'a new key');
  const cert = new X509Certificate(renewed.cert!);
  assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:edge-4');
  assert.ok(new Date(cert.validTo).getTime() - Date.now() > 300 * 86_400_000);
  await node.stop();
});
