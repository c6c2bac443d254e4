import type { NodeTaint } from './node-object.js';

const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `k=v,k2=v2` (as `--node-labels`) into a label map; throws RangeError on a malformed item. */
export function parseNodeLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new RangeError(`Invalid node label "${item}": expected key=value`);
    labels[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return labels;
}

/** `k=v:Effect,k2:Effect` (as kubelet's `--register-with-taints`) into taints; throws RangeError on a malformed item. */
export function parseNodeTaints(text: string): NodeTaint[] {
  const taints: NodeTaint[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = item.lastIndexOf(':');
    const effect = colon < 0 ? '' : item.slice(colon + 1);
    if (!effects.includes(effect)) throw new RangeError(`Invalid node taint "${item}": expected key[=value]:Effect with Effect one of ${effects.join(', ')}`);
    const kv = item.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!key) throw new RangeError(`Invalid node taint "${item}": the key is empty`);
    const taint: NodeTaint = { key, effect: effect as NodeTaint['effect'] };
    if (eq >= 0) taint.value = kv.slice(eq + 1);
    taints.push(taint);
  }
  return taints;
}
