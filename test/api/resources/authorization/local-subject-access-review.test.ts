import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localSubjectAccessReview } from '../../../../src/api/resources/authorization/local-subject-access-review.js';

test('localsubjectaccessreviews are create-only in authorization.k8s.io/v1', () => {
  assert.deepEqual(localSubjectAccessReview.verbs, ['create']);
  assert.equal(localSubjectAccessReview.group, 'authorization.k8s.io');
  assert.equal(localSubjectAccessReview.kind, 'LocalSubjectAccessReview');
  assert.equal(localSubjectAccessReview.plural, 'localsubjectaccessreviews');
  assert.equal(localSubjectAccessReview.namespaced, true);
  assert.equal(localSubjectAccessReview.schema, 'io.k8s.api.authorization.v1.LocalSubjectAccessReview');
  // Reviews carry no name, so validation must not ask for one.
  assert.deepEqual(localSubjectAccessReview.strategy.validate!({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: 'n' }, spec: { user: 'u', resourceAttributes: { verb: 'get', namespace: 'n' } } }), []);
});
