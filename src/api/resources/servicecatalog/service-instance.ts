import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import type { WriteContext } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { asRecord, childRecord, intOf, specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn, statusColumn } from './catalog-columns.js';
import {
  carryExternalId,
  deletionPolicies,
  newExternalId,
  planReferenceWays,
  validateImmutableSpecFields,
  validateParameters,
  validatePlanReference,
} from './catalog-validation.js';
import { catalogResource } from './cluster-service-broker.js';

const planRefFields = ['clusterServicePlanRef', 'servicePlanRef'];

/** A user who names another plan gets it resolved again: the old resolved reference no longer applies. */
function prepareInstance(obj: KubeObject, ctx: WriteContext): void {
  if (!ctx.old || ctx.subresource) return;
  carryExternalId(obj, ctx.old);
  const spec = childRecord(obj, 'spec');
  const old = specOf(ctx.old);
  if (planReferenceWays.some((w) => spec[w.plan] !== old[w.plan])) for (const f of planRefFields) delete spec[f];
}

function defaultInstance(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  if (!spec.externalID) spec.externalID = newExternalId();
  if (!spec.deletionPolicy) spec.deletionPolicy = 'Delete';
  if (spec.updateRequests === undefined || spec.updateRequests === null) spec.updateRequests = 0;
}

function validateInstance(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  errs.push(...validatePlanReference(spec));
  errs.push(...validateParameters(spec));
  if (!spec.externalID) errs.push(field.required('spec.externalID'));
  if (!deletionPolicies.includes(String(spec.deletionPolicy))) errs.push(field.notSupported('spec.deletionPolicy', spec.deletionPolicy, deletionPolicies));
  if (intOf(spec.updateRequests) < 0) errs.push(field.invalid('spec.updateRequests', spec.updateRequests, 'updateRequests must not be negative'));
  return errs;
}

function validateInstanceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const prev = specOf(old);
  const errs = validateImmutableSpecFields(spec, prev, ['externalID', ...planReferenceWays.map((w) => w.cls)]);
  // A resolved class stays resolved: it names what the broker provisioned.
  for (const f of ['clusterServiceClassRef', 'serviceClassRef']) {
    if (asRecord(prev[f])?.name && asRecord(spec[f])?.name !== asRecord(prev[f])?.name) {
      errs.push(field.invalid(`spec.${f}`, spec[f], 'field is immutable'));
    }
  }
  if (intOf(spec.updateRequests) < intOf(prev.updateRequests)) {
    errs.push(field.invalid('spec.updateRequests', spec.updateRequests, 'updateRequests must not be decreased'));
  }
  return errs;
}

export const serviceInstance = catalogResource({
  kind: 'ServiceInstance',
  plural: 'serviceinstances',
  namespaced: true,
  strategy: { prepare: prepareInstance, default: defaultInstance, validate: validateInstance, validateUpdate: validateInstanceUpdate },
  printerColumns: [
    pathColumn('Class', ['status', 'userSpecifiedClassName'], 'The class the user asked for.'),
    pathColumn('Plan', ['status', 'userSpecifiedPlanName'], 'The plan the user asked for.'),
    statusColumn,
    ageColumn,
  ],
});
