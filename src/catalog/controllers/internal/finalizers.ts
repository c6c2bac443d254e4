import type { KubeObject } from '../../../api/index.js';
import { catalogFinalizer } from '../../../api/resources/servicecatalog/index.js';
import type { ApiClient, ResourceDescriptor } from '../../../client/index.js';

export function hasFinalizer(obj: KubeObject): boolean {
  return obj.metadata.finalizers?.includes(catalogFinalizer) ?? false;
}

/** Adds the catalog finalizer (a full update, so a stale copy conflicts and retries). */
export async function addFinalizer(client: ApiClient, r: ResourceDescriptor, obj: KubeObject): Promise<KubeObject> {
  if (hasFinalizer(obj)) return obj;
  return client.update(r, { ...obj, metadata: { ...obj.metadata, finalizers: [...(obj.metadata.finalizers ?? []), catalogFinalizer] } });
}

export async function removeFinalizer(client: ApiClient, r: ResourceDescriptor, obj: KubeObject): Promise<void> {
  if (!hasFinalizer(obj)) return;
  await client.update(r, { ...obj, metadata: { ...obj.metadata, finalizers: obj.metadata.finalizers!.filter((f) => f !== catalogFinalizer) } });
}
