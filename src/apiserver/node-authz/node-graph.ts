import type { KubeObject } from '../../api/index.js';
import { persistentVolumeSecrets, podReferences, type PodReferences } from './pod-references.js';

/** The kinds of object a node may reach through the pods bound to it. */
export type GraphKind = 'pod' | 'secret' | 'configmap' | 'persistentvolumeclaim' | 'persistentvolume' | 'serviceaccount';

interface PodEntry {
  uid: string;
  node: string;
  namespace: string;
  refs: PodReferences;
}

interface VolumeEntry {
  /** `namespace/name` of the claim the volume is bound to, or empty. */
  claim: string;
  /** `namespace/name` of each Secret the volume names. */
  secrets: string[];
}

/** `namespace/name` -> node -> how many pods on that node name the object. */
type NodeCounts = Map<string, Map<string, number>>;

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

function increment(counts: NodeCounts, k: string, node: string): void {
  let byNode = counts.get(k);
  if (!byNode) counts.set(k, (byNode = new Map()));
  byNode.set(node, (byNode.get(node) ?? 0) + 1);
}

function decrement(counts: NodeCounts, k: string, node: string): void {
  const byNode = counts.get(k);
  const n = byNode?.get(node);
  if (!byNode || n === undefined) return;
  if (n > 1) byNode.set(node, n - 1);
  else {
    byNode.delete(node);
    if (byNode.size === 0) counts.delete(k);
  }
}

/**
 * What each node may reach, in the shape of Kubernetes' node authorizer graph (pod -> node; secret,
 * configmap, claim and serviceaccount -> pod; volume -> claim; secret -> volume), kept as indexes
 * updated on every pod and volume event so a decision is a few map lookups: for every object a bound pod
 * names, how many pods on each node name it. Pods not bound to a node are not in the graph.
 */
export class NodeGraph {
  private readonly pods = new Map<string, PodEntry>();
  private readonly secrets: NodeCounts = new Map();
  private readonly configMaps: NodeCounts = new Map();
  private readonly claims: NodeCounts = new Map();
  private readonly serviceAccounts: NodeCounts = new Map();
  private readonly volumes = new Map<string, VolumeEntry>();
  /** Secret `namespace/name` -> the volumes naming it. */
  private readonly volumesBySecret = new Map<string, Set<string>>();

  /** Adds or replaces a pod; its references are read again only when its node or uid changed (the spec's references are immutable). */
  setPod(pod: KubeObject): void {
    const namespace = pod.metadata.namespace ?? '';
    const k = key(namespace, pod.metadata.name ?? '');
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const uid = pod.metadata.uid ?? '';
    const current = this.pods.get(k);
    if (current && current.node === node && current.uid === uid) return;
    if (current) this.removePod(k, current);
    if (!node) return;
    const entry: PodEntry = { uid, node, namespace, refs: podReferences(pod) };
    this.pods.set(k, entry);
    this.count(entry, increment);
  }

  deletePod(namespace: string, name: string): void {
    const k = key(namespace, name);
    const current = this.pods.get(k);
    if (current) this.removePod(k, current);
  }

  private removePod(k: string, entry: PodEntry): void {
    this.pods.delete(k);
    this.count(entry, decrement);
  }

  private count(entry: PodEntry, op: typeof increment): void {
    const { namespace: ns, node, refs } = entry;
    for (const s of refs.secrets) op(this.secrets, key(ns, s), node);
    for (const c of refs.configMaps) op(this.configMaps, key(ns, c), node);
    for (const c of refs.claims) op(this.claims, key(ns, c), node);
    if (refs.serviceAccount) op(this.serviceAccounts, key(ns, refs.serviceAccount), node);
  }

  /** Forgets every pod (before the pods are loaded again). */
  clearPods(): void {
    this.pods.clear();
    this.secrets.clear();
    this.configMaps.clear();
    this.claims.clear();
    this.serviceAccounts.clear();
  }

  /** Forgets every PersistentVolume (before they are loaded again). */
  clearVolumes(): void {
    this.volumes.clear();
    this.volumesBySecret.clear();
  }

  /** Adds or replaces a PersistentVolume: the claim it is bound to and the Secrets it names. */
  setVolume(pv: KubeObject): void {
    const name = pv.metadata.name ?? '';
    this.deleteVolume(name);
    const ref = (pv.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
    const entry: VolumeEntry = { claim: ref?.name ? key(ref.namespace ?? '', ref.name) : '', secrets: persistentVolumeSecrets(pv) };
    this.volumes.set(name, entry);
    for (const s of entry.secrets) {
      let set = this.volumesBySecret.get(s);
      if (!set) this.volumesBySecret.set(s, (set = new Set()));
      set.add(name);
    }
  }

  deleteVolume(name: string): void {
    const entry = this.volumes.get(name);
    if (!entry) return;
    this.volumes.delete(name);
    for (const s of entry.secrets) {
      const set = this.volumesBySecret.get(s);
      set?.delete(name);
      if (set?.size === 0) this.volumesBySecret.delete(s);
    }
  }

  /** Whether `node` reaches the object: a pod bound to it names it, directly or through a claim's volume. */
  related(kind: GraphKind, namespace: string, name: string, node: string): boolean {
    const k = key(namespace, name);
    switch (kind) {
      case 'pod':
        return this.pods.get(k)?.node === node;
      case 'configmap':
        return this.configMaps.get(k)?.has(node) ?? false;
      case 'serviceaccount':
        return this.serviceAccounts.get(k)?.has(node) ?? false;
      case 'persistentvolumeclaim':
        return this.claims.get(k)?.has(node) ?? false;
      case 'persistentvolume': {
        const claim = this.volumes.get(name)?.claim;
        return claim ? (this.claims.get(claim)?.has(node) ?? false) : false;
      }
      case 'secret': {
        if (this.secrets.get(k)?.has(node)) return true;
        const volumes = this.volumesBySecret.get(k);
        if (!volumes) return false;
        for (const v of volumes) if (this.related('persistentvolume', '', v, node)) return true;
        return false;
      }
    }
  }

  /** How many bound pods the graph holds (for tests and metrics). */
  get podCount(): number {
    return this.pods.size;
  }
}
