import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import type { WriteContext } from '../../resource.js';
import { dns1123Subdomain } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { asRecord, childRecord, specOf } from '../../validation/workload-fields.js';
import { ageColumn, pathColumn, statusColumn } from './catalog-columns.js';
import { carryExternalId, newExternalId, validateImmutableSpecFields, validateParameters, validateSecretTransforms } from './catalog-validation.js';
import { catalogResource } from './cluster-service-broker.js';

function prepareBinding(obj: KubeObject, ctx: WriteContext): void {
  if (ctx.old && !ctx.subresource) carryExternalId(obj, ctx.old);
}

function defaultBinding(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  if (!spec.externalID) spec.externalID = newExternalId();
  if (!spec.secretName && obj.metadata.name) spec.secretName = obj.metadata.name;
}

function validateBinding(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  if (!asRecord(spec.instanceRef)?.name) errs.push(field.required('spec.instanceRef.name'));
  if (!spec.externalID) errs.push(field.required('spec.externalID'));
  if (typeof spec.secretName === 'string' && spec.secretName !== '') {
    for (const m of dns1123Subdomain(spec.secretName)) errs.push(field.invalid('spec.secretName', spec.secretName, m));
  }
  errs.push(...validateParameters(spec));
  errs.push(...validateSecretTransforms(spec.secretTransforms));
  return errs;
}

/** OSB bindings cannot be updated at the broker: what was sent to it stays; transforms may change. */
function validateBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableSpecFields(specOf(obj), specOf(old), ['instanceRef', 'externalID', 'secretName', 'parameters', 'parametersFrom']);
}

export const serviceBinding = catalogResource({
  kind: 'ServiceBinding',
  plural: 'servicebindings',
  namespaced: true,
  strategy: { prepare: prepareBinding, default: defaultBinding, validate: validateBinding, validateUpdate: validateBindingUpdate },
  printerColumns: [
    pathColumn('Service-Instance', ['spec', 'instanceRef', 'name'], 'The instance the binding is to.'),
    pathColumn('Secret-Name', ['spec', 'secretName'], 'The Secret holding the credentials.'),
    statusColumn,
    ageColumn,
  ],
  selectableFields: { 'spec.instanceRef.name': (obj) => asRecord(specOf(obj).instanceRef)?.name as string | undefined },
});
