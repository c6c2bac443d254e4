import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { isAlreadyExists, isNotFound } from '../api/index.js';
import type { ApiClient, ResourceDescriptor } from '../client/index.js';
import { asObject } from './claim-helpers.js';

/**
 * Creates the class unless one of that name exists. An existing class is left as it is: an
 * administrator may have changed it (made another class the default, say).
 */
export async function ensureStorageClass(client: ApiClient, classes: ResourceDescriptor, cls: StorageClass): Promise<boolean> {
  try {
    await client.get(classes, cls.metadata?.name ?? '');
    return false;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    await client.create(classes, asObject(cls));
    return true;
  } catch (e) {
    if (isAlreadyExists(e)) return false;
    throw e;
  }
}
