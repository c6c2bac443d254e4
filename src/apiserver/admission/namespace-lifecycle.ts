import { forbidden, notFound, type KubeObject } from '../../api/index.js';
import type { AdmissionAttributes } from './types.js';

/** Namespaces the cluster cannot do without: deleting them is refused, as upstream's NamespaceLifecycle does. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** Finds a namespace by name; undefined when it does not exist. */
export type NamespaceGetter = (name: string) => Promise<KubeObject | undefined>;

/**
 * NamespaceLifecycle: nothing is created in a namespace that does not exist or is being deleted, and
 * the system namespaces are never deleted.
 */
export class NamespaceLifecycle {
  constructor(private readonly getNamespace: NamespaceGetter) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.operation === 'DELETE') return this.admitDelete(a);
    if (a.operation !== 'CREATE' || !a.def.namespaced || !a.namespace) return;
    const found = await this.getNamespace(a.namespace);
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
  }
}
