import { isConflict, isNotFound, type KubeObject } from '../../api/index.js';
import { resourcePath, type ApiClient, type Informer, type ReconcileResult, type Reconciler, type ResourceDescriptor } from '../../client/index.js';
import { ResourceMapper, type DiscoveredResource } from '../internal/resource-mapper.js';
import { timeMs } from '../internal/types.js';
import { rfc3339 } from '../../api/rfc3339.js';

/** The finalizer this controller owns in a namespace's spec.finalizers. */
export const kubernetesFinalizer = 'kubernetes';
/** How long content with finalizers is given before the next look, as Kubernetes. */
const finalizerEstimateSeconds = 5;

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

type Namespace = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: NamespaceCondition[] } };

const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const okReasons: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
};

const okMessages: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content-preserving finalizers finished',
};

interface Remaining {
  count: number;
  finalizers: Map<string, number>;
  estimateSeconds: number;
}

export interface NamespaceDeleterOptions {
  /** Caps the wait before looking again at a namespace whose content is still going (tests shorten it). */
  maxRecheckMs?: number;
}

/**
 * Empties namespaces being deleted, as Kubernetes' namespace controller: deletes every namespaced
 * resource discovery lists (pods first), reports what is left in the namespace's conditions, and once
 * nothing is left removes the `kubernetes` finalizer through `/finalize`, which lets the namespace go.
 */
export class NamespaceDeleter implements Reconciler {
  private readonly mapper: ResourceMapper;

  constructor(
    private readonly client: ApiClient,
    private readonly namespaces: Informer<Namespace>,
    private readonly resource: ResourceDescriptor,
    private readonly opts: NamespaceDeleterOptions = {},
  ) {
    this.mapper = new ResourceMapper(client);
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const ns = this.namespaces.store.get(key);
    if (!ns?.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return;
    const name = ns.metadata.name!;
    const problems = new Map<string, string>();
    let resources: DiscoveredResource[] = [];
    try {
      resources = (await this.mapper.preferredResources()).filter((r) => r.namespaced && r.verbs.includes('delete'));
    } catch (e) {
      problems.set('NamespaceDeletionDiscoveryFailure', `Discovery failed for some groups, 1 failing: ${message(e)}`);
    }
    // Pods first, so workloads stop making more while the rest goes.
    resources.sort((a, b) => Number(b.group === '' && b.plural === 'pods') - Number(a.group === '' && a.plural === 'pods'));
    const deleteErrors: string[] = [];
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    let estimate = 0;
    for (const r of resources) {
      try {
        const left = await this.deleteContent(r, name, ns);
        if (left.count > 0) remaining.set(`${r.plural}.${r.group}`, left.count);
        for (const [f, n] of left.finalizers) finalizers.set(f, (finalizers.get(f) ?? 0) + n);
        estimate = Math.max(estimate, left.estimateSeconds);
      } catch (e) {
        deleteErrors.push(message(e));
      }
    }
    if (deleteErrors.length > 0) {
      problems.set('NamespaceDeletionContentFailure', `Failed to delete all resource types, ${deleteErrors.length} remaining: ${deleteErrors.length === 1 ? deleteErrors[0] : `[${deleteErrors.join(', ')}]`}`);
    }
    if (remaining.size > 0) {
      const parts = [...remaining].map(([r, n]) => `${r} has ${n} resource instances`).sort();
      problems.set('NamespaceContentRemaining', `Some resources are remaining: ${parts.join(', ')}`);
    }
    if (finalizers.size > 0) {
      const parts = [...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
      problems.set('NamespaceFinalizersRemaining', `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`);
    }
    await this.updateConditions(ns, problems);
    if (deleteErrors.length > 0 || problems.has('NamespaceDeletionDiscoveryFailure')) {
      throw new Error(`namespace ${name}: ${[...problems.values()].join('; ')}`);
    }
    if (remaining.size > 0 || estimate > 0) {
      const ms = Math.max(1000, (estimate * 1000) / 2);
      return { requeueAfterMs: Math.min(ms, this.opts.maxRecheckMs ?? ms) };
    }
    await this.finalize(name);
  }

  /** Deletes one resource's objects in the namespace and reports what is left. */
  private async deleteContent(r: DiscoveredResource, namespace: string, ns: Namespace): Promise<Remaining> {
    const estimate = r.group === '' && r.plural === 'pods' ? await this.podEstimate(r, namespace, ns) : 0;
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
    if (r.verbs.includes('deletecollection')) {
      await this.client.request('DELETE', resourcePath(r, namespace), body);
    } else {
      const items = (await this.client.list(r, { namespace })).items;
      for (const item of items) {
        try {
          await this.client.delete(r, item.metadata.name!, { namespace, propagationPolicy: 'Background' });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    if (!r.verbs.includes('list')) return { count: 0, finalizers: new Map(), estimateSeconds: estimate };
    const left = (await this.client.list(r, { namespace })).items;
    const finalizers = new Map<string, number>();
    for (const item of left) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (left.length === 0) return { count: 0, finalizers, estimateSeconds: 0 };
    if (estimate > 0) return { count: left.length, finalizers, estimateSeconds: estimate };
    if (finalizers.size > 0) return { count: left.length, finalizers, estimateSeconds: finalizerEstimateSeconds };
    throw new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${r.group}/${r.version}, Resource=${r.plural}`);
  }

  /** The longest grace period of the namespace's running pods, unless that much time has passed since deletion began. */
  private async podEstimate(r: ResourceDescriptor, namespace: string, ns: Namespace): Promise<number> {
    const pods = (await this.client.list(r, { namespace })).items;
    let estimate = 0;
    for (const p of pods) {
      const phase = (p.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const grace = (p.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds;
      if (grace !== undefined && grace > estimate) estimate = grace;
    }
    const since = (Date.now() - (timeMs(ns.metadata.deletionTimestamp) ?? Date.now())) / 1000;
    return since >= estimate ? 0 : estimate;
  }

  private async updateConditions(ns: Namespace, problems: Map<string, string>): Promise<void> {
    const now = rfc3339(Date.now());
    const conditions = (ns.status?.conditions ?? []).map((c) => ({ ...c }));
    let changed = false;
    for (const type of conditionTypes) {
      const problem = problems.get(type);
      const next: NamespaceCondition = problem
        ? { type, status: 'True', lastTransitionTime: now, reason: failureReasons[type], message: problem }
        : { type, status: 'False', lastTransitionTime: now, reason: okReasons[type], message: okMessages[type] };
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push(next);
        changed = true;
      } else if (old.status !== next.status || old.reason !== next.reason || old.message !== next.message) {
        Object.assign(old, next);
        changed = true;
      }
    }
    if (!changed) return;
    try {
      await this.client.updateStatus(this.resource, { ...ns, status: { ...ns.status, conditions } });
    } catch (e) {
      // The next pass writes them; a conflict here only means the namespace moved on.
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }

  private async finalize(name: string): Promise<void> {
    try {
      const fresh = await this.client.get<Namespace>(this.resource, name);
      const rest = (fresh.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer);
      await this.client.request('PUT', resourcePath(this.resource, undefined, name, 'finalize'), { ...fresh, spec: { ...fresh.spec, finalizers: rest } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

const failureReasons: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'DiscoveryFailed',
  NamespaceDeletionGroupVersionParsingFailure: 'GroupVersionParsingFailed',
  NamespaceDeletionContentFailure: 'ContentDeletionFailed',
  NamespaceContentRemaining: 'SomeResourcesRemain',
  NamespaceFinalizersRemaining: 'SomeFinalizersRemain',
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
