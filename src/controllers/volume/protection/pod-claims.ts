import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/index.js';
import type { IndexFunc } from '../../../client/index.js';

type PodObject = KubeObject & Pick<Pod, 'spec' | 'status'>;

/** The index of pods by the claims they mount, as `namespace/claim`. */
export const podClaimIndex = 'wharf.io/pod-claims';

/**
 * Names of the claims a pod mounts: `persistentVolumeClaim.claimName` volumes and the claims of generic
 * ephemeral volumes, which are named `<pod>-<volume>`.
 */
export function claimNamesOf(pod: KubeObject): string[] {
  const names: string[] = [];
  for (const v of (pod as PodObject).spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.metadata.name ?? ''}-${v.name}`);
  }
  return names;
}

/** Files each pod under `namespace/claim` for every claim it mounts. */
export const byPodClaim: IndexFunc = (pod) => claimNamesOf(pod).map((n) => `${pod.metadata.namespace ?? ''}/${n}`);

/**
 * Kubernetes' IsPodTerminated: Succeeded or Failed, or being deleted with no container still running
 * (so its volumes are no longer in use).
 */
export function isPodTerminated(pod: KubeObject): boolean {
  const p = pod as PodObject;
  const phase = p.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (!pod.metadata.deletionTimestamp) return false;
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  return statuses.every((s) => Boolean(s.state?.terminated || s.state?.waiting));
}

/** Being deleted with grace period 0: the node is done with it, or it was force-deleted. */
export function isPodShutDown(pod: KubeObject): boolean {
  return Boolean(pod.metadata.deletionTimestamp) && pod.metadata.deletionGracePeriodSeconds === 0;
}

/**
 * Whether the pod holds the claim: it is scheduled (a node agent only starts scheduled pods, and will not
 * start one whose claim is being deleted), mounts the claim, and has not finished with it.
 */
export function podUsesClaim(pod: KubeObject, claim: Pick<KubeObject, 'metadata'>): boolean {
  if (pod.metadata.namespace !== claim.metadata.namespace) return false;
  if (!(pod as PodObject).spec?.nodeName) return false;
  if (!claimNamesOf(pod).includes(claim.metadata.name ?? '')) return false;
  return !isPodTerminated(pod) && !isPodShutDown(pod);
}
