import { deepEqual, isConflict, isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, ResourceDescriptor } from '../../client/index.js';
import { taintsOf, type Taint } from './taints.js';
import { rfc3339 } from '../../api/rfc3339.js';

/**
 * Rewrites a node's taints with `change`, guarded by the node's resourceVersion so a concurrent cordon
 * or taint is never lost: on a conflict the node is read again and `change` re-applied (three tries).
 * Returns false when nothing had to change or the node is gone.
 */
export async function updateNodeTaints(client: ApiClient, nodes: ResourceDescriptor, node: KubeObject, change: (taints: Taint[]) => Taint[]): Promise<boolean> {
  let current = node;
  for (let attempt = 0; ; attempt++) {
    const before = taintsOf(current);
    const after = change(before.map((t) => ({ ...t })));
    if (deepEqual(before, after)) return false;
    try {
      await client.patch(nodes, current.metadata.name!, { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: { taints: after.length ? after : null } }, { type: 'merge' });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      if (!isConflict(e) || attempt >= 2) throw e;
      current = await client.get(nodes, current.metadata.name!);
    }
  }
}

/** A change that removes `remove` taints (by key and effect) and adds `add` (NoExecute ones stamped with timeAdded). */
export function swapTaints(add: readonly Taint[], remove: readonly Taint[], now = Date.now()): (taints: Taint[]) => Taint[] {
  return (taints) => {
    const out = taints.filter((t) => !remove.some((r) => r.key === t.key && r.effect === t.effect));
    for (const a of add) {
      if (out.some((t) => t.key === a.key && t.effect === a.effect)) continue;
      out.push(a.effect === 'NoExecute' ? { ...a, timeAdded: rfc3339(now) } : { ...a });
    }
    return out;
  };
}
