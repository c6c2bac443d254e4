import { field, forbidden, invalid, notFound, type KubeObject, type ResourceDefinition } from '../api/index.js';
import type { ResourceStore } from './resource-store.js';
import { ServiceAllocator } from './service-allocator.js';

/** The built-in admission steps every write passes before it is stored. */
export class Admission {
  private readonly services: ServiceAllocator;

  constructor(
    private readonly namespaces: ResourceStore,
    services: ResourceStore,
    serviceCidr = '10.96.0.0/12',
  ) {
    this.services = new ServiceAllocator(services, serviceCidr);
  }

  async admit(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined): Promise<void> {
    if (!old && def.namespaced) await this.namespaceLifecycle(def, obj);
    if (def.group === '' && def.plural === 'services' && subresource === undefined) {
      const errors = await this.services.allocate(obj, old);
      if (errors.length > 0) throw invalid('Service', '', obj.metadata.name ?? '', errors);
    }
  }

  /** No object may be created in a namespace that does not exist or is being deleted. */
  private async namespaceLifecycle(def: ResourceDefinition, obj: KubeObject): Promise<void> {
    const ns = obj.metadata.namespace;
    if (!ns) return;
    const found = await this.namespaces.find(undefined, ns);
    if (!found) throw notFound({ group: '', resource: 'namespaces' }, ns);
    if (found.obj.metadata.deletionTimestamp) {
      throw forbidden(
        { group: def.group, resource: def.plural },
        obj.metadata.name ?? '',
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }
}

export { field };
