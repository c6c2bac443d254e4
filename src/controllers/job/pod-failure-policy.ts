import type { PodFailurePolicy } from 'kubernetes-types/batch/v1.js';
import type { ContainerStatus, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';

export type FailureAction = 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';

export interface PolicyVerdict {
  /** The action of the first matching rule, undefined when none matched. */
  action?: FailureAction;
  /** Whether the failure counts toward backoffLimit (Ignore does not). */
  countFailed: boolean;
  /** For FailJob: the condition message, in Kubernetes' words. */
  message?: string;
}

/**
 * Applies a Job's podFailurePolicy to a failed pod, as upstream: rules in order, the first match
 * wins; exit-code rules look at terminated containers (init containers too) that did not exit 0.
 */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: KubeObject): PolicyVerdict {
  if (!policy) return { countFailed: true };
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; conditions?: PodCondition[] };
  const containers = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    const action = rule.action as FailureAction;
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      const hit = containers.find((c) => {
        const code = c.state?.terminated?.exitCode;
        if (code === undefined || code === 0) return false;
        if (req.containerName && req.containerName !== c.name) return false;
        const listed = req.values.includes(code);
        return req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false;
      });
      if (!hit) continue;
      return verdict(action, `Container ${hit.name} for pod ${where} failed with exit code ${hit.state?.terminated?.exitCode} matching ${action} rule at index ${index}`);
    }
    if (rule.onPodConditions) {
      const hit = (status.conditions ?? []).find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (!hit) continue;
      return verdict(action, `Pod ${where} has condition ${hit.type} matching ${action} rule at index ${index}`);
    }
  }
  return { countFailed: true };
}

function verdict(action: FailureAction, message: string): PolicyVerdict {
  switch (action) {
    case 'Ignore':
      return { action, countFailed: false };
    case 'FailJob':
      return { action, countFailed: true, message };
    default:
      return { action, countFailed: true };
  }
}
