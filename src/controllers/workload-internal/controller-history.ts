import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, Informer, ResourceDescriptor } from '../../client/index.js';
import { controllerRef, isControlledBy } from './owner-ref.js';
import { canonicalJson, templateHash } from './template-hash.js';

export const revisionHashLabel = 'controller-revision-hash';

/** What a StatefulSet's or DaemonSet's revision stores: a patch that puts the template back whole. */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...(template ?? {}), $patch: 'replace' } } };
}

/** The pod template a revision holds (its `data.spec.template`, without the patch directive). */
export function templateOfRevision(revision: KubeObject): PodTemplateSpec | undefined {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (!template) return undefined;
  const { $patch: _directive, ...rest } = template;
  return structuredClone(rest) as PodTemplateSpec;
}

export function revisionNumber(revision: KubeObject): number {
  return typeof revision.revision === 'number' ? revision.revision : 0;
}

export interface ControllerHistoryDeps {
  client: ApiClient;
  revisions: Informer;
  revisionsResource: ResourceDescriptor;
}

export interface EnsuredRevision {
  /** The revision that holds the owner's current template, now the newest. */
  revision: KubeObject;
  /** The owner's `status.collisionCount` after any name collision this call met. */
  collisionCount: number;
}

/**
 * An owner's ControllerRevisions, as upstream's controller history keeps them: one per distinct
 * template, named `<owner>-<hash of data>`, numbered in the order they became current. Returning to
 * an older template renumbers its revision instead of making a new one, which is what makes
 * `kubectl rollout undo` and `rollout history` work.
 */
export class ControllerHistory {
  constructor(private readonly d: ControllerHistoryDeps) {}

  /** The owner's revisions, oldest number first. */
  revisionsOf(owner: KubeObject): KubeObject[] {
    return this.d.revisions.store
      .byIndex('namespace', owner.metadata.namespace ?? '')
      .filter((r) => isControlledBy(r, owner))
      .sort((a, b) => revisionNumber(a) - revisionNumber(b));
  }

  byName(owner: KubeObject, name: string): KubeObject | undefined {
    return this.revisionsOf(owner).find((r) => r.metadata.name === name);
  }

  /**
   * Makes sure a revision holding `data` exists and carries the highest number. Idempotent: a crash
   * after a create finds the revision on the next pass (by name, or by equal data).
   */
  async ensure(owner: KubeObject, data: Record<string, unknown>, labels: Record<string, string>, collisionCount: number): Promise<EnsuredRevision> {
    const revisions = this.revisionsOf(owner);
    const wanted = canonicalJson(data);
    const newest = revisions.at(-1);
    // The common case, on every reconcile: the template is the newest revision's. Only a change looks further.
    if (newest && canonicalJson(newest.data) === wanted) return { revision: newest, collisionCount };
    const latestEqual = [...revisions].reverse().find((r) => canonicalJson(r.data) === wanted);
    const next = (newest ? revisionNumber(newest) : 0) + 1;
    if (latestEqual) {
      const renumbered = await this.d.client.update(this.d.revisionsResource, { ...latestEqual, revision: next });
      return { revision: renumbered, collisionCount };
    }
    for (let count = collisionCount; ; count++) {
      const hash = templateHash(data, count === 0 ? undefined : count);
      const revision: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name: `${owner.metadata.name}-${hash}`,
          namespace: owner.metadata.namespace,
          labels: { ...labels, [revisionHashLabel]: hash },
          ownerReferences: [controllerRef(owner)],
        },
        data,
        revision: next,
      };
      try {
        return { revision: await this.d.client.create(this.d.revisionsResource, revision), collisionCount: count };
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const existing = await this.d.client.get(this.d.revisionsResource, revision.metadata.name ?? '', { namespace: owner.metadata.namespace });
        // Our own earlier create (not yet in the informer), or the same template under another owner
        // generation: either way the same data under the name is the revision wanted.
        if (canonicalJson(existing.data) === wanted && isControlledBy(existing, owner)) {
          if (revisionNumber(existing) >= next) return { revision: existing, collisionCount: count };
          return { revision: await this.d.client.update(this.d.revisionsResource, { ...existing, revision: next }), collisionCount: count };
        }
        // A real hash collision: the next collision count gives another name.
      }
    }
  }

  /** Deletes the oldest revisions beyond `limit`, never one named in `inUse`. */
  async truncate(owner: KubeObject, inUse: Set<string>, limit: number): Promise<void> {
    const old = this.revisionsOf(owner).filter((r) => !inUse.has(r.metadata.name ?? ''));
    const excess = old.length - Math.max(0, limit);
    for (const r of old.slice(0, Math.max(0, excess))) {
      try {
        await this.d.client.delete(this.d.revisionsResource, r.metadata.name ?? '', { namespace: r.metadata.namespace, preconditions: { uid: r.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}
