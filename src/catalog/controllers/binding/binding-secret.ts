import { isAlreadyExists, isNotFound, type KubeObject } from '../../../api/index.js';
import type { ServiceBindingSpec } from '../../../api/resources/servicecatalog/index.js';
import type { ApiClient } from '../../../client/index.js';
import type { CatalogResources } from '../internal/catalog-resources.js';
import { applySecretTransforms, credentialsToData, toSecretData, TransformError } from '../internal/secret-transforms.js';

export { TransformError };

function ownedBy(secret: KubeObject, binding: KubeObject): boolean {
  return secret.metadata.ownerReferences?.some((o) => o.uid === binding.metadata.uid) ?? false;
}

/** The servicebinding.io entries a workload reads to know what it is bound to. */
export interface BindingKind {
  /** `type`: what the service is (the class's external name unless the broker said). */
  type: string;
  /** `provider`: who offers it (the broker's name unless the broker said). */
  provider: string;
}

/**
 * Writes the binding's credentials, transformed, into its Secret, owned by the binding so it goes when the
 * binding goes. The Secret also follows the servicebinding.io layout: `type` and `provider` entries beside
 * the credentials, unless the broker's credentials carry their own (transforms may rename or drop them).
 * A Secret of that name that the binding does not own is left alone and reported.
 */
export async function writeBindingSecret(client: ApiClient, r: CatalogResources, binding: KubeObject, credentials: Record<string, unknown>, kind: BindingKind): Promise<void> {
  const spec = binding.spec as ServiceBindingSpec;
  const ns = binding.metadata.namespace!;
  const name = spec.secretName || binding.metadata.name!;
  const entries = credentialsToData(credentials);
  if (!entries.has('type')) entries.set('type', Buffer.from(kind.type, 'utf8'));
  if (!entries.has('provider')) entries.set('provider', Buffer.from(kind.provider, 'utf8'));
  const data = toSecretData(
    await applySecretTransforms(entries, spec.secretTransforms, credentials, async (_namespace, other) => {
      // Only Secrets of the binding's own namespace: a binding must not read other namespaces' Secrets.
      try {
        return ((await client.get(r.secrets, other, { namespace: ns })).data ?? {}) as Record<string, string>;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }),
  );
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: ns,
      ownerReferences: [{ apiVersion: binding.apiVersion, kind: binding.kind, name: binding.metadata.name!, uid: binding.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    type: 'Opaque',
    data,
  };
  try {
    await client.create(r.secrets, secret);
    return;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  const existing = await client.get(r.secrets, name, { namespace: ns });
  if (!ownedBy(existing, binding)) throw new TransformError(`The secret "${name}" already exists and does not belong to this binding`);
  await client.update(r.secrets, { ...existing, data });
}

/** Deletes the binding's Secret if the binding owns it. */
export async function deleteBindingSecret(client: ApiClient, r: CatalogResources, binding: KubeObject): Promise<void> {
  const spec = binding.spec as ServiceBindingSpec;
  const ns = binding.metadata.namespace!;
  const name = spec.secretName || binding.metadata.name!;
  try {
    const existing = await client.get(r.secrets, name, { namespace: ns });
    if (ownedBy(existing, binding)) await client.delete(r.secrets, name, { namespace: ns });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export async function bindingSecretExists(client: ApiClient, r: CatalogResources, binding: KubeObject): Promise<boolean> {
  const spec = binding.spec as ServiceBindingSpec;
  try {
    await client.get(r.secrets, spec.secretName || binding.metadata.name!, { namespace: binding.metadata.namespace });
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
