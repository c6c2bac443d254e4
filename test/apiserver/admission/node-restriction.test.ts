import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry, StatusError, type KubeObject } from '../../../src/api/index.js';
import { forbiddenLabels, NodeRestriction } from '../../../src/apiserver/admission/node-restriction.js';
import type { AdmissionAttributes } from '../../../src/apiserver/admission/types.js';
import type { UserInfo } from '../../../src/apiserver/request-context.js';

const registry = new ResourceRegistry();
const def = (group: string, plural: string) => registry.all().find((d) => d.group === group && d.plural === plural)!;
const a1: UserInfo = { username: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] };
const admin: UserInfo = { username: 'admin', groups: ['system:masters'] };

const node = (name: string, extra: { labels?: Record<string, string>; taints?: unknown[] } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, labels: extra.labels ?? { 'kubernetes.io/hostname': name } },
  spec: extra.taints ? { taints: extra.taints } : {},
});
const pod = (name: string, nodeName: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels },
  spec: { nodeName, containers: [{ name: 'c', image: 'i' }] },
});

const stored: Record<string, KubeObject> = { 'pods/mine': pod('mine', 'a'), 'pods/theirs': pod('theirs', 'b'), 'nodes/a': node('a') };
const plugin = new NodeRestriction((plural, _ns, name) => stored[`${plural}/${name}`]);

function attrs(group: string, plural: string, operation: AdmissionAttributes['operation'], obj: KubeObject, old?: KubeObject, subresource?: string, user: UserInfo = a1): AdmissionAttributes {
  const d = def(group, plural);
  return { def: d, operation, obj, old, subresource, namespace: d.namespaced ? (obj.metadata.namespace ?? 'ns') : undefined, name: obj.metadata.name ?? '', user };
}

async function refused(p: Promise<void>, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 403);
    assert.equal(e.reason, 'Forbidden');
    assert.equal(e.message, message);
    return true;
  });
}

test('NodeRestriction lets a node write only its own Node', async () => {
  await plugin.admit(attrs('', 'nodes', 'CREATE', node('a')));
  await plugin.admit(attrs('', 'nodes', 'UPDATE', node('a', { labels: { 'kubernetes.io/hostname': 'a', mine: 'yes' } }), node('a')));
  await plugin.admit(attrs('', 'nodes', 'UPDATE', node('a'), node('a'), 'status'));
  await refused(plugin.admit(attrs('', 'nodes', 'UPDATE', node('b'), node('b'))), 'nodes "b" is forbidden: node "a" is not allowed to modify node "b"');
  await refused(plugin.admit(attrs('', 'nodes', 'UPDATE', node('b'), node('b'), 'status')), 'nodes "b" is forbidden: node "a" is not allowed to modify node "b"');
  await refused(plugin.admit(attrs('', 'nodes', 'CREATE', node('b'))), 'nodes "b" is forbidden: node "a" is not allowed to modify node "b"');
  await plugin.admit(attrs('', 'nodes', 'UPDATE', node('b'), node('b'), undefined, admin));
});

test('NodeRestriction keeps a node off its taints and the labels kubelets may not set', async () => {
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  await refused(plugin.admit(attrs('', 'nodes', 'UPDATE', node('a'), node('a', { taints: [taint] }))), 'nodes "a" is forbidden: node "a" is not allowed to modify taints');
  const labelled = node('a', { labels: { 'kubernetes.io/hostname': 'a', 'node-restriction.kubernetes.io/pci': 'yes', 'node-role.kubernetes.io/control-plane': '' } });
  await refused(plugin.admit(attrs('', 'nodes', 'UPDATE', labelled, node('a'))), 'nodes "a" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pci, node-role.kubernetes.io/control-plane');
  await refused(plugin.admit(attrs('', 'nodes', 'CREATE', labelled)), 'nodes "a" is forbidden: node "a" is not allowed to set the following labels: node-restriction.kubernetes.io/pci, node-role.kubernetes.io/control-plane');
  assert.deepEqual(forbiddenLabels(['topology.kubernetes.io/zone', 'node.kubernetes.io/instance-type', 'x.kubelet.kubernetes.io/a', 'wharf.dev/pool', 'example.k8s.io/x', 'a.node-restriction.kubernetes.io/b']), ['a.node-restriction.kubernetes.io/b', 'example.k8s.io/x']);
});

test('NodeRestriction lets a node write status of, delete and evict pods bound to it only', async () => {
  await plugin.admit(attrs('', 'pods', 'UPDATE', pod('mine', 'a'), pod('mine', 'a'), 'status'));
  await refused(plugin.admit(attrs('', 'pods', 'UPDATE', pod('theirs', 'b'), pod('theirs', 'b'), 'status')), 'pods "theirs" is forbidden: node "a" can only update pod status for pods with spec.nodeName set to itself');
  await refused(plugin.admit(attrs('', 'pods', 'UPDATE', pod('mine', 'a', { x: 'y' }), pod('mine', 'a'), 'status')), 'pods "mine" is forbidden: node "a" cannot update labels through pod status');
  await plugin.admit(attrs('', 'pods', 'DELETE', pod('mine', 'a')));
  await refused(plugin.admit(attrs('', 'pods', 'DELETE', pod('theirs', 'b'))), 'pods "theirs" is forbidden: node "a" can only delete pods with spec.nodeName set to itself');
  await refused(plugin.admit(attrs('', 'pods', 'UPDATE', pod('mine', 'a'), pod('mine', 'a'))), 'pods "mine" is forbidden: unexpected operation "UPDATE", node "a" can only create and delete mirror pods');
  await plugin.admitEviction(a1, 'ns', 'mine');
  await refused(plugin.admitEviction(a1, 'ns', 'theirs'), 'pods "theirs" is forbidden: node a can only evict pods with spec.nodeName set to itself');
  await assert.rejects(plugin.admitEviction(a1, 'ns', 'gone'), (e: unknown) => e instanceof StatusError && e.code === 404);
  await plugin.admitEviction(admin, 'ns', 'theirs');
});

test('NodeRestriction lets a node create only mirror pods bound to itself that name no other object', async () => {
  const mirror = (spec: Record<string, unknown> = {}, owner: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'static-a', namespace: 'ns', annotations: { 'kubernetes.io/config.mirror': 'h' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'a', uid: 'uid-a', controller: true, ...owner }] },
    spec: { nodeName: 'a', containers: [{ name: 'c', image: 'i' }], ...spec },
  });
  await plugin.admit(attrs('', 'pods', 'CREATE', mirror()));
  await refused(plugin.admit(attrs('', 'pods', 'CREATE', pod('plain', 'a'))), 'pods "plain" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "a" can only create mirror pods');
  await refused(plugin.admit(attrs('', 'pods', 'CREATE', mirror({ nodeName: 'b' }))), 'pods "static-a" is forbidden: node "a" can only create pods with spec.nodeName set to itself');
  await refused(plugin.admit(attrs('', 'pods', 'CREATE', mirror({}, { uid: 'other' }))), 'pods "static-a" is forbidden: node a UID mismatch: expected other got uid-a');
  await refused(plugin.admit(attrs('', 'pods', 'CREATE', mirror({ volumes: [{ name: 's', secret: { secretName: 'x' } }] }))), 'pods "static-a" is forbidden: node "a" can not create pods that reference secrets');
  await refused(plugin.admit(attrs('', 'pods', 'CREATE', mirror({ serviceAccountName: 'sa' }))), 'pods "static-a" is forbidden: node "a" can not create pods that reference a service account');
});

test('NodeRestriction lets a node write only its own Lease in kube-node-lease', async () => {
  const lease = (name: string, namespace = 'kube-node-lease'): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: {} });
  await plugin.admit(attrs('coordination.k8s.io', 'leases', 'CREATE', lease('a')));
  await plugin.admit(attrs('coordination.k8s.io', 'leases', 'UPDATE', lease('a'), lease('a')));
  await refused(plugin.admit(attrs('coordination.k8s.io', 'leases', 'UPDATE', lease('b'), lease('b'))), 'leases.coordination.k8s.io "b" is forbidden: can only access node lease with the same name as the requesting node');
  await refused(plugin.admit(attrs('coordination.k8s.io', 'leases', 'CREATE', lease('b'))), 'leases.coordination.k8s.io "b" is forbidden: can only access node lease with the same name as the requesting node');
  await refused(plugin.admit(attrs('coordination.k8s.io', 'leases', 'CREATE', lease('a', 'default'))), 'leases.coordination.k8s.io "a" is forbidden: can only access leases in the "kube-node-lease" system namespace');
});

test('NodeRestriction lets a node update claim status but nothing else of claims', async () => {
  const claim = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, spec: {}, status });
  await plugin.admit(attrs('', 'persistentvolumeclaims', 'UPDATE', claim({ phase: 'Bound', capacity: { storage: '2Gi' } }), claim({ phase: 'Bound', capacity: { storage: '1Gi' } }), 'status'));
  await assert.rejects(plugin.admit(attrs('', 'persistentvolumeclaims', 'UPDATE', claim({ phase: 'Lost' }), claim({ phase: 'Bound' }), 'status')), /node "a" is not allowed to update fields other than status.capacity and status.conditions/);
  await refused(plugin.admit(attrs('', 'persistentvolumeclaims', 'DELETE', claim({}))), 'persistentvolumeclaims "data" is forbidden: may only update PVC status');
});

test('NodeRestriction.admitTokenRequest() wants tokens bound to a pod on the node', async () => {
  const body = (ref: Record<string, unknown> | undefined) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], ...(ref ? { boundObjectRef: ref } : {}) } });
  await plugin.admitTokenRequest(a1, 'ns', 'default', body({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'uid-mine' }));
  await refused(plugin.admitTokenRequest(a1, 'ns', 'default', body(undefined)), 'serviceaccounts "default" is forbidden: node requested token not bound to a pod');
  await refused(plugin.admitTokenRequest(a1, 'ns', 'default', body({ apiVersion: 'v1', kind: 'Pod', name: 'mine' })), 'serviceaccounts "default" is forbidden: node requested token with a pod binding without a uid');
  await refused(plugin.admitTokenRequest(a1, 'ns', 'default', body({ apiVersion: 'v1', kind: 'Pod', name: 'theirs', uid: 'uid-theirs' })), 'serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node');
  await refused(
    plugin.admitTokenRequest(a1, 'ns', 'default', body({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'old' })),
    'serviceaccounts "default" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
  );
});

test('NodeRestriction passes the simulated fleet identity and refuses a node it cannot name', async () => {
  const fleet: UserInfo = { username: 'system:node:wharf-nodes', groups: ['system:nodes', 'wharf:simulated-fleet', 'system:masters'] };
  await plugin.admit(attrs('', 'nodes', 'UPDATE', node('b'), node('b'), undefined, fleet));
  await refused(plugin.admit(attrs('', 'nodes', 'UPDATE', node('b'), node('b'), undefined, { username: 'system:node:', groups: ['system:nodes'] })), 'nodes "b" is forbidden: could not determine node from user "system:node:"');
});
