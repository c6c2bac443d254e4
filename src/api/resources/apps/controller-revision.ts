import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { ageColumn } from '../../validation/workload-columns.js';
import { validateImmutable, validateNonnegative } from '../../validation/workload-validation.js';

function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  if (obj.data === undefined || obj.data === null) errs.push(field.required('data', ''));
  errs.push(...validateNonnegative(obj.revision, 'revision'));
  return errs;
}

/** A revision's snapshot never changes; only its revision number may move (a rollback renumbers it). */
function validateControllerRevisionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutable(obj.data, old.data, 'data');
}

/** `statefulset.apps/web`, as kubectl prints a controller: lower-case kind, the group, the name. */
function controllerOf(obj: KubeObject): string {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const kind = ref.kind.toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${ref.name}`;
}

/**
 * ControllerRevision: an immutable snapshot of a StatefulSet's or DaemonSet's pod template with a
 * revision number; the controllers keep their history in them and `kubectl rollout undo` patches the
 * owner with a revision's `data`.
 */
export const controllerRevision = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  namespaced: true,
  schema: 'io.k8s.api.apps.v1.ControllerRevision',
  generation: false,
  strategy: { validate: validateControllerRevision, validateUpdate: validateControllerRevisionUpdate },
  printerColumns: [
    { name: 'Controller', type: 'string', description: 'Controller of the object', priority: 0, cell: controllerOf },
    {
      name: 'Revision',
      type: 'string',
      description: 'Revision indicates the revision of the state represented by Data.',
      priority: 0,
      cell: (obj) => String(typeof obj.revision === 'number' ? obj.revision : 0),
    },
    ageColumn,
  ],
});
