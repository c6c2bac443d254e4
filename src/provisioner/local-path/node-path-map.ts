import path from 'node:path';

/** The ConfigMap (in kube-system) that overrides where each node keeps local volumes. */
export const CONFIG_MAP_NAME = 'local-path-config';
export const CONFIG_MAP_NAMESPACE = 'kube-system';
/** Its key, and the entry that applies to nodes the map does not list. */
export const CONFIG_KEY = 'config.json';
export const DEFAULT_NODE_ENTRY = 'DEFAULT_PATH_FOR_NON_LISTED_NODES';

interface NodePathEntry {
  node: string;
  paths: string[];
}

/** Where a node keeps its volumes, or why it takes none. */
export type NodeDirectory = { dir: string } | { refused: string };

/**
 * The per-node directory map. Without a ConfigMap every node keeps volumes under
 * `<data dir>/volumes/<node>`. The ConfigMap's `config.json` is
 * `{"nodePathMap":[{"node":"<name>","paths":["/mnt/disk"]}, ...]}`: a listed node uses its first path
 * as is; a listed node with no paths refuses volumes; the `DEFAULT_PATH_FOR_NON_LISTED_NODES` entry gives
 * the base for every other node, which gets its own `<base>/<node>` below it because simulated nodes
 * share one machine's disk.
 */
export class NodePathMap {
  private constructor(
    private readonly defaultBase: string | undefined,
    private readonly entries: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** The map for a ConfigMap's data (or none); throws `SyntaxError`/`TypeError` for a malformed one. */
  static parse(dataDir: string, data: Record<string, string> | undefined): NodePathMap {
    const fallback = path.join(dataDir, 'volumes');
    const raw = data?.[CONFIG_KEY];
    if (raw === undefined) return new NodePathMap(fallback, new Map());
    const parsed = JSON.parse(raw) as { nodePathMap?: unknown };
    if (!Array.isArray(parsed.nodePathMap)) throw new TypeError(`${CONFIG_KEY} needs a "nodePathMap" list`);
    const entries = new Map<string, string[]>();
    let defaultBase: string | undefined = fallback;
    for (const e of parsed.nodePathMap as NodePathEntry[]) {
      if (typeof e?.node !== 'string' || !Array.isArray(e.paths) || e.paths.some((p) => typeof p !== 'string' || !path.isAbsolute(p))) {
        throw new TypeError(`${CONFIG_KEY}: each nodePathMap entry needs a "node" and absolute "paths"`);
      }
      if (e.node === DEFAULT_NODE_ENTRY) defaultBase = e.paths[0];
      else entries.set(e.node, e.paths);
    }
    return new NodePathMap(defaultBase, entries);
  }

  /** The directory that holds the node's volume directories. */
  directoryFor(node: string): NodeDirectory {
    const listed = this.entries.get(node);
    if (listed) return listed.length > 0 ? { dir: listed[0] } : { refused: `node "${node}" takes no local volumes (${CONFIG_MAP_NAMESPACE}/${CONFIG_MAP_NAME})` };
    if (!this.defaultBase) return { refused: `node "${node}" is not listed in ${CONFIG_MAP_NAMESPACE}/${CONFIG_MAP_NAME} and there is no default path` };
    return { dir: path.join(this.defaultBase, node) };
  }
}
