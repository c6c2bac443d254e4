import type { DaemonSetSpec } from 'kubernetes-types/apps/v1.js';
import type { PodSpec, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';
import { podFitsNodeAffinity, untoleratedTaints } from '../workload-internal/node-eligibility.js';
import { controllerRef } from '../workload-internal/owner-ref.js';

export const revisionLabel = 'controller-revision-hash';
export const templateGenerationLabel = 'pod-template-generation';

export function daemonSetSpec(ds: KubeObject): DaemonSetSpec {
  return (ds.spec ?? {}) as DaemonSetSpec;
}

/**
 * The tolerations every daemon pod gets, as upstream adds them: daemons keep running on nodes that are
 * not ready, unreachable, under resource pressure or cordoned (and, with host networking, without a
 * network).
 */
export function daemonTolerations(spec: PodSpec): Toleration[] {
  const added: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) added.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(spec.tolerations ?? [])];
  for (const t of added) {
    const same = (o: Toleration) => o.key === t.key && (o.operator ?? 'Equal') === t.operator && (o.value ?? '') === '' && o.effect === t.effect;
    if (!out.some(same)) out.push(t);
  }
  return out;
}

/** Whether the set wants a pod on the node, and whether a pod already there may stay. */
export function nodeShouldRun(ds: KubeObject, node: KubeObject): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = (daemonSetSpec(ds).template?.spec ?? { containers: [] }) as PodSpec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!podFitsNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  if (untoleratedTaints(node, tolerations, ['NoExecute']).length > 0) return { shouldRun: false, shouldContinueRunning: false };
  if (untoleratedTaints(node, tolerations, ['NoSchedule']).length > 0) return { shouldRun: false, shouldContinueRunning: true };
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The node a daemon pod is for: where it is bound, or the node its node affinity names. */
export function targetNode(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as PodSpec;
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/**
 * A daemon pod for one node. It is not bound: its required node affinity is replaced by a single
 * `metadata.name` field match, so the scheduler places it (honouring resources and preemption) as upstream.
 */
export function daemonPod(ds: KubeObject, nodeName: string, hash: string): KubeObject {
  const template = daemonSetSpec(ds).template ?? { spec: { containers: [] } };
  const spec = structuredClone(template.spec ?? { containers: [] }) as PodSpec & Record<string, unknown>;
  spec.tolerations = daemonTolerations(spec);
  const affinity = { ...(spec.affinity ?? {}) };
  affinity.nodeAffinity = {
    ...(affinity.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
  };
  spec.affinity = affinity;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [revisionLabel]: hash, [templateGenerationLabel]: String(ds.metadata.generation ?? 1) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(ds)],
    },
    spec,
  };
}

/** An int-or-percent against a total, rounding up as upstream does for both maxSurge and maxUnavailable. */
export function scaledValue(v: number | string | undefined, total: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  return Math.ceil((Number(m[1]) * total) / 100);
}
