import { forbidden, notFound, type KubeObject } from '../../api/index.js';
import type { AdmissionAttributes } from './types.js';

/** Namespaces the cluster cannot do without: deleting them is refused, as upstream's NamespaceLifecycle does. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/**
 * Finds a namespace by name; undefined when it does not exist. `consistent` asks for storage's latest word
 * rather than what a cache holds now.
 */
export type NamespaceGetter = (name: string, consistent: boolean) => Promise<KubeObject | undefined>;

/** How long after a namespace's deletion creates in it check storage rather than the cache, as upstream. */
const liveLookupAfterDeleteMs = 30_000;

/**
 * NamespaceLifecycle: nothing is created in a namespace that does not exist or is being deleted, and
 * the system namespaces are never deleted. Like kube-apiserver's plugin it reads namespaces from a cache,
 * except for namespaces it saw being deleted lately: a create racing the deletion must see it.
 */
export class NamespaceLifecycle {
  private readonly deletedAt = new Map<string, number>();

  constructor(
    private readonly getNamespace: NamespaceGetter,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.operation === 'DELETE') return this.admitDelete(a);
    if (a.operation !== 'CREATE' || !a.def.namespaced || !a.namespace) return;
    const found = await this.getNamespace(a.namespace, this.deletedLately(a.namespace));
    if (!found) throw notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (found.metadata.deletionTimestamp) {
      throw forbidden(
        { group: a.def.group, resource: a.def.plural },
        a.obj.metadata.name ?? '',
        `unable to create new content in namespace ${a.namespace} because it is being terminated`,
      );
    }
  }

  private admitDelete(a: AdmissionAttributes): void {
    if (a.def.group !== '' || a.def.plural !== 'namespaces') return;
    const name = a.obj.metadata.name ?? '';
    if (immortalNamespaces.has(name)) throw forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
    const now = this.now();
    if (this.deletedAt.size >= 256) for (const [n, at] of this.deletedAt) if (now - at >= liveLookupAfterDeleteMs) this.deletedAt.delete(n);
    this.deletedAt.set(name, now);
  }

  private deletedLately(name: string): boolean {
    const at = this.deletedAt.get(name);
    if (at === undefined) return false;
    if (this.now() - at < liveLookupAfterDeleteMs) return true;
    this.deletedAt.delete(name);
    return false;
  }
}
