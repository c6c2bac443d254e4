import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateLocalSubjectAccessReview,
  validateSelfSubjectAccessReview,
  validateSubjectAccessReview,
} from '../../../../src/api/resources/authorization/access-review-validation.js';
import type { KubeObject } from '../../../../src/api/object.js';

const review = (kind: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind,
  metadata: metadata as KubeObject['metadata'],
  spec,
});
const fields = (errs: { field: string; detail: string }[]) => errs.map((e) => `${e.field}: ${e.detail}`);

test('validateSubjectAccessReview() wants one kind of attributes and a user or group', () => {
  assert.deepEqual(validateSubjectAccessReview(review('SubjectAccessReview', { user: 'u', resourceAttributes: { verb: 'get' } }, { creationTimestamp: null })), []);
  assert.deepEqual(fields(validateSubjectAccessReview(review('SubjectAccessReview', {}, { name: 'x' }))), [
    'spec.resourceAttributes: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    'spec.user: at least one of user or group must be specified',
    'metadata: must be empty',
  ]);
});

test('validateSelfSubjectAccessReview() needs no user', () => {
  assert.deepEqual(validateSelfSubjectAccessReview(review('SelfSubjectAccessReview', { nonResourceAttributes: { path: '/', verb: 'get' } })), []);
  assert.deepEqual(fields(validateSelfSubjectAccessReview(review('SelfSubjectAccessReview', { nonResourceAttributes: {}, resourceAttributes: {} }))), [
    'spec.nonResourceAttributes: cannot be specified in combination with resourceAttributes',
  ]);
});

test('validateLocalSubjectAccessReview() ties the attributes to metadata.namespace', () => {
  const ok = review('LocalSubjectAccessReview', { user: 'u', resourceAttributes: { namespace: 'n', verb: 'get' } }, { namespace: 'n' });
  assert.deepEqual(validateLocalSubjectAccessReview(ok), []);
  const bad = review('LocalSubjectAccessReview', { groups: ['g'], resourceAttributes: { namespace: 'm' }, nonResourceAttributes: {} }, { namespace: 'n', name: 'x' });
  assert.deepEqual(fields(validateLocalSubjectAccessReview(bad)), [
    'spec.nonResourceAttributes: cannot be specified in combination with resourceAttributes',
    'metadata: must be empty except for namespace',
    'spec.resourceAttributes.namespace: must match metadata.namespace',
    'spec.nonResourceAttributes: disallowed on this kind of request',
  ]);
});
