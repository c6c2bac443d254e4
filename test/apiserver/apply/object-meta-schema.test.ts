import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectMetaSchema, objectSchema } from '../../../src/apiserver/apply/object-meta-schema.js';

test('objectSchema() supplies ObjectMeta when the schema lacks it', () => {
  const s = objectSchema(undefined)!;
  assert.equal(s.field('metadata'), objectMetaSchema);
  assert.equal(s.field('metadata')!.field('finalizers')!.listType, 'set');
  assert.deepEqual(s.field('metadata')!.field('ownerReferences')!.listMapKeys, ['uid']);
  assert.equal(s.field('spec'), undefined);
});
