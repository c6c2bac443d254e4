import type { AdmissionAttributes } from './types.js';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** How long a pod stays on a node that went not-ready or unreachable before taint eviction, unless it says. */
export const defaultTolerationSeconds = 300;

const taintKeys = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/**
 * DefaultTolerationSeconds, as kube-apiserver's admission plugin: every new pod tolerates the not-ready
 * and unreachable NoExecute taints for five minutes unless it already tolerates them, so a node's brief
 * absence does not evict everything on it at once.
 */
export function admitDefaultTolerations(a: AdmissionAttributes): void {
  if (a.operation !== 'CREATE' || a.subresource || a.def.group !== '' || a.def.plural !== 'pods') return;
  const spec = a.obj.spec as { tolerations?: Toleration[] } | undefined;
  if (!spec || typeof spec !== 'object') return;
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const tolerates = (key: string) =>
    tolerations.some(
      (t) => t && (t.effect === 'NoExecute' || t.effect === undefined || t.effect === '') && (t.key === key || ((t.key === undefined || t.key === '') && t.operator === 'Exists')),
    );
  const added = taintKeys
    .filter((key) => !tolerates(key))
    .map((key): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultTolerationSeconds }));
  if (added.length > 0) spec.tolerations = [...tolerations, ...added];
}
