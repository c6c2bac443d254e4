import { deepEqual, isNotFound, type KubeObject } from '../../../api/index.js';
import type { ApiClient, ResourceDescriptor } from '../../../client/index.js';
import type { FreshObjects } from './fresh-objects.js';

/**
 * Writes `status` to the object's status subresource unless it is what the object already has, and
 * remembers the write so the next reconcile does not act on an older informer copy. Returns the object
 * as written (the same object when nothing changed), or undefined when it is gone.
 */
export async function writeObjectStatus(client: ApiClient, r: ResourceDescriptor, obj: KubeObject, status: object, written: FreshObjects): Promise<KubeObject | undefined> {
  const record = status as Record<string, unknown>;
  // A field set to undefined is a field removed: the comparison and the stored object must agree.
  for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
  if (deepEqual(obj.status ?? {}, record)) return obj;
  try {
    const updated = await client.updateStatus(r, { ...obj, status: record });
    written.remember(updated);
    return updated;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
