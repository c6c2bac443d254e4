import type { Namespace, PersistentVolume, PersistentVolumeClaim, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';

/** The kinds besides pods and nodes whose objects plugins read. */
export interface ClusterObjectKinds {
  Namespace: Namespace;
  Service: Service;
  ReplicaSet: ReplicaSet;
  StatefulSet: StatefulSet;
  ReplicationController: ReplicationController;
  PersistentVolumeClaim: PersistentVolumeClaim;
  PersistentVolume: PersistentVolume;
  StorageClass: StorageClass;
  PodDisruptionBudget: PodDisruptionBudget;
}

export type ClusterObjectKind = keyof ClusterObjectKinds;

export const clusterObjectKinds: readonly ClusterObjectKind[] = [
  'Namespace',
  'Service',
  'ReplicaSet',
  'StatefulSet',
  'ReplicationController',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'PodDisruptionBudget',
];

const clusterScoped = new Set<ClusterObjectKind>(['Namespace', 'PersistentVolume', 'StorageClass']);

/** Listers over the objects the API wiring feeds in: by kind, then `namespace/name` (or name). */
export class ClusterObjects {
  private readonly stores = new Map<ClusterObjectKind, Map<string, unknown>>();
  private readonly byNamespace = new Map<ClusterObjectKind, Map<string, Map<string, unknown>>>();

  static keyOf(kind: ClusterObjectKind, obj: { metadata?: { name?: string; namespace?: string } }): string {
    const name = obj.metadata?.name ?? '';
    return clusterScoped.has(kind) ? name : `${obj.metadata?.namespace ?? 'default'}/${name}`;
  }

  set<K extends ClusterObjectKind>(kind: K, obj: ClusterObjectKinds[K]): void {
    const key = ClusterObjects.keyOf(kind, obj);
    this.store(kind).set(key, obj);
    if (!clusterScoped.has(kind)) this.nsStore(kind, obj.metadata?.namespace ?? 'default').set(key, obj);
  }

  delete<K extends ClusterObjectKind>(kind: K, obj: ClusterObjectKinds[K]): void {
    const key = ClusterObjects.keyOf(kind, obj);
    this.store(kind).delete(key);
    if (!clusterScoped.has(kind)) this.byNamespace.get(kind)?.get(obj.metadata?.namespace ?? 'default')?.delete(key);
  }

  /** One object by name (and namespace for namespaced kinds). */
  get<K extends ClusterObjectKind>(kind: K, name: string, namespace?: string): ClusterObjectKinds[K] | undefined {
    const key = clusterScoped.has(kind) ? name : `${namespace ?? 'default'}/${name}`;
    return this.stores.get(kind)?.get(key) as ClusterObjectKinds[K] | undefined;
  }

  list<K extends ClusterObjectKind>(kind: K, namespace?: string): Iterable<ClusterObjectKinds[K]> {
    const m = namespace === undefined || clusterScoped.has(kind) ? this.stores.get(kind) : this.byNamespace.get(kind)?.get(namespace);
    return (m?.values() ?? []) as Iterable<ClusterObjectKinds[K]>;
  }

  /** A namespace's labels; undefined when the namespace is unknown. */
  namespaceLabels(name: string): Readonly<Record<string, string>> | undefined {
    return this.get('Namespace', name)?.metadata?.labels ?? (this.get('Namespace', name) ? {} : undefined);
  }

  private store(kind: ClusterObjectKind): Map<string, unknown> {
    let m = this.stores.get(kind);
    if (!m) this.stores.set(kind, (m = new Map()));
    return m;
  }

  private nsStore(kind: ClusterObjectKind, ns: string): Map<string, unknown> {
    let byNs = this.byNamespace.get(kind);
    if (!byNs) this.byNamespace.set(kind, (byNs = new Map()));
    let m = byNs.get(ns);
    if (!m) byNs.set(ns, (m = new Map()));
    return m;
  }
}
