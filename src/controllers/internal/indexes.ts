import type { KubeObject } from '../../api/index.js';
import { objectKey, type IndexFunc, type Informer } from '../../client/index.js';
import { controllerRefOf } from './controller-ref.js';

/**
 * Adds an index to a shared informer unless one of that name is there already: several controllers
 * ask for the same index (pods by owner) on the one informer they share.
 */
export function ensureIndex<T extends KubeObject>(informer: Informer<T>, name: string, fn: IndexFunc<T>): void {
  try {
    informer.addIndexers({ [name]: fn });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
}

/** Owner UIDs of an object, under which the garbage collector and workload controllers find dependents. */
export const ownerUidIndex = 'wharf.io/owner-uid';
export const byOwnerUid: IndexFunc = (obj) => (obj.metadata.ownerReferences ?? []).map((r) => r.uid);

/** The UID of an object, to find an owner by reference. */
export const uidIndex = 'wharf.io/uid';
export const byUid: IndexFunc = (obj) => (obj.metadata.uid ? [obj.metadata.uid] : []);

/** Objects without a controller, by namespace: the orphans a workload controller may adopt. */
export const orphanIndex = 'wharf.io/orphan-namespace';
export const byOrphanNamespace: IndexFunc = (obj) => (controllerRefOf(obj) ? [] : [obj.metadata.namespace ?? '']);

/**
 * What an owner may claim (see `claimObjects`): the objects naming it among their owners and the orphans of
 * its namespace, from the two indexes above, instead of every object of the namespace.
 */
export function claimCandidates<T extends KubeObject>(informer: Informer<T>, owner: KubeObject): T[] {
  const byKey = new Map<string, T>();
  for (const o of informer.store.byIndex(ownerUidIndex, owner.metadata.uid ?? '')) byKey.set(objectKey(o), o);
  for (const o of informer.store.byIndex(orphanIndex, owner.metadata.namespace ?? '')) byKey.set(objectKey(o), o);
  return [...byKey.values()];
}
