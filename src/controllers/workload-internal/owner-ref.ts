import type { KubeObject, ObjectMeta } from '../../api/index.js';

type OwnerReference = NonNullable<ObjectMeta['ownerReferences']>[number];

/** The ownerReference a controller puts on what it creates: controller and blockOwnerDeletion set. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The uid of the object's controlling owner, if any. */
export function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const uid = controllerUid(obj);
  return uid !== undefined && uid === owner.metadata.uid;
}
