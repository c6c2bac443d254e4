import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { computePodStatus, podStatusDiffers, sameJson } from '../../src/node/pod-status.js';
import type { RuntimeContainerStatus, RuntimePodStatus } from '../../src/node/runtime.js';
import { simPod } from './fixtures.js';

const at = '2025-01-01T00:00:00Z';
const ctx = { hostIP: '172.16.0.1', startTime: at, now: Date.parse('2025-01-01T00:01:00Z') };

function container(name: string, state: RuntimeContainerStatus['state'], extra: Partial<RuntimeContainerStatus> = {}): RuntimeContainerStatus {
  return { name, image: 'docker.io/library/nginx:latest', imageID: 'id', containerID: 'wharf-simulated://1', state, restartCount: 0, ...extra };
}

function rt(containers: RuntimeContainerStatus[], sandboxReady = true): RuntimePodStatus {
  return { uid: 'u', sandboxReady, podIP: sandboxReady ? '10.0.0.2' : undefined, initContainers: [], containers };
}

function withPolicy(policy: string): KubeObject {
  const p = simPod('p', { containers: ['b', 'a'] });
  (p.spec as Record<string, unknown>).restartPolicy = policy;
  return p;
}

test('computePodStatus() reports a pod without runtime state as Pending with unready conditions', () => {
  const s = computePodStatus(simPod('p'), undefined, ctx);
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.conditions.map((c) => [c.type, c.status]), [
    ['PodReadyToStartContainers', 'False'],
    ['Initialized', 'True'],
    ['Ready', 'False'],
    ['ContainersReady', 'False'],
    ['PodScheduled', 'True'],
  ]);
  assert.equal(s.podIP, undefined);
  assert.equal(s.hostIP, '172.16.0.1');
});

test('computePodStatus() sorts container statuses by name and is Running and Ready when all run', () => {
  const s = computePodStatus(withPolicy('Always'), rt([container('b', { running: { startedAt: at } }), container('a', { running: { startedAt: at } })]), ctx);
  assert.equal(s.phase, 'Running');
  assert.deepEqual(s.containerStatuses.map((c) => c.name), ['a', 'b']);
  assert.ok(s.containerStatuses.every((c) => c.ready && c.started));
  assert.equal(s.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  assert.deepEqual(s.podIPs, [{ ip: '10.0.0.2' }]);
});

test('computePodStatus() names unready containers while one is still being created', () => {
  const s = computePodStatus(withPolicy('Always'), rt([container('a', { running: { startedAt: at } }), container('b', { waiting: { reason: 'ContainerCreating' } }, { containerID: '' })]), ctx);
  assert.equal(s.phase, 'Pending');
  const ready = s.conditions.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ContainersNotReady', 'containers with unready status: [b]']);
  assert.equal(s.containerStatuses[1].containerID, undefined);
});

test('computePodStatus() keeps a running container with a failing readiness probe out of Ready', () => {
  const s = computePodStatus(withPolicy('Always'), rt([container('a', { running: { startedAt: at } }, { ready: false }), container('b', { running: { startedAt: at } })]), ctx);
  assert.equal(s.phase, 'Running');
  assert.deepEqual(s.containerStatuses.map((c) => [c.name, c.ready, c.started]), [['a', false, true], ['b', true, true]]);
  for (const type of ['Ready', 'ContainersReady']) {
    const c = s.conditions.find((x) => x.type === type)!;
    assert.deepEqual([c.status, c.reason, c.message], ['False', 'ContainersNotReady', 'containers with unready status: [a]']);
  }
  const passed = computePodStatus(withPolicy('Always'), rt([container('a', { running: { startedAt: at } }, { ready: true }), container('b', { running: { startedAt: at } })]), ctx);
  assert.equal(passed.conditions.find((x) => x.type === 'Ready')?.status, 'True');
});

test('computePodStatus() counts a container not yet past its startup probe as neither started nor ready', () => {
  const s = computePodStatus(withPolicy('Always'), rt([container('a', { running: { startedAt: at } }, { started: false, ready: true }), container('b', { running: { startedAt: at } })]), ctx);
  assert.deepEqual(s.containerStatuses.map((c) => [c.name, c.ready, c.started]), [['a', false, false], ['b', true, true]]);
  assert.equal(s.conditions.find((x) => x.type === 'Ready')?.status, 'False');
  // A container that is not running is not ready, whatever its last probe said.
  const exited = computePodStatus(withPolicy('Always'), rt([container('a', { terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at, containerID: 'x' } }, { ready: true, started: true }), container('b', { running: { startedAt: at } })]), ctx);
  assert.deepEqual(exited.containerStatuses.map((c) => [c.ready, c.started]), [[false, false], [true, true]]);
});

test('computePodStatus() follows the restart policy once containers exit', () => {
  const done = (code: number) => container('a', { terminated: { exitCode: code, reason: code ? 'Error' : 'Completed', startedAt: at, finishedAt: at, containerID: 'x' } });
  const one = (policy: string, code: number) => {
    const p = simPod('p');
    (p.spec as Record<string, unknown>).restartPolicy = policy;
    return computePodStatus(p, rt([done(code)]), ctx).phase;
  };
  assert.equal(one('Never', 0), 'Succeeded');
  assert.equal(one('Never', 2), 'Failed');
  assert.equal(one('OnFailure', 0), 'Succeeded');
  assert.equal(one('OnFailure', 1), 'Running');
  assert.equal(one('Always', 0), 'Running');
  const p = simPod('p');
  (p.spec as Record<string, unknown>).restartPolicy = 'Never';
  const s = computePodStatus(p, rt([done(0)]), ctx);
  assert.equal(s.conditions.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
});

test('computePodStatus() shows a container in back-off as CrashLoopBackOff with its last state', () => {
  const exited = container('a', { terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at, containerID: 'x' } }, { restartCount: 2 });
  const s = computePodStatus(simPod('p'), rt([exited]), { ...ctx, backingOff: new Map([['a', 20_000]]) });
  const c = s.containerStatuses[0];
  assert.equal(s.phase, 'Running');
  assert.equal((c.state as { waiting: { reason: string; message: string } }).waiting.reason, 'CrashLoopBackOff');
  assert.match((c.state as { waiting: { message: string } }).waiting.message, /^back-off 20s restarting failed container=a pod=p_default/);
  assert.equal((c.lastState as { terminated: { exitCode: number } }).terminated.exitCode, 1);
  assert.equal(c.restartCount, 2);
});

test('computePodStatus() keeps transition times while a condition holds, and foreign conditions', () => {
  const pod = simPod('p');
  pod.status = { startTime: '2024-12-31T00:00:00Z', conditions: [
    { type: 'Ready', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-12-30T00:00:00Z' },
    { type: 'DisruptionTarget', status: 'True', reason: 'X', lastTransitionTime: at },
  ] };
  const s = computePodStatus(pod, rt([container('c', { running: { startedAt: at } })]), ctx);
  assert.equal(s.startTime, '2024-12-31T00:00:00Z');
  assert.equal(s.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime, '2024-12-31T00:00:00Z');
  assert.equal(s.conditions.find((c) => c.type === 'ContainersReady')?.lastTransitionTime, '2025-01-01T00:01:00Z');
  assert.equal(s.conditions.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, '2024-12-30T00:00:00Z');
  assert.equal(s.conditions.at(-1)?.type, 'DisruptionTarget');
});

test('computePodStatus() holds Ready back until readiness gates are True', () => {
  const pod = simPod('p');
  (pod.spec as Record<string, unknown>).readinessGates = [{ conditionType: 'example.com/lb' }];
  const running = rt([container('c', { running: { startedAt: at } })]);
  const missing = computePodStatus(pod, running, ctx).conditions.find((c) => c.type === 'Ready')!;
  assert.deepEqual([missing.status, missing.reason, missing.message], ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/lb" does not exist.']);
  pod.status = { conditions: [{ type: 'example.com/lb', status: 'True', lastTransitionTime: at }] };
  assert.equal(computePodStatus(pod, running, ctx).conditions.find((c) => c.type === 'Ready')?.status, 'True');
});

test('podStatusDiffers() ignores fields the agent does not own and null-versus-absent', () => {
  const pod = simPod('p');
  const s = computePodStatus(pod, rt([container('c', { running: { startedAt: at } })]), ctx);
  pod.status = { ...JSON.parse(JSON.stringify(s)), qosClass: 'BestEffort' };
  assert.equal(podStatusDiffers(pod, s), false);
  (pod.status as { phase: string }).phase = 'Pending';
  assert.equal(podStatusDiffers(pod, s), true);
  assert.equal(sameJson({ a: 1, b: null }, { a: 1 }), true);
  assert.equal(sameJson([1, 2], [1, 2, 3]), false);
});
