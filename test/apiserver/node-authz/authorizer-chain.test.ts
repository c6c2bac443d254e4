import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorizerChain } from '../../../src/apiserver/node-authz/authorizer-chain.js';
import type { AuthorizationAttributes, AuthorizationDecision } from '../../../src/apiserver/request-context.js';

const a: AuthorizationAttributes = { user: { username: 'u', groups: [] }, verb: 'get', resourceRequest: true, resource: 'pods' };
const fixed = (d: AuthorizationDecision) => ({ authorize: () => d });

test('authorizerChain() takes the first allow or deny and joins no-opinion reasons with newlines', () => {
  const calls: string[] = [];
  const spy = (name: string, d: AuthorizationDecision) => ({ authorize: () => (calls.push(name), d) });
  assert.equal(authorizerChain([spy('node', { decision: 'allow', reason: '' }), spy('rbac', { decision: 'allow', reason: '' })]).authorize(a).decision, 'allow');
  assert.deepEqual(calls, ['node']);
  assert.equal(authorizerChain([fixed({ decision: 'noOpinion', reason: 'x' }), fixed({ decision: 'deny', reason: 'no' })]).authorize(a).decision, 'deny');
  assert.deepEqual(authorizerChain([fixed({ decision: 'noOpinion', reason: 'first' }), fixed({ decision: 'noOpinion', reason: '' }), fixed({ decision: 'noOpinion', reason: 'third' })]).authorize(a), { decision: 'noOpinion', reason: 'first\nthird' });
});
