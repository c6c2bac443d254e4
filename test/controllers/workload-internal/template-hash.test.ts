import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, safeEncode, templateHash } from '../../../src/controllers/workload-internal/template-hash.js';

test('templateHash() is stable under key order, changes with content and collision count, and uses no vowels', () => {
  const a = { metadata: { labels: { app: 'web', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { tier: 'x', app: 'web' } } };
  assert.equal(templateHash(a), templateHash(b));
  assert.notEqual(templateHash(a), templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
  assert.notEqual(templateHash(a), templateHash(a, 1));
  assert.match(templateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(canonicalJson({ b: 1, a: [2, { d: undefined, c: null }] }), '{"a":[2,{"c":null}],"b":1}');
  assert.equal(safeEncode('0123'), '4567');
});
