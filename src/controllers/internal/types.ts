import type { KubeObject } from '../../api/index.js';
import type { PodSpec, PodStatus, PodTemplateSpec } from 'kubernetes-types/core/v1.js';

/** A Pod as controllers read it: typed spec and status over the generic object. */
export type Pod = KubeObject & { spec?: PodSpec; status?: PodStatus };

/** The pod template of a workload, with mutable labels. */
export type PodTemplate = Omit<PodTemplateSpec, 'metadata'> & {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
};

/** A metav1.LabelSelector as JSON. */
export interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** What ReplicaSets and ReplicationControllers share: replicas, a template, and replica counts. */
export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorJson | Record<string, string>;
  template?: PodTemplate;
}

/** Conditions in the workload style (lastUpdateTime/lastTransitionTime, reason, message). */
export interface WorkloadCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: WorkloadCondition[];
}

export type ReplicaSet = KubeObject & { spec: ReplicaSetSpec; status?: ReplicaSetStatus };

/** Milliseconds of a metav1.Time, or undefined when absent or unparsable. */
export function timeMs(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
