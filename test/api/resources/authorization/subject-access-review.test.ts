import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subjectAccessReview } from '../../../../src/api/resources/authorization/subject-access-review.js';

test('subjectaccessreviews are create-only in authorization.k8s.io/v1', () => {
  assert.deepEqual(subjectAccessReview.verbs, ['create']);
  assert.equal(subjectAccessReview.group, 'authorization.k8s.io');
  assert.equal(subjectAccessReview.kind, 'SubjectAccessReview');
  assert.equal(subjectAccessReview.plural, 'subjectaccessreviews');
  assert.equal(subjectAccessReview.namespaced, false);
  assert.equal(subjectAccessReview.schema, 'io.k8s.api.authorization.v1.SubjectAccessReview');
  // Reviews carry no name, so validation must not ask for one.
  assert.deepEqual(subjectAccessReview.strategy.validate!({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec: { user: 'u', resourceAttributes: { verb: 'get' } } }), []);
});
