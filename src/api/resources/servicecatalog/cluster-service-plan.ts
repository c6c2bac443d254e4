import { field } from '../../errors.js';
import { asRecord, specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn } from './catalog-columns.js';
import { catalogResource } from './cluster-service-broker.js';
import { validateOffering, validateOfferingUpdate } from './cluster-service-class.js';

export const clusterServicePlan = catalogResource({
  kind: 'ClusterServicePlan',
  plural: 'clusterserviceplans',
  namespaced: false,
  strategy: {
    validate: (obj) => {
      const errs = validateOffering(obj, false, 'clusterServiceBrokerName');
      if (!asRecord(specOf(obj).clusterServiceClassRef)?.name) errs.push(field.required('spec.clusterServiceClassRef.name'));
      return errs;
    },
    validateUpdate: (obj, old) => validateOfferingUpdate(obj, old, 'clusterServiceBrokerName'),
  },
  printerColumns: [
    pathColumn('External-Name', ['spec', 'externalName'], 'The name the broker gives the plan.'),
    pathColumn('Broker', ['spec', 'clusterServiceBrokerName'], 'The broker that offers the plan.'),
    pathColumn('Class', ['spec', 'clusterServiceClassRef', 'name'], 'The class the plan belongs to.'),
    ageColumn,
  ],
  selectableFields: {
    'spec.externalName': (obj) => specOf(obj).externalName as string | undefined,
    'spec.externalID': (obj) => specOf(obj).externalID as string | undefined,
    'spec.clusterServiceBrokerName': (obj) => specOf(obj).clusterServiceBrokerName as string | undefined,
    'spec.clusterServiceClassRef.name': (obj) => asRecord(specOf(obj).clusterServiceClassRef)?.name as string | undefined,
  },
});
