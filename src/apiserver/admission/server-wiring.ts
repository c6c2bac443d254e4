import type { KubeObject, ResourceDefinition, ResourceRegistry } from '../../api/index.js';
import type { ResourceStore } from '../resource-store.js';
import type { ObjectLister, QuotaStatusWriter } from './types.js';

/** What the composition needs from the server to wire admission: its registry and its stores. */
export interface AdmissionHost {
  readonly registry: ResourceRegistry;
  storeFor(def: ResourceDefinition): ResourceStore;
}

function definition(registry: ResourceRegistry, group: string, plural: string): ResourceDefinition | undefined {
  return registry.all().find((d) => d.group === group && d.plural === plural);
}

/**
 * A lister over the server's watch caches: it waits for the cache to hold every acknowledged write, then
 * lists from memory. Unknown resources list as empty.
 */
export function cacheLister(host: AdmissionHost): ObjectLister {
  return async (group, plural, namespace) => {
    const def = definition(host.registry, group, plural);
    if (!def) return [];
    const store = host.storeFor(def);
    await store.cache.sync();
    return store.cache.list(store.listPrefix(namespace)).map((c) => c.obj);
  };
}

/** Writes a quota's status through the status subresource, retrying on conflicts; a deleted quota is skipped. */
export function quotaStatusWriter(host: AdmissionHost): QuotaStatusWriter {
  return async (namespace, name, status) => {
    const def = definition(host.registry, '', 'resourcequotas');
    if (!def) return;
    const store = host.storeFor(def);
    if (!(await store.find(namespace, name))) return;
    await store.guaranteedUpdate(namespace, name, 'status', (current: KubeObject) => ({ ...current, status }));
  };
}

/** The options an ApiServer passes to `new Admission(...)`: `{ ...admissionWiring(this) }`. */
export function admissionWiring(host: AdmissionHost): { list: ObjectLister; updateQuotaStatus: QuotaStatusWriter } {
  return { list: cacheLister(host), updateQuotaStatus: quotaStatusWriter(host) };
}
