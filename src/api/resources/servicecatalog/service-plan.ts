import { field } from '../../errors.js';
import { asRecord, specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn } from './catalog-columns.js';
import { catalogResource } from './cluster-service-broker.js';
import { validateOffering, validateOfferingUpdate } from './cluster-service-class.js';

export const servicePlan = catalogResource({
  kind: 'ServicePlan',
  plural: 'serviceplans',
  namespaced: true,
  strategy: {
    validate: (obj) => {
      const errs = validateOffering(obj, true, 'serviceBrokerName');
      if (!asRecord(specOf(obj).serviceClassRef)?.name) errs.push(field.required('spec.serviceClassRef.name'));
      return errs;
    },
    validateUpdate: (obj, old) => validateOfferingUpdate(obj, old, 'serviceBrokerName'),
  },
  printerColumns: [
    pathColumn('External-Name', ['spec', 'externalName'], 'The name the broker gives the plan.'),
    pathColumn('Broker', ['spec', 'serviceBrokerName'], 'The broker that offers the plan.'),
    pathColumn('Class', ['spec', 'serviceClassRef', 'name'], 'The class the plan belongs to.'),
    ageColumn,
  ],
  selectableFields: {
    'spec.externalName': (obj) => specOf(obj).externalName as string | undefined,
    'spec.externalID': (obj) => specOf(obj).externalID as string | undefined,
    'spec.serviceBrokerName': (obj) => specOf(obj).serviceBrokerName as string | undefined,
    'spec.serviceClassRef.name': (obj) => asRecord(specOf(obj).serviceClassRef)?.name as string | undefined,
  },
});
