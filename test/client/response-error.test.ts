import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConflict, isGone, isNotFound, notFound, StatusError } from '../../src/api/index.js';
import { statusErrorFromResponse, statusErrorFromStatus } from '../../src/client/response-error.js';

test('statusErrorFromResponse() rebuilds the server Status, so isNotFound() works', () => {
  const sent = notFound({ group: 'apps', resource: 'deployments' }, 'web').status;
  const e = statusErrorFromResponse(404, JSON.stringify(sent));
  assert.ok(e instanceof StatusError);
  assert.ok(isNotFound(e));
  assert.equal(e.message, 'deployments.apps "web" not found');
  assert.deepEqual(e.status.details, sent.details);
});

test('statusErrorFromResponse() makes a generic error from a body that is not a Status', () => {
  const e = statusErrorFromResponse(409, '<html>proxy said no</html>');
  assert.ok(isConflict(e));
  assert.equal(e.code, 409);
  assert.match(e.message, /code 409: <html>proxy said no/);
  assert.equal(statusErrorFromResponse(502, '').reason, 'InternalError');
});

test('statusErrorFromStatus() keeps a watch ERROR event 410 recognisable as gone', () => {
  const e = statusErrorFromStatus({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (9)' });
  assert.ok(isGone(e));
  assert.equal(e.code, 410);
});
