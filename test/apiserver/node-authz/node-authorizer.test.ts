import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeAuthorizer, type NodeAuthorizationAttributes } from '../../../src/apiserver/node-authz/node-authorizer.js';
import { NodeGraph } from '../../../src/apiserver/node-authz/node-graph.js';
import { SIMULATED_FLEET_GROUP } from '../../../src/apiserver/node-authz/node-identity.js';
import { systemNodeRules } from '../../../src/apiserver/rbac/bootstrap-policy.js';
import type { AuthorizationAttributes, UserInfo } from '../../../src/apiserver/request-context.js';

const n1: UserInfo = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

function setup(): NodeAuthorizer {
  const graph = new NodeGraph();
  graph.setPod({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'ns', uid: 'u1' },
    spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 's', secret: { secretName: 'mine' } }, { name: 'c', configMap: { name: 'cm' } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
  });
  graph.setVolume({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' }, spec: { claimRef: { namespace: 'ns', name: 'data' } } });
  return new NodeAuthorizer(graph, systemNodeRules());
}

const req = (verb: string, resource: string, extra: Partial<AuthorizationAttributes> & { fieldSelector?: string } = {}, user = n1): NodeAuthorizationAttributes => ({
  user,
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource,
  ...extra,
});

test('NodeAuthorizer allows reading a Secret or ConfigMap only when a pod on the node names it', () => {
  const z = setup();
  for (const verb of ['get', 'list', 'watch']) assert.equal(z.authorize(req(verb, 'secrets', { namespace: 'ns', name: 'mine' })).decision, 'allow', verb);
  assert.equal(z.authorize(req('get', 'configmaps', { namespace: 'ns', name: 'cm' })).decision, 'allow');
  assert.deepEqual(z.authorize(req('get', 'secrets', { namespace: 'ns', name: 'other' })), { decision: 'noOpinion', reason: "no relationship found between node 'n1' and this object" });
  const n2 = { ...n1, username: 'system:node:n2' };
  assert.deepEqual(z.authorize(req('get', 'secrets', { namespace: 'ns', name: 'mine' }, n2)), { decision: 'noOpinion', reason: "no relationship found between node 'n2' and this object" });
  assert.deepEqual(z.authorize(req('list', 'secrets', { namespace: 'ns' })), { decision: 'noOpinion', reason: 'No Object name found' });
  assert.deepEqual(z.authorize(req('update', 'secrets', { namespace: 'ns', name: 'mine' })), { decision: 'noOpinion', reason: 'can only read resources of this type' });
  assert.deepEqual(z.authorize(req('list', 'secrets', {})), { decision: 'noOpinion', reason: 'can only read namespaced object of this type' });
});

test('NodeAuthorizer allows getting claims and volumes its pods use, claim status writes, and tokens for their ServiceAccount', () => {
  const z = setup();
  assert.equal(z.authorize(req('get', 'persistentvolumeclaims', { namespace: 'ns', name: 'data' })).decision, 'allow');
  assert.equal(z.authorize(req('get', 'persistentvolumes', { name: 'pv' })).decision, 'allow');
  assert.equal(z.authorize(req('patch', 'persistentvolumeclaims', { namespace: 'ns', name: 'data', subresource: 'status' })).decision, 'allow');
  assert.equal(z.authorize(req('list', 'persistentvolumes', {})).reason, 'can only get individual resources of this type');
  assert.equal(z.authorize(req('create', 'serviceaccounts', { namespace: 'ns', name: 'sa', subresource: 'token' })).decision, 'allow');
  assert.equal(z.authorize(req('create', 'serviceaccounts', { namespace: 'ns', name: 'default', subresource: 'token' })).decision, 'noOpinion');
  assert.equal(z.authorize(req('get', 'serviceaccounts', { namespace: 'ns', name: 'sa' })).reason, 'can only create tokens for individual service accounts');
});

test('NodeAuthorizer allows a node its own Lease in kube-node-lease only', () => {
  const z = setup();
  const lease = (verb: string, name: string | undefined, namespace = 'kube-node-lease') => req(verb, 'leases', { apiGroup: 'coordination.k8s.io', namespace, name });
  assert.equal(z.authorize(lease('update', 'n1')).decision, 'allow');
  assert.equal(z.authorize(lease('create', undefined)).decision, 'allow');
  assert.deepEqual(z.authorize(lease('update', 'n2')), { decision: 'noOpinion', reason: 'can only access node lease with the same name as the requesting node' });
  assert.deepEqual(z.authorize(lease('get', 'n1', 'default')), { decision: 'noOpinion', reason: 'can only access leases in the "kube-node-lease" system namespace' });
  assert.equal(z.authorize(lease('list', undefined)).reason, 'can only get, create, update, patch, or delete a node lease');
});

test('NodeAuthorizer with selectors (1.32) lets a node read only its own Node and list only its own pods', () => {
  const z = setup();
  assert.equal(z.authorize(req('get', 'nodes', { name: 'n1' })).decision, 'allow');
  assert.equal(z.authorize(req('watch', 'nodes', { name: 'n1' })).decision, 'allow', 'metadata.name field selector');
  assert.deepEqual(z.authorize(req('list', 'nodes')), { decision: 'noOpinion', reason: "node 'n1' cannot read all nodes, only its own Node object" });
  assert.deepEqual(z.authorize(req('get', 'nodes', { name: 'n2' })), { decision: 'noOpinion', reason: "node 'n1' cannot read 'n2', only its own Node object" });
  assert.equal(z.authorize(req('update', 'nodes', { name: 'n2', subresource: 'status' })).decision, 'allow', 'NodeRestriction narrows it');
  assert.equal(z.authorize(req('create', 'nodes')).decision, 'allow');
  assert.deepEqual(z.authorize(req('delete', 'nodes', { name: 'n1' })), { decision: 'noOpinion', reason: '' });

  const pods = (verb: string, extra: Partial<AuthorizationAttributes> & { fieldSelector?: string } = {}) => req(verb, 'pods', { namespace: 'ns', ...extra });
  assert.equal(z.authorize(pods('watch', { fieldSelector: 'spec.nodeName=n1' })).decision, 'allow');
  assert.equal(z.authorize(pods('list', { fieldSelector: 'status.phase!=Failed,spec.nodeName==n1' })).decision, 'allow');
  assert.deepEqual(z.authorize(pods('list', { fieldSelector: 'spec.nodeName=n2' })), { decision: 'noOpinion', reason: 'can only list/watch pods with spec.nodeName field selector' });
  assert.equal(z.authorize(pods('list', { name: 'web' })).decision, 'allow', 'one named pod bound to it');
  assert.equal(z.authorize(pods('get', { name: 'web' })).decision, 'allow');
  assert.equal(z.authorize(pods('get', { name: 'elsewhere' })).reason, "no relationship found between node 'n1' and this object");
  for (const [verb, subresource] of [['create', undefined], ['delete', undefined], ['patch', 'status'], ['create', 'eviction']] as const) {
    assert.equal(z.authorize(pods(verb, { name: 'x', subresource })).decision, 'allow', `${verb} ${subresource ?? ''}`);
  }
  assert.equal(z.authorize(pods('update', { name: 'web' })).decision, 'noOpinion');
});

test('NodeAuthorizer without selectors gives nodes the static node rules for nodes and pods', () => {
  const graph = new NodeGraph();
  const z = new NodeAuthorizer(graph, systemNodeRules(), { withSelectors: false });
  assert.equal(z.authorize(req('list', 'nodes')).decision, 'allow');
  assert.equal(z.authorize(req('watch', 'pods')).decision, 'allow');
  assert.equal(z.authorize(req('get', 'pods', { namespace: 'ns', name: 'anything' })).decision, 'allow');
  assert.equal(z.authorize(req('delete', 'nodes', { name: 'n1' })).decision, 'noOpinion');
});

test('NodeAuthorizer gives nodes the static node rules for other resources, and nothing else', () => {
  const z = setup();
  assert.equal(z.authorize(req('create', 'events', { namespace: 'ns' })).decision, 'allow');
  assert.equal(z.authorize(req('watch', 'services')).decision, 'allow');
  assert.equal(z.authorize(req('get', 'runtimeclasses', { apiGroup: 'node.k8s.io', name: 'x' })).decision, 'allow');
  assert.equal(z.authorize(req('create', 'deployments', { apiGroup: 'apps', namespace: 'ns' })).decision, 'noOpinion');
  assert.equal(z.authorize(req('list', 'clusterroles', { apiGroup: 'rbac.authorization.k8s.io' })).decision, 'noOpinion');
});

test('NodeAuthorizer has no opinion for users that are not one node', () => {
  const z = setup();
  const secret = { namespace: 'ns', name: 'mine' };
  assert.deepEqual(z.authorize(req('get', 'secrets', secret, { username: 'alice', groups: ['system:nodes'] })), { decision: 'noOpinion', reason: '' });
  assert.deepEqual(z.authorize(req('get', 'secrets', secret, { username: 'system:node:n1', groups: ['system:authenticated'] })), { decision: 'noOpinion', reason: '' });
  assert.deepEqual(z.authorize(req('get', 'nodes', { name: 'n1' }, { username: 'system:node:wharf-nodes', groups: ['system:nodes', SIMULATED_FLEET_GROUP] })), { decision: 'noOpinion', reason: '' });
  assert.deepEqual(z.authorize(req('get', 'nodes', { name: 'n1' }, { username: 'system:node:', groups: ['system:nodes'] })), { decision: 'noOpinion', reason: 'unknown node for user "system:node:"' });
});
