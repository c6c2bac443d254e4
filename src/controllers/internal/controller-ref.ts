import { isNotFound, isInvalid, type KubeObject, type LabelSelector } from '../../api/index.js';
import type { ApiClient, ResourceDescriptor } from '../../client/index.js';

export type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/** The owner reference with `controller: true`, if any. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** A controller reference to `owner` that blocks the owner's foreground deletion, as workload controllers set. */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Writes an object's ownerReferences with a merge patch that only applies to the version we read. */
export async function patchOwnerReferences(client: ApiClient, r: ResourceDescriptor, obj: KubeObject, refs: OwnerReference[]): Promise<KubeObject> {
  return client.patch(r, obj.metadata.name!, { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid } }, {
    type: 'merge',
    namespace: obj.metadata.namespace,
  });
}

export interface ClaimOptions {
  client: ApiClient;
  /** The resource of the objects being claimed (pods, replicasets). */
  resource: ResourceDescriptor;
  owner: KubeObject;
  selector: LabelSelector;
  /**
   * Re-reads the owner from the API before adopting, so a deleted-and-recreated owner of the same name
   * does not adopt what belonged to its predecessor. Resolves false when adoption must not happen.
   */
  canAdopt: () => Promise<boolean>;
}

/**
 * Sorts candidate objects into those the owner controls, adopting orphans that match its selector and
 * releasing owned objects that stopped matching, as Kubernetes' ControllerRefManager does. Objects
 * owned by another controller are left alone. Returns the objects the owner now controls.
 */
export async function claimObjects<T extends KubeObject>(candidates: readonly T[], opts: ClaimOptions): Promise<T[]> {
  const { owner, selector, client, resource } = opts;
  const ownerUid = owner.metadata.uid;
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  const errors: unknown[] = [];
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches || ownerDeleting) {
        // An owner being deleted keeps what it has: releasing now would only race the garbage collector.
        if (matches) claimed.push(obj);
        continue;
      }
      try {
        const rest = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
        await patchOwnerReferences(client, resource, obj, rest);
      } catch (e) {
        // Gone, or being deleted and refusing changes: either way it is no longer ours to release.
        if (!isNotFound(e) && !isInvalid(e)) errors.push(e);
      }
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) continue;
    adoptable ??= await opts.canAdopt();
    if (!adoptable) continue;
    try {
      const refs = [...(obj.metadata.ownerReferences ?? []), newControllerRef(owner)];
      const adopted = (await patchOwnerReferences(client, resource, obj, refs)) as T;
      claimed.push(adopted);
    } catch (e) {
      // Gone already: nothing to adopt. Anything else (a conflict too) retries the whole claim.
      if (!isNotFound(e)) errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
  return claimed;
}

/** The canAdopt check: the owner, read from the API, is still the same object and not being deleted. */
export function ownerStillCurrent(client: ApiClient, r: ResourceDescriptor, owner: KubeObject): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get(r, owner.metadata.name!, { namespace: owner.metadata.namespace });
      if (fresh.metadata.uid !== owner.metadata.uid) {
        throw new Error(`original ${owner.kind} ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
      }
      if (fresh.metadata.deletionTimestamp) {
        throw new Error(`${owner.kind} ${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      }
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  };
}
