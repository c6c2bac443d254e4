import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentType, gnosticRoot } from '../../../src/api/openapi/gnostic-v2.js';

test('gnosticRoot() has gnostic field numbers', () => {
  const doc = documentType();
  assert.equal(doc.fields['paths']?.id, 8);
  assert.equal(doc.fields['definitions']?.id, 9);
  const schema = gnosticRoot().lookupType('openapi.v2.Schema');
  assert.equal(schema.fields['ref']?.id, 1);
  assert.equal(schema.fields['type']?.id, 22);
  assert.equal(schema.fields['vendorExtension']?.id, 31);
  assert.equal(schema.fields['vendorExtension']?.repeated, true);
  const op = gnosticRoot().lookupType('openapi.v2.Operation');
  assert.equal(op.fields['vendorExtension']?.id, 13);
  const nonBody = gnosticRoot().lookupType('openapi.v2.NonBodyParameter');
  assert.deepEqual(nonBody.oneofs['oneof']?.oneof, [
    'headerParameterSubSchema', 'formDataParameterSubSchema', 'queryParameterSubSchema', 'pathParameterSubSchema',
  ]);
});

test('documentType() encodes a known byte layout', () => {
  const type = documentType();
  // field 1 (swagger), wire type 2, length 3, "2.0"
  assert.deepEqual([...type.encode(type.fromObject({ swagger: '2.0' })).finish()], [0x0a, 3, 0x32, 0x2e, 0x30]);
});
