import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingColumns } from '../../../../src/api/resources/rbac/rbac-columns.js';
import type { KubeObject } from '../../../../src/api/object.js';

test('bindingColumns leave empty subject kinds blank', () => {
  const b: KubeObject = { apiVersion: 'v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' } };
  assert.deepEqual(bindingColumns.filter((c) => c.priority === 1).map((c) => c.cell(b, 0)), ['', '', '']);
});
