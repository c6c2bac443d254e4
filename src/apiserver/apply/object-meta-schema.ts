import type { SchemaNode } from '../../api/schema.js';

/**
 * ObjectMeta's merge semantics, used whenever a resource's schema does not describe `metadata`
 * (custom resources without a schema, tests): labels and annotations are granular maps, finalizers a
 * set, ownerReferences a list map keyed by uid, as the published ObjectMeta definition declares.
 */
const leaf = (type: string): SchemaNode => ({ type, field: () => undefined, items: () => undefined, values: () => undefined });

const stringMap: SchemaNode = { type: 'object', field: () => undefined, items: () => undefined, values: () => leaf('string') };

const struct = (fields: Record<string, SchemaNode>): SchemaNode => ({
  type: 'object',
  field: (name) => fields[name],
  items: () => undefined,
  values: () => undefined,
});

const ownerReference = struct({
  apiVersion: leaf('string'),
  kind: leaf('string'),
  name: leaf('string'),
  uid: leaf('string'),
  controller: leaf('boolean'),
  blockOwnerDeletion: leaf('boolean'),
});

export const objectMetaSchema: SchemaNode = struct({
  name: leaf('string'),
  generateName: leaf('string'),
  namespace: leaf('string'),
  selfLink: leaf('string'),
  uid: leaf('string'),
  resourceVersion: leaf('string'),
  generation: leaf('integer'),
  creationTimestamp: leaf('string'),
  deletionTimestamp: leaf('string'),
  deletionGracePeriodSeconds: leaf('integer'),
  labels: stringMap,
  annotations: stringMap,
  finalizers: { type: 'array', field: () => undefined, items: () => leaf('string'), values: () => undefined, listType: 'set', patchStrategy: 'merge' },
  ownerReferences: {
    type: 'array',
    field: () => undefined,
    items: () => ownerReference,
    values: () => undefined,
    listType: 'map',
    listMapKeys: ['uid'],
    patchStrategy: 'merge',
    patchMergeKey: 'uid',
  },
  managedFields: { type: 'array', field: () => undefined, items: () => undefined, values: () => undefined, listType: 'atomic' },
});

/** The schema of a whole object, with ObjectMeta filled in where the given one lacks it. */
export function objectSchema(schema: SchemaNode | undefined): SchemaNode | undefined {
  if (schema?.field('metadata')) return schema;
  return {
    type: 'object',
    field: (name) => (name === 'metadata' ? objectMetaSchema : schema?.field(name)),
    items: () => undefined,
    values: () => schema?.values(),
  };
}
