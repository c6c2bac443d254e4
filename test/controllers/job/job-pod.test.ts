import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { completionIndex, formatIndexes, jobPod, parseIndexes } from '../../../src/controllers/job/job-pod.js';

const job: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'work', namespace: 'ns', uid: 'u' },
  spec: { template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'work' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }] }] } } },
};

test('jobPod() tracks pods with the finalizer and gives indexed pods their index', () => {
  const plain = jobPod(job);
  assert.equal(plain.metadata.generateName, 'work-');
  assert.deepEqual(plain.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
  assert.equal(completionIndex(plain), undefined);
  const indexed = jobPod(job, 4);
  assert.equal(indexed.metadata.generateName, 'work-4-');
  assert.equal(indexed.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], '4');
  assert.equal(indexed.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '4');
  assert.equal(completionIndex(indexed), 4);
  const spec = indexed.spec as { hostname: string; containers: { env: object[] }[] };
  assert.equal(spec.hostname, 'work-4');
  assert.deepEqual(spec.containers[0].env, [
    { name: 'A', value: '1' },
    { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
  ]);
});

test('formatIndexes() and parseIndexes() use the completedIndexes interval format', () => {
  assert.equal(formatIndexes([5, 1, 3, 4, 7, 8]), '1,3-5,7,8');
  assert.equal(formatIndexes([]), '');
  assert.deepEqual([...parseIndexes('1,3-5,7,8', 100)].sort((a, b) => a - b), [1, 3, 4, 5, 7, 8]);
  assert.deepEqual([...parseIndexes('0-9', 3)], [0, 1, 2], 'limited to completions');
});
