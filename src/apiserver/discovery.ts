import { createHash } from 'node:crypto';
import { allVerbs, apiVersionOf, type ResourceDefinition, type ResourceRegistry } from '../api/index.js';

interface SubresourceInfo {
  name: string;
  verbs: string[];
  kind: string;
  group?: string;
  version?: string;
}

/** The subresources of a definition, with the verbs and kinds discovery reports for each. */
export function subresourcesOf(d: ResourceDefinition): SubresourceInfo[] {
  const s = d.subresources;
  const out: SubresourceInfo[] = [];
  if (s.status) out.push({ name: 'status', verbs: ['get', 'patch', 'update'], kind: d.kind });
  if (s.scale) out.push({ name: 'scale', verbs: ['get', 'patch', 'update'], kind: 'Scale', group: 'autoscaling', version: 'v1' });
  if (s.binding) out.push({ name: 'binding', verbs: ['create'], kind: 'Binding' });
  if (s.eviction) out.push({ name: 'eviction', verbs: ['create'], kind: 'Eviction', group: 'policy', version: 'v1' });
  if (s.log) out.push({ name: 'log', verbs: ['get'], kind: 'Pod' });
  if (s.finalize) out.push({ name: 'finalize', verbs: ['update'], kind: d.kind });
  if (s.token) out.push({ name: 'token', verbs: ['create'], kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1' });
  for (const c of s.connect ?? []) {
    const verbs = c === 'proxy' ? ['create', 'delete', 'get', 'patch', 'update'] : ['create', 'get'];
    out.push({ name: c, verbs, kind: c === 'proxy' ? `${d.kind}ProxyOptions` : c === 'exec' ? 'PodExecOptions' : c === 'attach' ? 'PodAttachOptions' : 'PodPortForwardOptions' });
  }
  return out;
}

/** The verbs a resource takes: its own list, or all of them. */
export function verbsOf(d: ResourceDefinition): string[] {
  return d.verbs ?? allVerbs;
}

function storageVersionHash(d: ResourceDefinition): string {
  return createHash('sha256').update(`${d.group}/${d.version}/${d.kind}`).digest('base64').slice(0, 11);
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): object {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(registry: ResourceRegistry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().filter((g) => g.group !== '').map((g) => apiGroup(g.group, g.versions)),
  };
}

export function apiGroupInfo(registry: ResourceRegistry, group: string): object | undefined {
  const found = registry.groups().find((g) => g.group === group && group !== '');
  return found ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(found.group, found.versions) } : undefined;
}

/** The legacy `APIResourceList` for one group-version, or undefined when it is not served. */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const defs = registry.all().filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  const resources: object[] = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsOf(d),
      ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
      ...(d.categories.length > 0 ? { categories: d.categories } : {}),
      storageVersionHash: storageVersionHash(d),
    });
    for (const s of subresourcesOf(d)) {
      resources.push({
        name: `${d.plural}/${s.name}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/** Aggregated discovery (apidiscovery.k8s.io/v2): every group-version in one document. */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean): object {
  const items: object[] = [];
  for (const g of registry.groups()) {
    if ((g.group === '') !== legacy) continue;
    items.push({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: registry
          .all()
          .filter((d) => d.group === g.group && d.version === version)
          .map((d) => ({
            resource: d.plural,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: d.singular,
            verbs: verbsOf(d),
            ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
            ...(d.categories.length > 0 ? { categories: d.categories } : {}),
            ...(subresourcesOf(d).length > 0
              ? {
                  subresources: subresourcesOf(d).map((s) => ({
                    subresource: s.name,
                    responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind },
                    verbs: s.verbs,
                  })),
                }
              : {}),
          })),
        freshness: 'Current',
      })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** The media type a client asked for when it wants aggregated discovery, or undefined. */
export function wantsAggregated(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (p.includes('as=APIGroupDiscoveryList') && p.includes('g=apidiscovery.k8s.io')) {
      if (p.includes('v=v2beta1')) continue;
      return 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    }
  }
  return undefined;
}
