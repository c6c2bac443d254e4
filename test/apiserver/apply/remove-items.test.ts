import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import { keyElement } from '../../../src/apiserver/apply/path-element.js';
import { removeItems } from '../../../src/apiserver/apply/remove-items.js';
import { deploymentSchema } from './deployment-schema.js';

test('removeItems() removes members with their subtree and drops emptied containers', () => {
  const obj = { metadata: { name: 'x', labels: { a: '1' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } } };
  const set = FieldSet.of(
    [{ kind: 'field', name: 'metadata' }, { kind: 'field', name: 'labels' }, { kind: 'field', name: 'a' }],
    [{ kind: 'field', name: 'spec' }, { kind: 'field', name: 'template' }, { kind: 'field', name: 'spec' }, { kind: 'field', name: 'containers' }, keyElement([['name', 'a']])],
  );
  assert.deepEqual(removeItems(obj, set, deploymentSchema), {
    metadata: { name: 'x' },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'b' }] } } },
  });
});
