import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInstanceParameters } from '../../../../src/catalog/brokers/postgresql/instance-parameters.js';

test('parseInstanceParameters() fills in defaults and removes duplicate extensions', () => {
  assert.deepEqual(parseInstanceParameters(undefined), { ok: true, value: { extensions: [], connectionLimit: -1 } });
  assert.deepEqual(parseInstanceParameters({ extensions: ['citext', 'pgcrypto', 'citext'], connectionLimit: 0 }), {
    ok: true,
    value: { extensions: ['citext', 'pgcrypto'], connectionLimit: 0 },
  });
});

test('parseInstanceParameters() names every field that breaks the schema', () => {
  const r = parseInstanceParameters({ extensions: ['pgcrypto', 'plpython3u', 7], connectionLimit: -2, owner: 'me' });
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.deepEqual(r.problems, [
    'parameters.connectionLimit must be at least -1',
    'parameters.owner is not allowed',
    'parameters.extensions[1] must be one of "btree_gin", "btree_gist", "citext", "cube", "fuzzystrmatch", "hstore", "intarray", "isn", "ltree", "pg_trgm", "pgcrypto", "seg", "tablefunc", "unaccent", "uuid-ossp"',
    'parameters.extensions[2] must be of type string',
  ]);
  const notObject = parseInstanceParameters([1]);
  assert.ok(!notObject.ok);
  assert.deepEqual(notObject.problems, ['parameters must be of type object']);
});
