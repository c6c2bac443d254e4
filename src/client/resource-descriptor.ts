import type { ResourceDefinition, ResourceRegistry } from '../api/index.js';

/**
 * What the client needs to address a resource over REST. `kind` is optional for hand-written
 * descriptors; controllers need it to match ownerReferences, and `describeResource` always fills it.
 */
export interface ResourceDescriptor {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  kind?: string;
}

/** The descriptor of a resource definition (`describeResource(registry.lookup('apps', 'v1', 'deployments')!)`). */
export function describeResource(def: Pick<ResourceDefinition, 'group' | 'version' | 'plural' | 'namespaced' | 'kind'>): ResourceDescriptor {
  return { group: def.group, version: def.version, plural: def.plural, namespaced: def.namespaced, kind: def.kind };
}

/**
 * Looks a resource up in a registry by URL parts, throwing `RangeError` when it is unknown so a typo
 * fails at start-up rather than as a 404 later.
 *
 * @example resourceFor(new ResourceRegistry(), 'apps', 'v1', 'deployments')
 */
export function resourceFor(registry: ResourceRegistry, group: string, version: string, plural: string): ResourceDescriptor {
  const def = registry.lookup(group, version, plural);
  if (!def) throw new RangeError(`unknown resource ${plural}${group ? `.${group}` : ''}/${version}`);
  return describeResource(def);
}

/** `v1` for the core group, `apps/v1` elsewhere, as objects spell apiVersion. */
export function apiVersionFor(r: ResourceDescriptor): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** A stable identity for a descriptor, used to share one informer per resource. */
export function resourceId(r: ResourceDescriptor): string {
  return `${r.group}/${r.version}/${r.plural}`;
}
