import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { configMap } from '../../../../src/api/resources/core/config-map.js';

function cm(extra: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, ...extra };
}

test('a valid configmap passes', () => {
  assert.deepEqual(configMap.strategy.validate!(cm({ data: { 'app.conf': 'x' }, binaryData: { blob: 'AAE=' } })), []);
});

test('configmap keys follow the config key rules', () => {
  const errs = configMap.strategy.validate!(cm({ data: { 'a/b': 'x', dup: 'y' }, binaryData: { dup: 'AA==' } }));
  assert.deepEqual(errs.map((e) => [e.field, e.type]), [
    ['data[a/b]', 'FieldValueInvalid'],
    ['data[dup]', 'FieldValueInvalid'],
  ]);
  assert.equal(errs[1].detail, 'duplicate of key present in binaryData');
});

test('configmaps over 1MiB are too long', () => {
  const errs = configMap.strategy.validate!(cm({ data: { big: 'x'.repeat(1024 * 1024 + 1) } }));
  assert.deepEqual(errs.map((e) => [e.type, e.detail]), [['FieldValueTooLong', 'must have at most 1048576 bytes']]);
});

test('immutable configmaps keep their data', () => {
  const old = cm({ immutable: true, data: { a: '1' } });
  const errs = configMap.strategy.validateUpdate!(cm({ immutable: true, data: { a: '2' } }), old);
  assert.deepEqual(errs.map((e) => e.field), ['data']);
  assert.deepEqual(configMap.strategy.validateUpdate!(cm({ data: { a: '2' } }), cm({ data: { a: '1' } })), []);
});

test('the Data cell counts data and binaryData keys', () => {
  assert.equal(configMap.printerColumns[0].cell(cm({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), Date.now()), 3);
});
