import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../../src/api/resources/index.js';
import { openApiResponse, openApiV2ProtobufMediaType } from '../../../src/api/openapi/endpoint.js';
import { decodeOpenApiV2 } from '../../../src/api/openapi/protobuf.js';

test('openApiResponse() serves v2 as JSON or protobuf', () => {
  const json = openApiResponse(builtinResources, '/openapi/v2');
  assert.equal(json?.contentType, 'application/json');
  const doc = JSON.parse(Buffer.from(json?.body ?? []).toString('utf8'));
  assert.equal(doc.swagger, '2.0');
  const proto = openApiResponse(builtinResources, '/openapi/v2', `${openApiV2ProtobufMediaType}, application/json`);
  // Go's mime parser rejects the '@' of the requested type, so the answer is octet-stream, as kube-apiserver's.
  assert.equal(proto?.contentType, 'application/octet-stream');
  assert.deepStrictEqual(decodeOpenApiV2(proto?.body ?? new Uint8Array()), doc);
  assert.match(proto?.etag ?? '', /^"[0-9A-F]+"$/);
});

test('openApiResponse() serves the v3 index and hash-pinned documents', () => {
  const index = openApiResponse(builtinResources, '/openapi/v3');
  const paths = JSON.parse(Buffer.from(index?.body ?? []).toString('utf8')).paths;
  const url = new URL(paths['apis/apps/v1'].serverRelativeURL, 'https://x');
  assert.equal(url.pathname, '/openapi/v3/apis/apps/v1');
  const doc = openApiResponse(builtinResources, url.pathname, '', url.searchParams);
  assert.equal(doc?.etag, `"${url.searchParams.get('hash')}"`);
  assert.equal(doc?.cacheControl, 'public, immutable');
  assert.equal(openApiResponse(builtinResources, url.pathname)?.cacheControl, 'no-cache, private');
  assert.equal(openApiResponse(builtinResources, '/openapi/v3/apis/nope/v1'), undefined);
  assert.equal(openApiResponse(builtinResources, '/openapi/v4'), undefined);
});
