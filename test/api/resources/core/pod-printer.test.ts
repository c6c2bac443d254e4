import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { podIP, readinessGatesCell, summarizePod } from '../../../../src/api/resources/core/pod-printer.js';

function pod(spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec, status };
}

test('summarizePod() counts sidecars as containers and reports running ones', () => {
  const p = pod(
    { initContainers: [{ name: 'proxy', image: 'x', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'y' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
    },
  );
  assert.deepEqual(summarizePod(p, Date.now()), { ready: '2/2', status: 'Running', restarts: '1' });
});

test('summarizePod() shows a failed init container', () => {
  const p = pod(
    { initContainers: [{ name: 'init', image: 'x' }], containers: [{ name: 'app', image: 'y' }] },
    { phase: 'Pending', initContainerStatuses: [{ name: 'init', restartCount: 2, state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
  );
  assert.equal(summarizePod(p, Date.now()).status, 'Init:Error');
  assert.equal(summarizePod(p, Date.now()).restarts, '2');
});

test('summarizePod() shows SchedulingGated pods', () => {
  const p = pod({ containers: [{ name: 'a' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(summarizePod(p, Date.now()).status, 'SchedulingGated');
});

test('podIP() and readinessGatesCell()', () => {
  const p = pod({ readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }, { podIP: '10.1.1.1', conditions: [{ type: 'example.com/lb', status: 'True' }] });
  assert.equal(podIP(p), '10.1.1.1');
  assert.equal(readinessGatesCell(p), '1/2');
  assert.equal(podIP(pod({}, {})), '<none>');
});
