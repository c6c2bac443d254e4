import { specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn } from './catalog-columns.js';
import { catalogResource } from './cluster-service-broker.js';
import { validateOffering, validateOfferingUpdate } from './cluster-service-class.js';

export const serviceClass = catalogResource({
  kind: 'ServiceClass',
  plural: 'serviceclasses',
  namespaced: true,
  strategy: {
    validate: (obj) => validateOffering(obj, true, 'serviceBrokerName'),
    validateUpdate: (obj, old) => validateOfferingUpdate(obj, old, 'serviceBrokerName'),
  },
  printerColumns: [
    pathColumn('External-Name', ['spec', 'externalName'], 'The name the broker gives the service.'),
    pathColumn('Broker', ['spec', 'serviceBrokerName'], 'The broker that offers the service.'),
    ageColumn,
  ],
  selectableFields: {
    'spec.externalName': (obj) => specOf(obj).externalName as string | undefined,
    'spec.externalID': (obj) => specOf(obj).externalID as string | undefined,
    'spec.serviceBrokerName': (obj) => specOf(obj).serviceBrokerName as string | undefined,
  },
});
