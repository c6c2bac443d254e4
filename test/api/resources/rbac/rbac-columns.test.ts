import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingColumns, createdAtColumn } from '../../../../src/api/resources/rbac/rbac-columns.js';
import type { KubeObject } from '../../../../src/api/object.js';

test('createdAtColumn prints RFC 3339 UTC without fractions, Go\'s zero time when unset', () => {
  const at = (creationTimestamp?: string) => createdAtColumn.cell({ apiVersion: 'v1', kind: 'Role', metadata: { name: 'r', creationTimestamp } }, 0);
  assert.equal(at('2024-05-01T12:00:00+02:00'), '2024-05-01T10:00:00Z');
  assert.equal(at(undefined), '0001-01-01T00:00:00Z');
});

test('bindingColumns leave empty subject kinds blank', () => {
  const b: KubeObject = { apiVersion: 'v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' } };
  assert.deepEqual(bindingColumns.filter((c) => c.priority === 1).map((c) => c.cell(b, 0)), ['', '', '']);
});
