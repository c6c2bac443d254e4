/**
 * The Node authorizer and NodeRestriction inside a real ApiServer (memory store, plain HTTP, users named
 * by a test authenticator): the graph follows pods and volumes from the watch caches, and node requests
 * are decided as `--authorization-mode=Node,RBAC` decides them.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ResourceRegistry, type KubeObject } from '../../../src/api/index.js';
import { NodeGraph, NodeGraphFeed } from '../../../src/apiserver/node-authz/index.js';
import { ResourceStore } from '../../../src/apiserver/resource-store.js';
import { ApiServer } from '../../../src/apiserver/server.js';
import type { UserInfo } from '../../../src/apiserver/request-context.js';
import { MemoryStore, type Store } from '../../../src/storage/index.js';

const users: Record<string, UserInfo> = {
  admin: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
  n1: { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] },
  n2: { username: 'system:node:n2', groups: ['system:nodes', 'system:authenticated'] },
  fleet: { username: 'system:node:wharf-nodes', groups: ['system:nodes', 'wharf:simulated-fleet', 'system:masters', 'system:authenticated'] },
};

let server: ApiServer;
let base: string;

before(async () => {
  server = new ApiServer({
    store: new MemoryStore(),
    rbac: true,
    nodeAuthorization: true,
    authenticator: { authenticate: async (req: IncomingMessage) => users[String(req.headers['x-user'])] ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] } },
    compactionIntervalMs: 0,
  });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

after(async () => {
  await server?.close();
});

async function call(user: string, method: string, path: string, body?: unknown, type = 'application/json'): Promise<{ status: number; body: { message?: string } & Record<string, unknown> }> {
  const res = await fetch(base + path, { method, headers: { 'x-user': user, ...(body ? { 'content-type': type } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as { message?: string } & Record<string, unknown> };
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, data: { k: 'dg==' } });
const podUsing = (name: string, secretName: string, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'i', envFrom: [{ secretRef: { name: secretName } }] }] },
});

test('a node reads a Secret once a pod bound to it names it, and only then; the graph follows binds and deletes', async () => {
  assert.equal((await call('admin', 'POST', '/api/v1/namespaces/default/secrets', secret('s1'))).status, 201);
  assert.equal((await call('admin', 'POST', '/api/v1/namespaces/default/pods', podUsing('p1', 's1'))).status, 201);
  const denied = await call('n1', 'GET', '/api/v1/namespaces/default/secrets/s1');
  assert.equal(denied.status, 403);
  assert.equal(denied.body.message, `secrets "s1" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`);

  const bind = await call('admin', 'POST', '/api/v1/namespaces/default/pods/p1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'n1' } });
  assert.equal(bind.status, 201, JSON.stringify(bind.body));
  await eventually('the bound pod in the graph', async () => (await call('n1', 'GET', '/api/v1/namespaces/default/secrets/s1')).status === 200);
  assert.equal((await call('n1', 'GET', '/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Ds1')).status, 200, 'a list of that one Secret');
  assert.equal((await call('n1', 'GET', '/api/v1/namespaces/default/secrets')).status, 403, 'not a list of all');
  assert.equal((await call('n2', 'GET', '/api/v1/namespaces/default/secrets/s1')).status, 403);

  assert.equal((await call('admin', 'DELETE', '/api/v1/namespaces/default/pods/p1?gracePeriodSeconds=0')).status, 200);
  await eventually('the deleted pod gone from the graph', async () => (await call('n1', 'GET', '/api/v1/namespaces/default/secrets/s1')).status === 403);
});

test('NodeRestriction in the server: a node updates its own Node and pods, not another node\'s', async () => {
  for (const name of ['n1', 'n2']) assert.equal((await call('admin', 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } })).status, 201);
  const own = await call('n1', 'PATCH', '/api/v1/nodes/n1/status', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'application/merge-patch+json');
  assert.equal(own.status, 200, JSON.stringify(own.body));
  const other = await call('n1', 'PATCH', '/api/v1/nodes/n2/status', { status: { conditions: [] } }, 'application/merge-patch+json');
  assert.equal(other.status, 403);
  assert.equal(other.body.message, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
  assert.equal((await call('fleet', 'PATCH', '/api/v1/nodes/n2/status', { status: { conditions: [] } }, 'application/merge-patch+json')).status, 200, 'the simulated fleet acts for every node');

  assert.equal((await call('admin', 'POST', '/api/v1/namespaces/default/pods', podUsing('on-n2', 'none', 'n2'))).status, 201);
  const evict = await call('n1', 'POST', '/api/v1/namespaces/default/pods/on-n2/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'on-n2', namespace: 'default' } });
  assert.equal(evict.status, 403);
  assert.equal(evict.body.message, 'pods "on-n2" is forbidden: node n1 can only evict pods with spec.nodeName set to itself');
  const del = await call('n1', 'DELETE', '/api/v1/namespaces/default/pods/on-n2');
  assert.equal(del.body.message, 'pods "on-n2" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself');
  assert.equal((await call('n2', 'DELETE', '/api/v1/namespaces/default/pods/on-n2?gracePeriodSeconds=0')).status, 200);

  const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n2', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n2' } };
  const create = await call('n1', 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease);
  assert.equal(create.status, 403);
  assert.equal(create.body.message, 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node');
  assert.equal((await call('n2', 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease)).status, 201);
  const update = await call('n1', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2', lease);
  assert.equal(update.status, 403);
  assert.equal(update.body.message, 'leases.coordination.k8s.io "n2" is forbidden: User "system:node:n1" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node lease with the same name as the requesting node');
});

test('with the Node authorizer the bootstrap system:node binding names no one', async () => {
  const b = await call('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:node');
  assert.equal(b.status, 200);
  assert.equal(b.body.subjects, undefined);
});

test('a node\'s SelfSubjectRulesReview is marked incomplete, as the Node authorizer cannot list its rules', async () => {
  const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } };
  const asNode = await call('n1', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', review);
  assert.equal(asNode.status, 201, JSON.stringify(asNode.body));
  const status = asNode.body.status as { incomplete: boolean; evaluationError?: string };
  assert.equal(status.incomplete, true);
  assert.equal(status.evaluationError, 'node authorizer does not support user rule resolution');
  const asAdmin = await call('admin', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', review);
  assert.equal((asAdmin.body.status as { incomplete: boolean }).incomplete, false);
});

test('a node lists its own pods and reads its own Node; all pods and all Nodes are refused', async () => {
  assert.equal((await call('n1', 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1')).status, 200);
  assert.equal((await call('n1', 'GET', '/api/v1/nodes?fieldSelector=metadata.name%3Dn1')).status, 200);
  const pods = await call('n1', 'GET', '/api/v1/pods');
  assert.equal(pods.status, 403);
  assert.equal(pods.body.message, 'pods is forbidden: User "system:node:n1" cannot list resource "pods" in API group "" at the cluster scope: can only list/watch pods with spec.nodeName field selector');
  const nodes = await call('n1', 'GET', '/api/v1/nodes');
  assert.equal(nodes.status, 403);
  assert.equal(nodes.body.message, `nodes is forbidden: User "system:node:n1" cannot list resource "nodes" in API group "" at the cluster scope: node 'n1' cannot read all nodes, only its own Node object`);
  assert.equal((await call('fleet', 'GET', '/api/v1/nodes')).status, 200);
});

test('NodeGraphFeed reloads the graph after its cache loses the storage watch', async () => {
  const inner = new MemoryStore();
  const watches = new Map<string, { watch: { stop(): void }; onError: (e: Error) => void }>();
  const flaky = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'watch') {
        return (...args: Parameters<Store['watch']>) => {
          const watch = target.watch(...args);
          watches.set(args[0], { watch, onError: args[2].onError ?? (() => {}) });
          return watch;
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const registry = new ResourceRegistry();
  const pods = new ResourceStore(registry.lookup('', 'v1', 'pods')!, flaky);
  const graph = new NodeGraph();
  const feed = new NodeGraphFeed(graph, pods, undefined);
  try {
    await pods.create(podUsing('before', 'old-secret', 'n1') as KubeObject);
    await feed.start();
    assert.equal(graph.related('secret', 'default', 'old-secret', 'n1'), true);

    const cut = watches.get(pods.prefix)!;
    cut.watch.stop();
    cut.onError(new Error('watch lost'));
    // Written while nobody hears: the reload must find both changes.
    await pods.delete('default', 'before', { gracePeriodSeconds: 0 });
    await pods.create(podUsing('during', 'new-secret', 'n1') as KubeObject);
    await eventually('the reloaded graph', async () => graph.related('secret', 'default', 'new-secret', 'n1'));
    assert.equal(graph.related('secret', 'default', 'old-secret', 'n1'), false);
    assert.equal(graph.podCount, 1);
  } finally {
    feed.stop();
    pods.cache.stop();
  }
});

test('with RBAC alone (no Node authorizer) nodes keep the system:node role through its binding, unconfined', async () => {
  const rbacOnly = new ApiServer({
    store: new MemoryStore(),
    rbac: true,
    authenticator: { authenticate: async (req: IncomingMessage) => users[String(req.headers['x-user'])] ?? users.admin },
    compactionIntervalMs: 0,
  });
  const port = await rbacOnly.listen(0);
  try {
    const as = (user: string, method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'x-user': user, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    assert.equal((await as('admin', 'POST', '/api/v1/namespaces/default/secrets', secret('anyone'))).status, 201);
    assert.equal((await as('n1', 'GET', '/api/v1/namespaces/default/secrets/anyone')).status, 200);
    assert.equal((await as('admin', 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } })).status, 201);
    assert.equal((await as('n1', 'PUT', '/api/v1/nodes/n2', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { x: 'y' } } })).status, 200, 'no NodeRestriction');
  } finally {
    await rbacOnly.close();
  }
});
