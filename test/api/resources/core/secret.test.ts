import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { secret } from '../../../../src/api/resources/core/secret.js';

function sec(extra: Record<string, unknown>): KubeObject {
  const s: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, ...extra };
  secret.strategy.default!(s);
  return s;
}

test('secrets default to Opaque and fold stringData into data', () => {
  const s = sec({ data: { a: 'eA==' }, stringData: { b: 'hello' } });
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: 'eA==', b: 'aGVsbG8=' });
  assert.equal(s.stringData, undefined);
  assert.deepEqual(secret.strategy.validate!(s), []);
});

test('typed secrets require their keys', () => {
  const tls = secret.strategy.validate!(sec({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }));
  assert.deepEqual(tls.map((e) => [e.field, e.type]), [['data[tls.key]', 'FieldValueRequired']]);
  const sa = secret.strategy.validate!(sec({ type: 'kubernetes.io/service-account-token' }));
  assert.deepEqual(sa.map((e) => e.field), ['metadata.annotations[kubernetes.io/service-account.name]']);
  const docker = secret.strategy.validate!(sec({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{nope').toString('base64') } }));
  assert.deepEqual(docker.map((e) => e.field), ['data[.dockerconfigjson]']);
});

test('secret keys follow the config key rules', () => {
  const errs = secret.strategy.validate!(sec({ data: { 'bad key': 'eA==' } }));
  assert.equal(errs[0].field, 'data[bad key]');
});

test('secret type is immutable, and data too once immutable', () => {
  const old = sec({ data: { a: 'eA==' } });
  const errs = secret.strategy.validateUpdate!(sec({ type: 'kubernetes.io/tls', data: { a: 'eA==' } }), old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['type', 'field is immutable']]);
  const frozen = sec({ immutable: true, data: { a: 'eA==' } });
  assert.deepEqual(secret.strategy.validateUpdate!(sec({ immutable: true, data: { a: 'eQ==' } }), frozen).map((e) => e.field), ['data']);
});

test('secret cells and the type field selector', () => {
  const s = sec({ data: { a: 'eA==', b: 'eQ==' } });
  assert.deepEqual(secret.printerColumns.map((c) => c.name), ['Type', 'Data', 'Age']);
  assert.equal(secret.printerColumns[0].cell(s, Date.now()), 'Opaque');
  assert.equal(secret.printerColumns[1].cell(s, Date.now()), 2);
  assert.equal(secret.selectableFields.type(s), 'Opaque');
});
