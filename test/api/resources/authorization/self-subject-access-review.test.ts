import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selfSubjectAccessReview } from '../../../../src/api/resources/authorization/self-subject-access-review.js';

test('selfsubjectaccessreviews are create-only in authorization.k8s.io/v1', () => {
  assert.deepEqual(selfSubjectAccessReview.verbs, ['create']);
  assert.equal(selfSubjectAccessReview.group, 'authorization.k8s.io');
  assert.equal(selfSubjectAccessReview.kind, 'SelfSubjectAccessReview');
  assert.equal(selfSubjectAccessReview.plural, 'selfsubjectaccessreviews');
  assert.equal(selfSubjectAccessReview.namespaced, false);
  assert.equal(selfSubjectAccessReview.schema, 'io.k8s.api.authorization.v1.SelfSubjectAccessReview');
  // Reviews carry no name, so validation must not ask for one.
  assert.deepEqual(selfSubjectAccessReview.strategy.validate!({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { user: 'u', resourceAttributes: { verb: 'get' } } }), []);
});
