import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejected } from '../../../src/apiserver/authn/rejected.js';

test('rejected() is Kubernetes\' bare Unauthorized Status, keeping the reason only as the cause', () => {
  const e = rejected('service account token has expired');
  assert.deepEqual(e.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  assert.equal(e.cause, 'service account token has expired');
  assert.doesNotMatch(JSON.stringify(e.status), /expired/);
});
