import { isConflict, type KubeObject } from '../../../api/index.js';
import type { ClusterServiceBrokerSpec } from '../../../api/resources/servicecatalog/index.js';
import type { ApiClient } from '../../../client/index.js';
import type { CatalogResources } from './catalog-resources.js';

/**
 * Asks the broker controller to fetch a broker's catalog now, the way `wharf catalog sync` does: by
 * raising `spec.relistRequests`. Used when a broker says the platform's copy of its catalog is stale
 * (MaintenanceInfoConflict). Retries once on a conflicting write.
 */
export async function requestRelist(client: ApiClient, r: CatalogResources, broker: KubeObject): Promise<void> {
  const resource = broker.metadata.namespace ? r.serviceBrokers : r.clusterServiceBrokers;
  let current = broker;
  for (let attempt = 0; ; attempt++) {
    const spec = (current.spec ?? {}) as ClusterServiceBrokerSpec;
    try {
      await client.update(resource, { ...current, spec: { ...spec, relistRequests: (spec.relistRequests ?? 0) + 1 } });
      return;
    } catch (e) {
      if (!isConflict(e) || attempt > 0) throw e;
      current = await client.get(resource, broker.metadata.name!, broker.metadata.namespace ? { namespace: broker.metadata.namespace } : {});
    }
  }
}
