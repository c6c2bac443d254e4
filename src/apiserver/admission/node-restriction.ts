import { forbidden, notFound, type KubeObject, type StatusError } from '../../api/index.js';
import { nodeIdentity } from '../node-authz/node-identity.js';
import type { UserInfo } from '../request-context.js';
import type { AdmissionAttributes } from './types.js';

/** Reads one stored object from memory: pods by namespace and name, nodes by name. */
export type NodeRestrictionLookup = (plural: 'pods' | 'nodes', namespace: string | undefined, name: string) => KubeObject | undefined | Promise<KubeObject | undefined>;

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

/** Labels kubelets set on their own Node, as upstream's kubelet label list; plus the two namespaces below. */
const kubeletLabels = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);
const kubeletLabelNamespaces = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const q = (s: string): string => JSON.stringify(s);

/**
 * Kubernetes' NodeRestriction admission plugin: a node (`system:node:<name>` in `system:nodes`) may
 * write only what concerns itself — its own Node (without touching its taints or setting labels kubelets
 * may not set), the status of pods bound to it, deletes and evictions of pods bound to it, mirror pods
 * bound to it that name no other object, its own Lease, status of claims (nothing else of them), and
 * tokens bound to pods on it. Other users pass untouched. Refusals are 403s with upstream's messages.
 *
 * `admit` serves creates, updates and deletes; `admitEviction` and `admitTokenRequest` serve the two
 * subresources that do not pass the admission chain.
 */
export class NodeRestriction {
  constructor(private readonly lookup: NodeRestrictionLookup) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    const { isNode, name: node } = nodeIdentity(a.user);
    if (!isNode) return;
    if (node === '') throw refuse(a, `could not determine node from user ${q(a.user!.username)}`);
    const group = a.def.group;
    const plural = a.def.plural;
    if (group === '' && plural === 'pods') {
      switch (a.subresource ?? '') {
        case '':
          return this.admitPod(node, a);
        case 'status':
          return admitPodStatus(node, a);
        case 'eviction':
          return this.evict(node, { resource: 'pods', name: a.name }, a.namespace ?? '', a.name);
        default:
          throw refuse(a, `unexpected pod subresource ${q(a.subresource!)}, only 'status' and 'eviction' are allowed`);
      }
    }
    if (group === '' && plural === 'nodes') return admitNode(node, a);
    if (group === '' && plural === 'persistentvolumeclaims') {
      if (a.subresource !== 'status') throw refuse(a, 'may only update PVC status');
      return admitClaimStatus(node, a);
    }
    if (group === 'coordination.k8s.io' && plural === 'leases') return admitLease(node, a);
    if (group === 'storage.k8s.io' && plural === 'csinodes') {
      if ((a.operation === 'CREATE' ? a.obj.metadata.name : a.name) !== node) throw refuse(a, 'can only access CSINode with the same name as the requesting node');
    }
  }

  /** `POST pods/<name>/eviction` by `user`: a node may evict only pods bound to it. */
  async admitEviction(user: UserInfo, namespace: string, podName: string): Promise<void> {
    const { isNode, name: node } = nodeIdentity(user);
    if (!isNode) return;
    const a = { resource: 'pods', name: podName };
    if (node === '') throw refuseFor(a, `could not determine node from user ${q(user.username)}`);
    await this.evict(node, a, namespace, podName);
  }

  /**
   * `POST serviceaccounts/<name>/token` by `user`: a node's tokens must be bound to a pod (by name and
   * uid) that runs on it.
   */
  async admitTokenRequest(user: UserInfo, namespace: string, serviceAccount: string, body: unknown): Promise<void> {
    const { isNode, name: node } = nodeIdentity(user);
    if (!isNode) return;
    const a = { resource: 'serviceaccounts', name: serviceAccount };
    if (node === '') throw refuseFor(a, `could not determine node from user ${q(user.username)}`);
    const ref = asObj(asObj(asObj(body).spec).boundObjectRef);
    if (ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || typeof ref.name !== 'string' || ref.name === '') throw refuseFor(a, 'node requested token not bound to a pod');
    if (typeof ref.uid !== 'string' || ref.uid === '') throw refuseFor(a, 'node requested token with a pod binding without a uid');
    const pod = await this.lookup('pods', namespace, ref.name);
    if (!pod) throw podNotFound(ref.name);
    if (ref.uid !== pod.metadata.uid) {
      throw refuseFor(a, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    if (nodeNameOf(pod) !== node) throw refuseFor(a, 'node requested token bound to a pod scheduled on a different node');
  }

  private async evict(node: string, a: Refusable, namespace: string, podName: string): Promise<void> {
    if (!podName) throw refuseFor(a, 'could not determine pod from request data');
    const pod = await this.lookup('pods', namespace, podName);
    if (!pod) throw podNotFound(podName);
    // Upstream prints this one name unquoted.
    if (nodeNameOf(pod) !== node) throw refuseFor(a, `node ${node} can only evict pods with spec.nodeName set to itself`);
  }

  private async admitPod(node: string, a: AdmissionAttributes): Promise<void> {
    if (a.operation === 'DELETE') {
      if (nodeNameOf(a.obj) !== node) throw refuse(a, `node ${q(node)} can only delete pods with spec.nodeName set to itself`);
      return;
    }
    if (a.operation !== 'CREATE') throw refuse(a, `unexpected operation ${q(a.operation)}, node ${q(node)} can only create and delete mirror pods`);
    const pod = a.obj;
    if (!(MIRROR_POD_ANNOTATION in (pod.metadata.annotations ?? {}))) {
      throw refuse(a, `pod does not have ${q(MIRROR_POD_ANNOTATION)} annotation, node ${q(node)} can only create mirror pods`);
    }
    if (nodeNameOf(pod) !== node) throw refuse(a, `node ${q(node)} can only create pods with spec.nodeName set to itself`);
    const owners = pod.metadata.ownerReferences ?? [];
    if (owners.length > 1) throw refuse(a, `node ${q(node)} can only create pods with a single owner reference set to itself`);
    if (owners.length === 0) throw refuse(a, `node ${q(node)} can only create pods with an owner reference set to itself`);
    const owner = owners[0];
    if (owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) throw refuse(a, `node ${q(node)} can only create pods with an owner reference set to itself`);
    if (owner.controller !== true) throw refuse(a, `node ${q(node)} can only create pods with a controller owner reference set to itself`);
    if (owner.blockOwnerDeletion === true) throw refuse(a, `node ${q(node)} must not set blockOwnerDeletion on an owner reference`);
    const nodeObj = await this.lookup('nodes', undefined, node);
    if (!nodeObj) throw notFound({ group: '', resource: 'nodes' }, node);
    if (owner.uid !== nodeObj.metadata.uid) throw refuse(a, `node ${node} UID mismatch: expected ${owner.uid} got ${nodeObj.metadata.uid ?? ''}`);
    const spec = asObj(pod.spec);
    if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') throw refuse(a, `node ${q(node)} can not create pods that reference a service account`);
    const refs = podObjectReferences(pod);
    if (refs.secrets) throw refuse(a, `node ${q(node)} can not create pods that reference secrets`);
    if (refs.configMaps) throw refuse(a, `node ${q(node)} can not create pods that reference configmaps`);
    if (refs.clusterTrustBundles) throw refuse(a, `node ${q(node)} can not create pods that reference clustertrustbundles`);
    if (refs.claims) throw refuse(a, `node ${q(node)} can not create pods that reference persistentvolumeclaims`);
  }
}

function admitPodStatus(node: string, a: AdmissionAttributes): void {
  if (a.operation !== 'UPDATE' || !a.old) throw refuse(a, `unexpected operation ${q(a.operation)}`);
  if (nodeNameOf(a.old) !== node) throw refuse(a, `node ${q(node)} can only update pod status for pods with spec.nodeName set to itself`);
  if (!sameJson(a.old.metadata.labels ?? {}, a.obj.metadata.labels ?? {})) throw refuse(a, `node ${q(node)} cannot update labels through pod status`);
  const claimStatuses = (o: KubeObject) => (asObj(o.status).resourceClaimStatuses as unknown[] | undefined) ?? [];
  if (!sameJson(claimStatuses(a.old), claimStatuses(a.obj))) throw refuse(a, `node ${q(node)} cannot update resource claim statues`);
}

function admitNode(node: string, a: AdmissionAttributes): void {
  const requested = a.operation === 'CREATE' ? (a.obj.metadata.name ?? '') : a.name;
  if (requested !== node) throw refuse(a, `node ${q(node)} is not allowed to modify node ${q(requested)}`);
  if (a.operation === 'CREATE') {
    if (asObj(a.obj.spec).configSource != null) throw refuse(a, `node ${q(node)} is not allowed to create pods with a non-nil configSource`);
    const bad = forbiddenLabels(modifiedLabels(a.obj.metadata.labels, undefined));
    if (bad.length > 0) throw refuse(a, `node ${q(node)} is not allowed to set the following labels: ${bad.join(', ')}`);
    return;
  }
  // Wharf's status writes keep the stored spec and metadata, so only writes of the Node itself can change
  // its configSource, taints or labels (upstream's status strategy resets the spec before this check).
  if (a.operation !== 'UPDATE' || !a.old || a.subresource === 'status') return;
  const spec = asObj(a.obj.spec);
  const oldSpec = asObj(a.old.spec);
  if (spec.configSource != null && !sameJson(spec.configSource, oldSpec.configSource)) {
    throw refuse(a, `node ${q(node)} is not allowed to update configSource to a new non-nil configSource`);
  }
  if (!sameJson(spec.taints ?? [], oldSpec.taints ?? [])) throw refuse(a, `node ${q(node)} is not allowed to modify taints`);
  const bad = forbiddenLabels(modifiedLabels(a.obj.metadata.labels, a.old.metadata.labels));
  // Upstream's message for updates names no node.
  if (bad.length > 0) throw refuse(a, `is not allowed to modify labels: ${bad.join(', ')}`);
}

function admitClaimStatus(node: string, a: AdmissionAttributes): void {
  if (a.operation !== 'UPDATE' || !a.old) throw refuse(a, `unexpected operation ${q(a.operation)}`);
  // Wharf keeps the stored spec and metadata on status writes; what else the status may change is checked here.
  const rest = (o: KubeObject) => {
    const { capacity: _c, conditions: _k, allocatedResources: _r, allocatedResourceStatuses: _s, ...other } = asObj(o.status);
    return other;
  };
  const before = rest(a.old);
  const after = rest(a.obj);
  if (!sameJson(before, after)) {
    throw refuse(a, `node ${q(node)} is not allowed to update fields other than status.capacity and status.conditions: status ${JSON.stringify(before)} != ${JSON.stringify(after)}`);
  }
}

function admitLease(node: string, a: AdmissionAttributes): void {
  if (a.namespace !== NODE_LEASE_NAMESPACE) throw refuse(a, `can only access leases in the ${q(NODE_LEASE_NAMESPACE)} system namespace`);
  const name = a.operation === 'CREATE' ? a.obj.metadata.name : a.name;
  if (name !== node) throw refuse(a, 'can only access node lease with the same name as the requesting node');
}

/** Label keys added, removed or changed. */
function modifiedLabels(next: Record<string, string> | undefined, prev: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  const a = next ?? {};
  const b = prev ?? {};
  for (const [k, v] of Object.entries(a)) if (b[k] !== v) out.add(k);
  for (const k of Object.keys(b)) if (!(k in a)) out.add(k);
  return out;
}

function labelNamespace(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

const inNamespace = (ns: string, domain: string): boolean => ns === domain || ns.endsWith(`.${domain}`);

/** The modified labels a node may not set: node-restriction ones, and kubernetes.io / k8s.io ones kubelets do not own. Sorted. */
export function forbiddenLabels(modified: Iterable<string>): string[] {
  const out: string[] = [];
  for (const key of modified) {
    const ns = labelNamespace(key);
    const restricted = inNamespace(ns, NODE_RESTRICTION_LABEL_NAMESPACE);
    const kubernetes = inNamespace(ns, 'kubernetes.io') || inNamespace(ns, 'k8s.io');
    const kubelet = kubeletLabels.has(key) || kubeletLabelNamespaces.some((allowed) => inNamespace(ns, allowed));
    if (restricted || (kubernetes && !kubelet)) out.push(key);
  }
  return out.sort();
}

/** Which kinds of object a pod names, for mirror pods (which may name none). */
function podObjectReferences(pod: KubeObject): { secrets: boolean; configMaps: boolean; claims: boolean; clusterTrustBundles: boolean } {
  const spec = asObj(pod.spec);
  let secrets = Array.isArray(spec.imagePullSecrets) && spec.imagePullSecrets.some((r) => asObj(r).name);
  let configMaps = false;
  let claims = false;
  let clusterTrustBundles = false;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of (spec[list] as unknown[] | undefined) ?? []) {
      for (const e of (asObj(c).envFrom as unknown[] | undefined) ?? []) {
        if (asObj(e).secretRef) secrets = true;
        if (asObj(e).configMapRef) configMaps = true;
      }
      for (const e of (asObj(c).env as unknown[] | undefined) ?? []) {
        const from = asObj(asObj(e).valueFrom);
        if (from.secretKeyRef) secrets = true;
        if (from.configMapKeyRef) configMaps = true;
      }
    }
  }
  for (const v of (spec.volumes as unknown[] | undefined) ?? []) {
    const vol = asObj(v);
    if (vol.secret || vol.azureFile || asObj(vol.csi).nodePublishSecretRef) secrets = true;
    for (const k of ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos']) if (asObj(vol[k]).secretRef) secrets = true;
    if (vol.configMap) configMaps = true;
    for (const s of (asObj(vol.projected).sources as unknown[] | undefined) ?? []) {
      if (asObj(s).secret) secrets = true;
      if (asObj(s).configMap) configMaps = true;
      if (asObj(s).clusterTrustBundle) clusterTrustBundles = true;
    }
    if (vol.persistentVolumeClaim) claims = true;
  }
  return { secrets, configMaps, claims, clusterTrustBundles };
}

const nodeNameOf = (pod: KubeObject): string => (asObj(pod.spec).nodeName as string | undefined) ?? '';

/** Deep equality of JSON values with object keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) return false;
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as Obj, k) && sameJson((a as Obj)[k], (b as Obj)[k]));
}

interface Refusable {
  resource: string;
  group?: string;
  name: string;
}

/** admission.NewForbidden: `<resource> "<name>" is forbidden: <reason>`, naming the resource without its subresource. */
function refuse(a: AdmissionAttributes, reason: string): StatusError {
  return refuseFor({ resource: a.def.plural, group: a.def.group, name: a.operation === 'CREATE' ? (a.obj.metadata.name ?? '') : a.name }, reason);
}

function refuseFor(a: Refusable, reason: string): StatusError {
  return forbidden({ group: a.group ?? '', resource: a.resource }, a.name, reason);
}

function podNotFound(name: string): StatusError {
  return notFound({ group: '', resource: 'pods' }, name);
}
