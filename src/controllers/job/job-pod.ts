import type { JobSpec } from 'kubernetes-types/batch/v1.js';
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';
import { controllerRef } from '../workload-internal/owner-ref.js';

export const trackingFinalizer = 'batch.kubernetes.io/job-tracking';
export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';

export function jobSpec(job: KubeObject): JobSpec {
  return (job.spec ?? {}) as JobSpec;
}

export function isIndexed(job: KubeObject): boolean {
  return jobSpec(job).completionMode === 'Indexed';
}

/** A pod's completion index from its annotation, or undefined when it has none or a bad one. */
export function completionIndex(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[completionIndexKey] ?? pod.metadata.labels?.[completionIndexKey];
  return v !== undefined && /^(0|[1-9]\d*)$/.test(v) ? Number(v) : undefined;
}

/**
 * A pod of the Job: tracked with the job-tracking finalizer so its outcome is counted before it can
 * disappear. Indexed pods carry their index as annotation, label, hostname `<job>-<index>` and the
 * JOB_COMPLETION_INDEX variable.
 */
export function jobPod(job: KubeObject, index?: number): KubeObject {
  const template = jobSpec(job).template;
  const name = job.metadata.name ?? '';
  const spec = structuredClone(template?.spec ?? { containers: [] }) as PodSpec & Record<string, unknown>;
  const labels = { ...(template?.metadata?.labels ?? {}) };
  const annotations = { ...(template?.metadata?.annotations ?? {}) };
  if (index !== undefined) {
    labels[completionIndexKey] = String(index);
    annotations[completionIndexKey] = String(index);
    if (!spec.hostname) spec.hostname = `${name}-${index}`;
    const withIndex = (c: Container): Container => ({
      ...c,
      env: [
        ...(c.env ?? []).filter((e) => e.name !== 'JOB_COMPLETION_INDEX'),
        { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexKey}']` } } },
      ],
    });
    spec.containers = (spec.containers ?? []).map(withIndex);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndex);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: index !== undefined ? `${name}-${index}-` : `${name}-`,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      finalizers: [trackingFinalizer],
      ownerReferences: [controllerRef(job)],
    },
    spec,
  };
}

/** Parses `status.completedIndexes` ("1,3-5") into a set; bad parts are skipped. */
export function parseIndexes(text: string | undefined, limit: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    for (let i = from; i <= to && i < limit; i++) out.add(i);
  }
  return out;
}

/** Formats indexes as Kubernetes does: ascending, runs of three or more as ranges ("1,3-5"), two as "1,2". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j === i) parts.push(String(sorted[i]));
    else if (j === i + 1) parts.push(String(sorted[i]), String(sorted[j]));
    else parts.push(`${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
