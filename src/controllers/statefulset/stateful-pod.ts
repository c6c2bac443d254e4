import type { StatefulSetSpec } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';
import { controllerRef } from '../workload-internal/owner-ref.js';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
export const revisionLabel = 'controller-revision-hash';

export function setSpec(set: KubeObject): StatefulSetSpec {
  return (set.spec ?? {}) as StatefulSetSpec;
}

/** The first ordinal (`spec.ordinals.start`, 0 by default). */
export function startOrdinal(set: KubeObject): number {
  return setSpec(set).ordinals?.start ?? 0;
}

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** The ordinal of a pod named `<set>-<n>`, or undefined for a name the set would not give. */
export function ordinalOf(set: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** `<claim>-<set>-<ordinal>`: the claim a pod of this ordinal mounts for one claim template. */
export function claimName(set: KubeObject, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata.name}-${ordinal}`;
}

/**
 * The PersistentVolumeClaims one ordinal needs, built from the claim templates: labelled with the set's
 * matchLabels (so the claims can be found by selector), owned by the set when the retention policy deletes
 * them with it.
 */
export function claimsFor(set: KubeObject, ordinal: number): KubeObject[] {
  const spec = setSpec(set);
  const matchLabels = spec.selector?.matchLabels ?? {};
  const deleteWithSet = spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (spec.volumeClaimTemplates ?? []).map((t) => {
    const meta = t.metadata ?? {};
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(set, meta.name ?? '', ordinal),
        namespace: set.metadata.namespace,
        labels: { ...matchLabels, ...(meta.labels ?? {}) },
        ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      },
      spec: structuredClone(t.spec ?? {}),
    };
    if (deleteWithSet) claim.metadata.ownerReferences = [{ ...controllerRef(set), controller: false }];
    return claim;
  });
}

/**
 * The pod for one ordinal from a pod template: stable name and hostname, the identity labels, the revision
 * hash, and a volume per claim template pointing at that ordinal's claim.
 */
export function statefulPod(set: KubeObject, template: PodTemplateSpec, ordinal: number, revision: string): KubeObject {
  const spec = setSpec(set);
  const name = podName(set, ordinal);
  const podSpec = structuredClone(template.spec ?? { containers: [] }) as unknown as Record<string, unknown> & { volumes?: Volume[] };
  const claimVolumes: Volume[] = (spec.volumeClaimTemplates ?? []).map((t) => ({
    name: t.metadata?.name ?? '',
    persistentVolumeClaim: { claimName: claimName(set, t.metadata?.name ?? '', ordinal) },
  }));
  if (claimVolumes.length > 0) {
    const claimed = new Set(claimVolumes.map((v) => v.name));
    podSpec.volumes = [...claimVolumes, ...(podSpec.volumes ?? []).filter((v) => !claimed.has(v.name))];
  }
  podSpec.hostname = name;
  if (spec.serviceName) podSpec.subdomain = spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [podNameLabel]: name, [podIndexLabel]: String(ordinal), [revisionLabel]: revision },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(set)],
    },
    spec: podSpec,
  };
}

/**
 * The template a pod was made from, recovered from the pod: how an old revision's template survives for
 * recreating pods below a partition when its ControllerRevision was deleted by hand.
 */
export function templateFromPod(set: KubeObject, pod: KubeObject): PodTemplateSpec {
  const labels = { ...(pod.metadata.labels ?? {}) };
  for (const l of [podNameLabel, podIndexLabel, revisionLabel]) delete labels[l];
  const spec = structuredClone((pod.spec ?? {}) as Record<string, unknown>) as Record<string, unknown> & { volumes?: Volume[] };
  for (const f of ['nodeName', 'hostname', 'subdomain']) delete spec[f];
  const claims = new Set((setSpec(set).volumeClaimTemplates ?? []).map((t) => t.metadata?.name));
  if (spec.volumes) spec.volumes = spec.volumes.filter((v) => !claims.has(v.name));
  if (spec.volumes?.length === 0) delete spec.volumes;
  return {
    metadata: { labels, ...(pod.metadata.annotations ? { annotations: { ...pod.metadata.annotations } } : {}) },
    spec: spec as unknown as PodTemplateSpec['spec'],
  };
}
