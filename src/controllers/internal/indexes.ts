import type { KubeObject } from '../../api/index.js';
import type { IndexFunc, Informer } from '../../client/index.js';

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
