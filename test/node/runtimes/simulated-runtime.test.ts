import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedRuntime } from '../../../src/node/runtimes/simulated-runtime.js';
import { simPod } from '../fixtures.js';

const sandbox = { podIP: '10.0.0.2', hostIP: '172.16.0.1' };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pod(name: string, annotations?: Record<string, string>) {
  const p = simPod(name, { annotations });
  p.metadata.uid = `uid-${name}`;
  return p;
}

test('SimulatedRuntime creates a pod for the startup delay, then runs its containers', async () => {
  const rt = new SimulatedRuntime({ startupDelayMs: 50 });
  const changes: string[] = [];
  rt.onPodChange((uid) => changes.push(uid));
  rt.startPod(pod('a'), sandbox);
  rt.startPod(pod('a'), sandbox);
  let s = rt.podStatus('uid-a')!;
  assert.equal(s.sandboxReady, false);
  assert.deepEqual(s.containers[0].state, { waiting: { reason: 'ContainerCreating' } });
  await wait(100);
  s = rt.podStatus('uid-a')!;
  assert.equal(s.sandboxReady, true);
  assert.equal(s.podIP, '10.0.0.2');
  assert.ok('running' in s.containers[0].state);
  assert.deepEqual(changes, ['uid-a', 'uid-a']);
  rt.close();
});

test('SimulatedRuntime exits containers by annotation and restarts them on request', async () => {
  const rt = new SimulatedRuntime({ startupDelayMs: 0 });
  const p = pod('job', { 'wharf.dev/simulate-exit-after': '30ms', 'wharf.dev/simulate-exit-code': '4' });
  rt.startPod(p, sandbox);
  await wait(60);
  const c = rt.podStatus('uid-job')!.containers[0];
  assert.ok('terminated' in c.state && c.state.terminated.exitCode === 4 && c.state.terminated.reason === 'Error');
  rt.restartContainer(p, 'c');
  const again = rt.podStatus('uid-job')!.containers[0];
  assert.equal(again.restartCount, 1);
  assert.ok('running' in again.state);
  assert.ok(again.lastState && 'terminated' in again.lastState);
  assert.notEqual(again.containerID, c.containerID);
  rt.close();
});

test('SimulatedRuntime stops within the grace period, killing what outlasts it', async () => {
  const rt = new SimulatedRuntime({ startupDelayMs: 0 });
  const polite = pod('polite', { 'wharf.dev/simulate-stop-after': '20ms' });
  const stubborn = pod('stubborn', { 'wharf.dev/simulate-stop-after': '10s' });
  rt.startPod(polite, sandbox);
  rt.startPod(stubborn, sandbox);
  const t0 = Date.now();
  await rt.stopPod(polite, 30);
  const politeState = rt.podStatus('uid-polite')!.containers[0].state;
  assert.ok('terminated' in politeState && politeState.terminated.exitCode === 0);
  const stopping = rt.stopPod(stubborn, 30);
  // A second delete with a shorter grace period brings the kill forward.
  await rt.stopPod(stubborn, 0.05);
  await stopping;
  assert.ok(Date.now() - t0 < 1000);
  const killed = rt.podStatus('uid-stubborn')!.containers[0].state;
  assert.ok('terminated' in killed && killed.terminated.exitCode === 137);
  rt.removePod('uid-polite');
  assert.equal(rt.podStatus('uid-polite'), undefined);
  assert.equal(await rt.stopPod(pod('unknown'), 30), undefined);
  rt.close();
});

test('SimulatedRuntime adopts a pod whose status shows its containers running', () => {
  const rt = new SimulatedRuntime({ startupDelayMs: 10_000 });
  const p = pod('kept');
  p.status = { podIP: '10.0.0.9', containerStatuses: [{ name: 'c', containerID: 'wharf-simulated://abc', imageID: 'img', restartCount: 3, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }] };
  rt.startPod(p, sandbox);
  const s = rt.podStatus('uid-kept')!;
  assert.equal(s.sandboxReady, true);
  assert.equal(s.podIP, '10.0.0.9');
  assert.equal(s.containers[0].containerID, 'wharf-simulated://abc');
  assert.equal(s.containers[0].restartCount, 3);
  rt.close();
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

test('SimulatedRuntime keeps a synthetic CRI log per container: a start line, an exit line, the previous instance', async () => {
  const rt = new SimulatedRuntime({ startupDelayMs: 0 });
  rt.startPod(pod('logged', { 'wharf.dev/simulate-exit-after': '30ms', 'wharf.dev/simulate-exit-code': '2' }), sandbox);
  const first = await readAll(await rt.logs('uid-logged', 'c', { previous: false, follow: false }));
  assert.match(first, /^\d{4}-\d{2}-\d{2}T[\d:.]+Z stdout F wharf: simulated container "c" \(image docker\.io\/library\/nginx:1\.27\) started; simulated containers run no process and write no output of their own\n$/);
  // A follower sees the exit line, then the end.
  const followed = readAll(await rt.logs('uid-logged', 'c', { previous: false, follow: true }));
  assert.match(await followed, /started[^\n]*\n.*stdout F wharf: simulated container "c" exited with code 2\n$/);
  rt.restartContainer(pod('logged'), 'c');
  const previous = await readAll(await rt.logs('uid-logged', 'c', { previous: true, follow: false }));
  assert.match(previous, /exited with code 2\n$/);
  await assert.rejects(rt.logs('uid-logged', 'nope', { previous: false, follow: false }), /container "nope" of pod uid-logged is not known/);
  rt.close();
});

test('SimulatedRuntime refuses exec, attach and port-forward with a clear error', async () => {
  const rt = new SimulatedRuntime({ startupDelayMs: 0 });
  const io = { tty: false, onResize: () => undefined, signal: new AbortController().signal };
  await assert.rejects(rt.exec('uid-x', 'c', ['ls', '-l'], io), /container "c" of pod uid-x is simulated \(runtime wharf-simulated:\/\/0\.1\.0\): nothing runs in it, so "ls -l" cannot be executed/);
  await assert.rejects(rt.attach('uid-x', 'c', io), /no process to attach to/);
  await assert.rejects(rt.portForward('uid-x', 80), /simulated node: nothing listens on port 80/);
  rt.close();
});

test('SimulatedRuntime holds a pod with claims in ContainerCreating until its volumes are ready; a stop ends the wait', async () => {
  let release!: () => void;
  const asked: string[] = [];
  const rt = new SimulatedRuntime({
    startupDelayMs: 20,
    volumesReady: (p, signal) => {
      asked.push(p.metadata.name!);
      return new Promise<void>((resolve) => {
        release = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
  });
  const withClaim = (name: string) => {
    const p = pod(name);
    (p.spec as Record<string, unknown>).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }];
    return p;
  };
  rt.startPod(pod('plain'), sandbox);
  rt.startPod(withClaim('db'), sandbox);
  await wait(80);
  assert.deepEqual(asked, ['db'], 'only the pod with a claim waits');
  assert.ok('running' in rt.podStatus('uid-plain')!.containers[0].state);
  assert.deepEqual(rt.podStatus('uid-db')!.containers[0].state, { waiting: { reason: 'ContainerCreating' } });
  release();
  await wait(80);
  assert.ok('running' in rt.podStatus('uid-db')!.containers[0].state, 'runs once its volumes are ready and the startup delay passed');

  // Stopped while waiting: the wait is aborted and the pod never runs.
  const stopped = withClaim('gone');
  rt.startPod(stopped, sandbox);
  await rt.stopPod(stopped, 0);
  release();
  await wait(60);
  assert.equal('running' in rt.podStatus('uid-gone')!.containers[0].state, false);
  rt.close();
});
