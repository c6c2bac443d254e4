import type { ResourceDefinition } from './resource.js';
import { builtinResources } from './resources/index.js';

/**
 * Every resource the API serves, looked up by URL (group, version, plural) or by kind. Built from the
 * built-in table; CustomResourceDefinitions add entries at run time.
 */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceDefinition>();
  private readonly byKind = new Map<string, ResourceDefinition>();
  private readonly ordered: ResourceDefinition[] = [];

  constructor(definitions: readonly ResourceDefinition[] = builtinResources) {
    for (const d of definitions) this.add(d);
  }

  add(d: ResourceDefinition): void {
    const path = pathKey(d.group, d.version, d.plural);
    if (this.byPath.has(path)) throw new TypeError(`resource ${path} is defined twice`);
    this.byPath.set(path, d);
    this.byKind.set(kindKey(d.group, d.version, d.kind), d);
    this.ordered.push(d);
  }

  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byPath.get(pathKey(group, version, plural));
  }

  lookupKind(group: string, version: string, kind: string): ResourceDefinition | undefined {
    return this.byKind.get(kindKey(group, version, kind));
  }

  all(): readonly ResourceDefinition[] {
    return this.ordered;
  }

  /** Group names in the order discovery lists them (core first, then as registered). */
  groups(): { group: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const d of this.ordered) {
      const versions = out.get(d.group) ?? [];
      if (!versions.includes(d.version)) versions.push(d.version);
      out.set(d.group, versions);
    }
    return [...out].map(([group, versions]) => ({ group, versions }));
  }
}

function pathKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

function kindKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}
