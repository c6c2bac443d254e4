import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { finishedAtMs, msUntilExpiry } from '../../../src/controllers/job/ttl-after-finished.js';

const job = (ttl: number | undefined, cond?: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j' },
  spec: ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl },
  status: cond ? { conditions: [{ type: cond, status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] } : {},
});

test('msUntilExpiry() counts from the Complete or Failed transition, and only with a TTL', () => {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(finishedAtMs(job(5, 'Complete')), t0);
  assert.equal(msUntilExpiry(job(5, 'Complete'), t0 + 2000), 3000);
  assert.equal(msUntilExpiry(job(5, 'Failed'), t0 + 6000), -1000);
  assert.equal(msUntilExpiry(job(undefined, 'Complete'), t0), undefined);
  assert.equal(msUntilExpiry(job(5, 'SuccessCriteriaMet'), t0), undefined, 'not finished yet');
});
