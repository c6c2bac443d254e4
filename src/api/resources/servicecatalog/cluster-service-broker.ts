import type { FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource, type ResourceDefinition } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { childRecord, specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn, statusColumn } from './catalog-columns.js';
import { defaultBrokerSpec, validateBrokerSpec, validateBrokerSpecUpdate } from './catalog-validation.js';

export const serviceCatalogGroup = 'servicecatalog.k8s.io';
export const serviceCatalogVersion = 'v1beta1';
/** The OpenAPI definition prefix scripts/gen-openapi.js gives types.ts. */
export const serviceCatalogSchemaPrefix = 'com.github.kubernetes-sigs.service-catalog.pkg.apis.servicecatalog.v1beta1';

/** What every catalog kind shares: group, version, schema name, categories, a status subresource. */
export function catalogResource(
  d: Pick<ResourceDefinition, 'kind' | 'plural' | 'namespaced' | 'strategy' | 'printerColumns'> & Partial<ResourceDefinition>,
): ResourceDefinition {
  return defineResource({
    group: serviceCatalogGroup,
    version: serviceCatalogVersion,
    schema: `${serviceCatalogSchemaPrefix}.${d.kind}`,
    categories: ['all', 'svcat'],
    subresources: { status: true },
    ...d,
  });
}

/** The columns both broker kinds print (the catalog's CRD columns). */
export const brokerColumns = [pathColumn('URL', ['spec', 'url'], 'The address of the broker.'), statusColumn, ageColumn];

export function validateBroker(obj: KubeObject, cluster: boolean): FieldError[] {
  return [...validateObjectMeta(obj, !cluster), ...validateBrokerSpec(specOf(obj), cluster)];
}

export const clusterServiceBroker = catalogResource({
  kind: 'ClusterServiceBroker',
  plural: 'clusterservicebrokers',
  namespaced: false,
  strategy: {
    default: (obj) => defaultBrokerSpec(childRecord(obj, 'spec')),
    validate: (obj) => validateBroker(obj, true),
    validateUpdate: (obj, old) => validateBrokerSpecUpdate(specOf(obj), specOf(old)),
  },
  printerColumns: brokerColumns,
});
