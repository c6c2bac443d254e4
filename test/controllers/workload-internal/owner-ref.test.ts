import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { controllerRef, controllerUid, isControlledBy } from '../../../src/controllers/workload-internal/owner-ref.js';

test('controllerRef() points at the owner as controller; isControlledBy() compares uids', () => {
  const owner: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', uid: 'u1' } };
  const ref = controllerRef(owner);
  assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true });
  const child: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', ownerReferences: [ref] } };
  assert.equal(controllerUid(child), 'u1');
  assert.equal(isControlledBy(child, owner), true);
  assert.equal(isControlledBy(child, { ...owner, metadata: { name: 'web', uid: 'u2' } }), false);
  assert.equal(isControlledBy({ ...child, metadata: { name: 'x', ownerReferences: [{ ...ref, controller: false }] } }, owner), false);
});
