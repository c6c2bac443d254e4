import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { matchPodFailurePolicy } from '../../../src/controllers/job/pod-failure-policy.js';

const failed = (codes: Record<string, number>, conditions: object[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  status: { phase: 'Failed', conditions, containerStatuses: Object.entries(codes).map(([name, exitCode]) => ({ name, state: { terminated: { exitCode } } })) },
});

test('matchPodFailurePolicy() applies the first matching rule', () => {
  const policy = {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1] } },
    ],
  };
  assert.deepEqual(matchPodFailurePolicy(undefined, failed({ main: 1 })), { countFailed: true });
  assert.deepEqual(matchPodFailurePolicy(policy, failed({ main: 1 }, [{ type: 'DisruptionTarget', status: 'True' }])), { action: 'Ignore', countFailed: false });
  assert.deepEqual(matchPodFailurePolicy(policy, failed({ side: 0, main: 42 })), {
    action: 'FailJob',
    countFailed: true,
    message: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
  });
  assert.deepEqual(matchPodFailurePolicy(policy, failed({ side: 42 })), { action: 'Count', countFailed: true }, 'another container name');
  assert.deepEqual(matchPodFailurePolicy(policy, failed({ main: 1 })), { countFailed: true }, 'no rule matched');
  const byCondition = { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'True' }] }] };
  assert.equal(matchPodFailurePolicy(byCondition, failed({}, [{ type: 'ConfigIssue', status: 'True' }])).message, 'Pod ns/p has condition ConfigIssue matching FailJob rule at index 0');
});
