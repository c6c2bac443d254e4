import { isAlreadyExists, type KubeObject } from '../api/index.js';
import { aggregateClusterRoles, bootstrapPolicy, checkRbacWrite, NODES_GROUP, RbacAuthorizer, SYSTEM_NODE_BINDING } from './rbac/index.js';
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
  private stopped = false;
  readonly authorizer: RbacAuthorizer;
  private aggregating = false;
  private aggregateAgain = false;

  constructor(
    private readonly stores: RbacStores,
    /** Nodes are served by the Node authorizer: the `system:node` binding names no one. */
    private readonly nodeAuthorizer = false,
  ) {
    this.authorizer = new RbacAuthorizer((group, plural) => {
      if (group !== rbacGroup || !(rbacPlurals as readonly string[]).includes(plural)) return [];
      const s = stores(plural as (typeof rbacPlurals)[number]);
      return s.cache.list(s.prefix).map((c) => c.obj);
    });
  }

  /** Loads the RBAC caches, creates the bootstrap policy and starts following changes. */
  async start(): Promise<void> {
    for (const plural of rbacPlurals) await this.follow(plural);
    for (const obj of bootstrapPolicy({ nodeAuthorizer: this.nodeAuthorizer })) {
      const plural = obj.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      const s = this.stores(plural);
      if (s.cache.get(s.key(undefined, obj.metadata.name!))) continue;
      try {
        await s.create(obj);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
    await this.reconcileNodeBinding();
    this.authorizer.invalidate();
    await this.aggregate();
  }

  /**
   * Reloads one RBAC cache and follows its changes. When the cache loses its storage watch (a storage
   * outage) it closes this watcher; following again reloads it, so decisions never rest on a cache that
   * stopped hearing about changes for longer than the outage.
   */
  private async follow(plural: (typeof rbacPlurals)[number]): Promise<void> {
    const s = this.stores(plural);
    await s.cache.sync();
    this.authorizer.invalidate();
    s.cache.watch(
      {
        deliver: () => {
          this.authorizer.invalidate();
          if (plural === 'clusterroles') void this.aggregate();
        },
        close: () => void this.followAgain(plural),
      },
      s.cache.currentRevision(),
    );
  }

  /** Stops following: the server is closing its caches. */
  stop(): void {
    this.stopped = true;
  }

  private async followAgain(plural: (typeof rbacPlurals)[number]): Promise<void> {
    for (let delayMs = 200; !this.stopped; delayMs = Math.min(delayMs * 2, 5000)) {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        await this.follow(plural);
        if (plural === 'clusterroles') await this.aggregate();
        return;
      } catch {
        // Storage still unreachable: try again later.
      }
    }
  }

  /**
   * Makes the bootstrap `system:node` binding match the authorization mode when it still carries
   * `rbac.authorization.kubernetes.io/autoupdate: "true"`: with the Node authorizer the `system:nodes`
   * group is taken off it (else RBAC would give every node every Secret), without it the group is put
   * back. An administrator who sets the annotation to "false" keeps the binding as they made it.
   */
  private async reconcileNodeBinding(): Promise<void> {
    const s = this.stores('clusterrolebindings');
    const current = s.cache.get(s.key(undefined, SYSTEM_NODE_BINDING))?.obj;
    if (!current || current.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] !== 'true') return;
    const isNodesGroup = (x: { kind?: string; name?: string }) => x.kind === 'Group' && x.name === NODES_GROUP;
    const subjects = (current.subjects as { kind?: string; name?: string }[] | undefined) ?? [];
    const has = subjects.some(isNodesGroup);
    if (has !== this.nodeAuthorizer) return;
    await s.guaranteedUpdate(undefined, SYSTEM_NODE_BINDING, undefined, (obj) => {
      const list = ((obj.subjects as { kind?: string; name?: string }[] | undefined) ?? []).filter((x) => !isNodesGroup(x));
      if (!this.nodeAuthorizer) list.push({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: NODES_GROUP } as { kind: string; name: string });
      const next = { ...obj };
      if (list.length > 0) next.subjects = list;
      else delete next.subjects;
      return next;
    });
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
