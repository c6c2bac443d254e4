import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../../src/api/resources/index.js';
import { buildOpenApiV2 } from '../../../src/api/openapi/v2.js';
import { decodeOpenApiV2, encodeOpenApiV2 } from '../../../src/api/openapi/protobuf.js';
import { documentType } from '../../../src/api/openapi/gnostic-v2.js';

test('encodeOpenApiV2() round-trips the served document', () => {
  const doc = buildOpenApiV2(builtinResources);
  const bytes = encodeOpenApiV2(doc);
  assert.ok(bytes.length > 1000);
  assert.deepStrictEqual(decodeOpenApiV2(bytes), doc);
});

test('encodeOpenApiV2() writes vendor extensions as YAML in Any', () => {
  const doc = {
    swagger: '2.0',
    info: { title: 'T', version: 'v1' },
    paths: {
      '/x': {
        patch: {
          operationId: 'patchX',
          parameters: [{ uniqueItems: true, type: 'string', description: 'd', name: 'fieldValidation', in: 'query' }],
          responses: { '200': { description: 'OK' } },
          'x-kubernetes-group-version-kind': { group: '', kind: 'Pod', version: 'v1' },
        },
      },
    },
  };
  const type = documentType();
  const msg = type.toObject(type.decode(encodeOpenApiV2(doc))) as Record<string, any>;
  const op = msg['paths'].path[0].value.patch;
  assert.equal(op.vendorExtension[0].name, 'x-kubernetes-group-version-kind');
  assert.match(op.vendorExtension[0].value.yaml, /"kind":"Pod"/);
  assert.equal(op.parameters[0].parameter.nonBodyParameter.queryParameterSubSchema.name, 'fieldValidation');
  assert.deepStrictEqual(decodeOpenApiV2(encodeOpenApiV2(doc)), doc);
});
