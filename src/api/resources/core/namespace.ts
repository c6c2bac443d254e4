import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import { allVerbs, defineResource } from '../../resource.js';
import { arr, ensureRecord, rec, str } from '../../validation/json-access.js';
import { dns1123Label, qualifiedName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

/** Finalizers without a domain prefix must be Kubernetes' own. */
function validateFinalizers(finalizers: unknown): FieldError[] {
  const errs: FieldError[] = [];
  arr(finalizers).forEach((f) => {
    const name = str(f);
    for (const m of qualifiedName(name)) errs.push(field.invalid('spec.finalizers', name, m));
    if (!name.includes('/') && name !== 'kubernetes') {
      errs.push(field.invalid('spec.finalizers', name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

export const namespace = defineResource({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
  schema: 'io.k8s.api.core.v1.Namespace',
  shortNames: ['ns'],
  subresources: { status: true, finalize: true },
  // Namespaces cannot be deleted as a collection.
  verbs: allVerbs.filter((v) => v !== 'deletecollection'),
  generation: false,
  strategy: {
    prepare(obj, ctx) {
      if (!ctx.old) {
        // A new namespace is active and held by the namespace controller's finalizer until emptied.
        obj.status = { phase: 'Active' };
        const spec = ensureRecord(obj, 'spec');
        const finalizers = arr(spec.finalizers).map(str);
        if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
        return;
      }
      if (ctx.subresource === 'delete') {
        // Marked for deletion: it terminates until the namespace controller has emptied and finalized it.
        obj.status = { ...rec(obj.status), phase: 'Terminating' };
        return;
      }
      if (ctx.subresource === undefined) {
        // Only the finalize subresource may change spec.finalizers.
        const spec = ensureRecord(obj, 'spec');
        const oldFinalizers = rec(ctx.old.spec)?.finalizers;
        if (oldFinalizers === undefined) delete spec.finalizers;
        else spec.finalizers = oldFinalizers;
      } else if (ctx.subresource === 'finalize') {
        if (ctx.old.status === undefined) delete obj.status;
        else obj.status = ctx.old.status;
      }
    },
    // A namespace goes only once every `spec.finalizers` entry (the namespace controller's) is finalized away.
    deletionBlocked(obj) {
      return arr(rec(obj.spec)?.finalizers).length > 0;
    },
    default(obj) {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
      const status = rec(obj.status);
      if (status && !str(status.phase)) status.phase = 'Active';
    },
    validate(obj) {
      return [...validateObjectMeta(obj, false, dns1123Label), ...validateFinalizers(rec(obj.spec)?.finalizers)];
    },
    validateUpdate(obj) {
      const phase = str(rec(obj.status)?.phase);
      if (!obj.metadata.deletionTimestamp && phase !== 'Active') {
        return [field.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
      }
      if (obj.metadata.deletionTimestamp && phase !== 'Terminating') {
        return [field.invalid('status.Phase', phase, "may only be in 'Terminating' if `deletionTimestamp` is not empty")];
      }
      return [];
    },
  },
  printerColumns: [
    { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0, cell: (o) => str(rec(o.status)?.phase) },
    ageColumn(),
  ],
  selectableFields: {
    'status.phase': (o) => str(rec(o.status)?.phase),
    // Kept by Kubernetes for old clients.
    name: (o) => o.metadata.name,
  },
});
