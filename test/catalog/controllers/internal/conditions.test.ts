import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearFailure, msUntil, recordFailure, removeCondition, setCondition, type ConditionHolder } from '../../../../src/catalog/controllers/internal/conditions.js';

test('setCondition() keeps the transition time while the status holds and prints the holding type or failing reason', () => {
  const s: ConditionHolder = {};
  setCondition(s, 'Ready', 'False', 'Provisioning', 'working', 1, Date.parse('2024-01-01T00:00:00Z'));
  assert.equal(s.lastConditionState, 'Provisioning');
  setCondition(s, 'Ready', 'False', 'Provisioning', 'still working', 2, Date.parse('2024-01-01T00:01:00Z'));
  assert.equal(s.conditions![0].lastTransitionTime, '2024-01-01T00:00:00Z');
  assert.equal(s.conditions![0].message, 'still working');
  assert.equal(s.conditions![0].observedGeneration, 2);
  setCondition(s, 'Ready', 'True', 'ProvisionedSuccessfully', 'done', 2, Date.parse('2024-01-01T00:02:00Z'));
  assert.equal(s.conditions![0].lastTransitionTime, '2024-01-01T00:02:00Z');
  assert.equal(s.lastConditionState, 'Ready');
  setCondition(s, 'OrphanMitigation', 'True', 'StartingInstanceOrphanMitigation', 'cleaning', 2);
  assert.equal(s.conditions!.length, 2);
  removeCondition(s, 'OrphanMitigation');
  assert.deepEqual(s.conditions!.map((c) => c.type), ['Ready']);
});

test('recordFailure() counts attempts and sets the next retry; clearFailure() forgets them', () => {
  const s: ConditionHolder = {};
  const now = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(recordFailure(s, 'ErrorFetchingCatalog', 'down', 4000, now), 4000);
  recordFailure(s, 'ErrorFetchingCatalog', 'down', 8000, now);
  assert.equal(s.retries, 2);
  assert.equal(s.nextRetryTime, '2024-01-01T00:00:08.000Z');
  assert.deepEqual(s.lastError, { reason: 'ErrorFetchingCatalog', message: 'down', time: '2024-01-01T00:00:00Z' });
  assert.equal(msUntil(s.nextRetryTime, now), 8000);
  assert.equal(msUntil(s.nextRetryTime, now + 10_000), 0);
  clearFailure(s);
  assert.deepEqual(s, {});
});

test('markRetrying() records the failure with its wait and drops Failed; markFailed() sets Failed without a retry time', async () => {
  const { markFailed, markRetrying, retryingIn } = await import('../../../../src/catalog/controllers/internal/conditions.js');
  assert.equal(retryingIn(8000), '; retrying in 8 s');
  assert.equal(retryingIn(100), '; retrying in 1 s');
  const s: import('../../../../src/catalog/controllers/internal/conditions.js').OperationStatus = {};
  const now = Date.parse('2024-01-01T00:00:00Z');
  markFailed(s, 'ProvisionCallFailed', 'refused', 3, now);
  assert.equal(s.conditions?.find((c) => c.type === 'Failed')?.status, 'True');
  assert.equal(s.nextRetryTime, undefined);
  assert.equal(s.reconciledGeneration, 3);
  markRetrying(s, 'ProvisionCallFailed', 'broker down', 4000, 4, now);
  assert.equal(s.conditions?.find((c) => c.type === 'Failed'), undefined);
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.message, 'broker down; retrying in 4 s');
  assert.equal(s.nextRetryTime, '2024-01-01T00:00:04.000Z');
  assert.equal(s.retries, 1);
  assert.equal(s.observedGeneration, 4);
});
