import type { ApiClient, ResourceDescriptor } from '../../client/index.js';

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}

interface ApiResourceList {
  groupVersion: string;
  resources: ApiResource[];
}

interface ApiGroupList {
  groups: { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion?: { groupVersion: string; version: string } }[];
}

/** A served resource as discovery describes it: its descriptor and verbs. */
export interface DiscoveredResource extends ResourceDescriptor {
  kind: string;
  verbs: string[];
}

/**
 * Maps kinds to resources and lists what the server serves, through discovery (`/api`, `/apis`), so
 * custom resources are covered too. Group versions are cached; `refresh()` forgets them.
 */
export class ResourceMapper {
  private readonly byGroupVersion = new Map<string, Promise<DiscoveredResource[]>>();

  constructor(private readonly client: ApiClient) {}

  refresh(): void {
    this.byGroupVersion.clear();
  }

  /** The resources of one group version (`v1`, `apps/v1`); empty when the server does not serve it. */
  groupVersion(groupVersion: string): Promise<DiscoveredResource[]> {
    let p = this.byGroupVersion.get(groupVersion);
    if (!p) {
      p = this.load(groupVersion);
      this.byGroupVersion.set(groupVersion, p);
      p.catch(() => this.byGroupVersion.delete(groupVersion));
    }
    return p;
  }

  /** The resource serving `kind` in `apiVersion`, or undefined when there is none. */
  async forKind(apiVersion: string, kind: string): Promise<DiscoveredResource | undefined> {
    const list = await this.groupVersion(apiVersion);
    return list.find((r) => r.kind === kind);
  }

  /** Every resource of the preferred version of every group, as ServerPreferredResources. */
  async preferredResources(): Promise<DiscoveredResource[]> {
    const groups = await this.client.request<ApiGroupList>('GET', '/apis');
    const gvs = ['v1'];
    for (const g of groups.groups ?? []) {
      const gv = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
      if (gv) gvs.push(gv);
    }
    const lists = await Promise.all(gvs.map((gv) => this.load(gv)));
    return lists.flat();
  }

  private async load(groupVersion: string): Promise<DiscoveredResource[]> {
    const slash = groupVersion.indexOf('/');
    const group = slash < 0 ? '' : groupVersion.slice(0, slash);
    const version = slash < 0 ? groupVersion : groupVersion.slice(slash + 1);
    let list: ApiResourceList;
    try {
      list = await this.client.request<ApiResourceList>('GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
    } catch (e) {
      if ((e as { code?: number }).code === 404) return [];
      throw e;
    }
    return (list.resources ?? [])
      .filter((r) => !r.name.includes('/'))
      .map((r) => ({ group, version, plural: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [] }));
  }
}
