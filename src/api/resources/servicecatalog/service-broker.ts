import { childRecord, specOf } from '../../validation/workload-fields.js';
import { defaultBrokerSpec, validateBrokerSpecUpdate } from './catalog-validation.js';
import { brokerColumns, catalogResource, validateBroker } from './cluster-service-broker.js';

export const serviceBroker = catalogResource({
  kind: 'ServiceBroker',
  plural: 'servicebrokers',
  namespaced: true,
  strategy: {
    default: (obj) => defaultBrokerSpec(childRecord(obj, 'spec')),
    validate: (obj) => validateBroker(obj, false),
    validateUpdate: (obj, old) => validateBrokerSpecUpdate(specOf(obj), specOf(old)),
  },
  printerColumns: brokerColumns,
});
