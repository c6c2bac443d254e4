import { isAlreadyExists, type KubeObject } from '../api/index.js';
import { aggregateClusterRoles, bootstrapPolicy, checkRbacWrite, RbacAuthorizer } from './rbac/index.js';
import type { UserInfo } from './request-context.js';
import type { ResourceStore } from './resource-store.js';

const rbacGroup = 'rbac.authorization.k8s.io';
const rbacPlurals = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'] as const;

/** What the RBAC wiring needs from the server: the store of each RBAC resource. */
export type RbacStores = (plural: (typeof rbacPlurals)[number]) => ResourceStore;

/**
 * Connects the RBAC authorizer to the server: it reads roles and bindings from the watch caches, forgets
 * its decisions on every change to them, keeps aggregated ClusterRoles up to date, and creates the
 * bootstrap policy.
 */
export class RbacWiring {
  readonly authorizer: RbacAuthorizer;
  private aggregating = false;
  private aggregateAgain = false;

  constructor(private readonly stores: RbacStores) {
    this.authorizer = new RbacAuthorizer((group, plural) => {
      if (group !== rbacGroup || !(rbacPlurals as readonly string[]).includes(plural)) return [];
      const s = stores(plural as (typeof rbacPlurals)[number]);
      return s.cache.list(s.prefix).map((c) => c.obj);
    });
  }

  /** Loads the RBAC caches, creates the bootstrap policy and starts following changes. */
  async start(): Promise<void> {
    for (const plural of rbacPlurals) {
      const s = this.stores(plural);
      await s.cache.sync();
      s.cache.watch(
        {
          deliver: () => {
            this.authorizer.invalidate();
            if (plural === 'clusterroles') void this.aggregate();
          },
          close: () => {},
        },
        s.cache.currentRevision(),
      );
    }
    for (const obj of bootstrapPolicy()) {
      const plural = obj.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      const s = this.stores(plural);
      if (s.cache.get(s.key(undefined, obj.metadata.name!))) continue;
      try {
        await s.create(obj);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
    this.authorizer.invalidate();
    await this.aggregate();
  }

  /** Rewrites the rules of aggregated ClusterRoles; runs once at a time, again if changes came meanwhile. */
  private async aggregate(): Promise<void> {
    if (this.aggregating) {
      this.aggregateAgain = true;
      return;
    }
    this.aggregating = true;
    try {
      do {
        this.aggregateAgain = false;
        const roles = this.stores('clusterroles');
        await aggregateClusterRoles(roles.cache.list(roles.prefix).map((c) => c.obj), async (name, rules) => {
          await roles.guaranteedUpdate(undefined, name, undefined, (current) => ({ ...current, rules }));
        });
      } while (this.aggregateAgain);
    } catch (e) {
      console.error('wharf apiserver: aggregating cluster roles failed:', e);
    } finally {
      this.aggregating = false;
    }
  }

  /** Refuses a write to a Role, ClusterRole or binding that grants more than its author holds. */
  checkWrite(user: UserInfo, object: KubeObject, old: KubeObject | undefined): void {
    const err = checkRbacWrite({ user, object, old }, this.authorizer);
    if (err) throw err;
  }
}

export function isRbacKind(group: string, plural: string): boolean {
  return group === rbacGroup && (rbacPlurals as readonly string[]).includes(plural);
}
