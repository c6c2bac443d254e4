import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn } from './catalog-columns.js';
import { validateImmutableSpecFields } from './catalog-validation.js';
import { catalogResource } from './cluster-service-broker.js';

/** Classes and plans are named by the controller after the broker's ids, which need not be DNS names. */
function catalogName(name: string): string[] {
  return name.length > 253 ? ['must be no more than 253 characters'] : /[/%]/.test(name) || name === '.' || name === '..' ? ['may not contain "/" or "%"'] : [];
}

/** Class or plan: a name, the broker, an external name and id. */
export function validateOffering(obj: KubeObject, namespaced: boolean, brokerField: string): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, namespaced, catalogName);
  if (!spec[brokerField]) errs.push(field.required(`spec.${brokerField}`));
  if (!spec.externalName) errs.push(field.required('spec.externalName'));
  if (!spec.externalID) errs.push(field.required('spec.externalID'));
  return errs;
}

export function validateOfferingUpdate(obj: KubeObject, old: KubeObject, brokerField: string): FieldError[] {
  return validateImmutableSpecFields(specOf(obj), specOf(old), ['externalID', brokerField]);
}

export const clusterServiceClass = catalogResource({
  kind: 'ClusterServiceClass',
  plural: 'clusterserviceclasses',
  namespaced: false,
  strategy: {
    validate: (obj) => validateOffering(obj, false, 'clusterServiceBrokerName'),
    validateUpdate: (obj, old) => validateOfferingUpdate(obj, old, 'clusterServiceBrokerName'),
  },
  printerColumns: [
    pathColumn('External-Name', ['spec', 'externalName'], 'The name the broker gives the service.'),
    pathColumn('Broker', ['spec', 'clusterServiceBrokerName'], 'The broker that offers the service.'),
    ageColumn,
  ],
  selectableFields: {
    'spec.externalName': (obj) => specOf(obj).externalName as string | undefined,
    'spec.externalID': (obj) => specOf(obj).externalID as string | undefined,
    'spec.clusterServiceBrokerName': (obj) => specOf(obj).clusterServiceBrokerName as string | undefined,
  },
});
