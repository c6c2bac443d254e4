import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selfSubjectRulesReview } from '../../../../src/api/resources/authorization/self-subject-rules-review.js';

test('selfsubjectrulesreviews are create-only in authorization.k8s.io/v1', () => {
  assert.deepEqual(selfSubjectRulesReview.verbs, ['create']);
  assert.equal(selfSubjectRulesReview.group, 'authorization.k8s.io');
  assert.equal(selfSubjectRulesReview.kind, 'SelfSubjectRulesReview');
  assert.equal(selfSubjectRulesReview.plural, 'selfsubjectrulesreviews');
  assert.equal(selfSubjectRulesReview.namespaced, false);
  assert.equal(selfSubjectRulesReview.schema, 'io.k8s.api.authorization.v1.SelfSubjectRulesReview');
  // Reviews carry no name, so validation must not ask for one.
  assert.deepEqual(selfSubjectRulesReview.strategy.validate!({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { user: 'u', resourceAttributes: { verb: 'get' } } }), []);
});
