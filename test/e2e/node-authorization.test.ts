/**
 * `--authorization-mode=Node,RBAC` (the default) end to end: `wharf up --nodes 1` runs its simulated
 * fleet, a node joins with `wharf join` + `wharf node --server --token --ca-cert-hash --name`, and the
 * joined node's own certificate (the kubeconfig it wrote) reads what the pods bound to it use, writes
 * its own Node and Lease, and is refused everything of other nodes with upstream's messages.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { api, credentialsOf, startCluster, tempDataDir, type RunningCluster } from './harness.js';
import { eventually, WharfProcess, wharfArgv } from '../multihost/wharf-process.js';

let cluster: RunningCluster;
let data: { dir: string; cleanup: () => void };
let machine: string;
let joined: WharfProcess | undefined;
let asNode: ReturnType<typeof credentialsOf>;

const simulated = 'wharf-node-0';
const edge = 'edge-a';

function wharf(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...rest] = wharfArgv(args);
  return new Promise((resolve) => {
    execFile(cmd, rest, { timeout: 90_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

before(async () => {
  data = tempDataDir();
  machine = mkdtempSync(path.join(tmpdir(), 'wharf-node-authz-'));
  cluster = await startCluster(data.dir, ['--nodes', '1']);
  const join = await wharf(['join', '--kubeconfig', cluster.kubeconfig, '--ttl', '1h', '--name', edge]);
  assert.equal(join.code, 0, join.stderr);
  joined = new WharfProcess(join.stdout.trim().split(' ').slice(1), { label: 'joined node', cwd: machine });
  await joined.waitFor(new RegExp(`node ${edge} registered`), 90_000);
  asNode = credentialsOf(path.join(machine, '.wharf-node', edge, 'kubeconfig'));
});

after(async () => {
  await joined?.stop(2000);
  await cluster?.stop();
  data?.cleanup();
  if (machine) rmSync(machine, { recursive: true, force: true });
});

const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, stringData: { password: name } });
const podOn = (name: string, nodeName: string, secretName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'app', image: 'busybox', env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: secretName, key: 'password' } } }] }] },
});

async function phaseOf(name: string): Promise<string | undefined> {
  const r = await api(cluster, 'GET', `/api/v1/namespaces/default/pods/${name}`);
  return r.body?.status?.phase;
}

test('a joined node reads the Secret of a pod bound to it and not one of another node; both pods run', { timeout: 180_000 }, async () => {
  for (const s of ['edge-secret', 'other-secret']) assert.equal((await api(cluster, 'POST', '/api/v1/namespaces/default/secrets', secret(s))).status, 201);
  assert.equal((await api(cluster, 'POST', '/api/v1/namespaces/default/pods', podOn('on-edge', edge, 'edge-secret'))).status, 201);
  assert.equal((await api(cluster, 'POST', '/api/v1/namespaces/default/pods', podOn('on-simulated', simulated, 'other-secret'))).status, 201);

  // The simulated fleet acts for its node with its one identity, and the joined node runs its own pod.
  await eventually('the simulated node\'s pod Running', 90_000, async () => (await phaseOf('on-simulated')) === 'Running');
  await eventually('the joined node\'s pod Running', 90_000, async () => (await phaseOf('on-edge')) === 'Running');

  const own = await eventually('the joined node reading its pod\'s Secret', 30_000, async () => {
    const r = await api(cluster, 'GET', '/api/v1/namespaces/default/secrets/edge-secret', undefined, undefined, asNode);
    return r.status === 200 ? r : undefined;
  });
  assert.equal(Buffer.from(own.body.data.password, 'base64').toString(), 'edge-secret');

  const other = await api(cluster, 'GET', '/api/v1/namespaces/default/secrets/other-secret', undefined, undefined, asNode);
  assert.equal(other.status, 403);
  assert.equal(other.body.message, `secrets "other-secret" is forbidden: User "system:node:${edge}" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node '${edge}' and this object`);
  assert.equal((await api(cluster, 'GET', '/api/v1/namespaces/default/secrets', undefined, undefined, asNode)).status, 403, 'no list of every Secret');
  assert.equal((await api(cluster, 'GET', '/api/v1/namespaces/kube-system/secrets', undefined, undefined, asNode)).status, 403, 'no bootstrap tokens');
});

test('a joined node updates its own Node status and Lease, and no other node\'s', { timeout: 60_000 }, async () => {
  const status = await api(cluster, 'PATCH', `/api/v1/nodes/${edge}/status`, { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } }, 'application/merge-patch+json', asNode);
  assert.equal(status.status, 200, JSON.stringify(status.body));

  const otherStatus = await api(cluster, 'PATCH', `/api/v1/nodes/${simulated}/status`, { status: { conditions: [] } }, 'application/merge-patch+json', asNode);
  assert.equal(otherStatus.status, 403);
  assert.equal(otherStatus.body.message, `nodes "${simulated}" is forbidden: node "${edge}" is not allowed to modify node "${simulated}"`);
  const otherNode = await api(cluster, 'PATCH', `/api/v1/nodes/${simulated}`, { metadata: { labels: { stolen: 'yes' } } }, 'application/merge-patch+json', asNode);
  assert.equal(otherNode.status, 403);
  assert.equal(otherNode.body.message, `nodes "${simulated}" is forbidden: node "${edge}" is not allowed to modify node "${simulated}"`);
  const restricted = await api(cluster, 'PATCH', `/api/v1/nodes/${edge}`, { metadata: { labels: { 'node-restriction.kubernetes.io/trusted': 'yes' } } }, 'application/merge-patch+json', asNode);
  assert.equal(restricted.status, 403);
  assert.equal(restricted.body.message, `nodes "${edge}" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/trusted`);

  const allNodes = await api(cluster, 'GET', '/api/v1/nodes', undefined, undefined, asNode);
  assert.equal(allNodes.status, 403, 'a node reads its own Node only');
  assert.equal((await api(cluster, 'GET', `/api/v1/nodes/${edge}`, undefined, undefined, asNode)).status, 200);

  const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
  const lease = await api(cluster, 'GET', `${leases}/${edge}`, undefined, undefined, asNode);
  assert.equal(lease.status, 200);
  lease.body.spec.renewTime = new Date().toISOString().replace('Z', '000Z');
  assert.equal((await api(cluster, 'PUT', `${leases}/${edge}`, lease.body, 'application/json', asNode)).status, 200);
  const theirs = await api(cluster, 'GET', `${leases}/${simulated}`);
  assert.equal(theirs.status, 200);
  const stolen = await api(cluster, 'PUT', `${leases}/${simulated}`, theirs.body, 'application/json', asNode);
  assert.equal(stolen.status, 403);
  assert.equal(stolen.body.message, `leases.coordination.k8s.io "${simulated}" is forbidden: User "system:node:${edge}" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node lease with the same name as the requesting node`);
  assert.equal((await api(cluster, 'DELETE', `/api/v1/namespaces/default/pods/on-simulated`, undefined, undefined, asNode)).body.message, `pods "on-simulated" is forbidden: node "${edge}" can only delete pods with spec.nodeName set to itself`);
});
