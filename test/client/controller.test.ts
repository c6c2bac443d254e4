import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { controllerFor, controllerOwnerKeys, TerminalError } from '../../src/client/controller.js';
import { ExponentialFailureRateLimiter } from '../../src/client/rate-limiter.js';
import { SharedInformerFactory } from '../../src/client/shared-informer-factory.js';
import { configMap, configMaps, deployment, deployments, eventually, pod, pods, quiet, startApi } from './fixtures.js';

const fast = () => new ExponentialFailureRateLimiter(5, 50);

test('controllerOwnerKeys() maps an object to its controlling owner of the right kind only', () => {
  const map = controllerOwnerKeys(deployments);
  const owned = (refs: object[]): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', ownerReferences: refs as never } });
  assert.deepEqual(map(owned([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }])), ['ns/web']);
  assert.deepEqual(map(owned([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u' }])), [], 'not the controller');
  assert.deepEqual(map(owned([{ apiVersion: 'v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }])), [], 'another group');
  assert.deepEqual(map(owned([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u', controller: true }])), []);
  assert.throws(() => controllerOwnerKeys({ group: 'apps', version: 'v1', plural: 'deployments', namespaced: true }), TypeError);
});

test('Controller reconciles every object, retries errors with backoff and stops on TerminalError', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet });
  const calls = new Map<string, number>();
  const controller = controllerFor(factory, deployments).complete(
    {
      async reconcile(key) {
        const n = (calls.get(key) ?? 0) + 1;
        calls.set(key, n);
        if (key === 'default/flaky' && n < 3) throw new Error('not yet');
        if (key === 'default/broken') throw new TerminalError('bad spec');
        // A "panic": not even an Error. It must be retried, not crash the process.
        if (key === 'default/weird' && n === 1) throw 'a string';
      },
    },
    { workers: 2, rateLimiter: fast(), logger: quiet },
  );
  try {
    await api.client.create(deployments, deployment('existing'));
    assert.equal(await controller.start(), true);
    await api.client.create(deployments, deployment('flaky'));
    await api.client.create(deployments, deployment('broken'));
    await api.client.create(deployments, deployment('weird'));
    await eventually(() => calls.get('default/existing') === 1 && calls.get('default/flaky') === 3 && calls.get('default/weird') === 2, 5000, 'reconciles');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(calls.get('default/broken'), 1, 'terminal errors are not retried');
    assert.equal(calls.get('default/flaky'), 3, 'no more calls after success');
    assert.equal(controller.stats.errors, 3);
    assert.equal(controller.stats.terminalErrors, 1);
    assert.equal(controller.queue.numRequeues('default/flaky'), 0, 'success forgets the failures');
  } finally {
    await controller.stop();
    await factory.stop();
    await api.close();
  }
});

test('Controller honours requeueAfterMs with a timed retry', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet });
  const times: number[] = [];
  const controller = controllerFor(factory, deployments).complete(
    {
      async reconcile() {
        times.push(Date.now());
        return times.length < 3 ? { requeueAfterMs: 60 } : undefined;
      },
    },
    { logger: quiet },
  );
  try {
    await api.client.create(deployments, deployment('timed'));
    await controller.start();
    await eventually(() => times.length === 3, 5000, 'three reconciles');
    assert.ok(times[1] - times[0] >= 50 && times[2] - times[1] >= 50, `gaps ${times[1] - times[0]}, ${times[2] - times[1]}`);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(times.length, 3);
    assert.equal(controller.stats.requeuesAfter, 2);
  } finally {
    await controller.stop();
    await factory.stop();
    await api.close();
  }
});

test('Controller maps owned objects to their owner and watched objects through the map function', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet });
  const seen: string[] = [];
  const controller = controllerFor(factory, deployments)
    .owns(configMaps)
    .watches(pods, (p) => [`${p.metadata.namespace}/${p.metadata.labels?.app ?? ''}`])
    .named('test-controller')
    .complete({ async reconcile(key) { seen.push(key); } }, { logger: quiet });
  assert.equal(controller.name, 'test-controller');
  try {
    const web = await api.client.create(deployments, deployment('web'));
    await controller.start();
    await eventually(() => seen.includes('default/web'), 5000, 'initial reconcile');
    seen.length = 0;

    const owned: KubeObject = configMap('web-config');
    owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: web.metadata.uid!, controller: true }];
    await api.client.create(configMaps, owned);
    await api.client.create(configMaps, configMap('unowned'));
    await eventually(() => seen.length >= 1, 5000, 'owner reconcile');
    assert.deepEqual(seen, ['default/web']);

    seen.length = 0;
    const p = pod('web-pod');
    p.metadata.labels = { app: 'api' };
    await api.client.create(pods, p);
    await eventually(() => seen.includes('default/api'), 5000, 'mapped pod');

    seen.length = 0;
    await api.client.delete(configMaps, 'web-config', { namespace: 'default' });
    await eventually(() => seen.includes('default/web'), 5000, 'owner reconcile on delete');
  } finally {
    await controller.stop();
    await factory.stop();
    await api.close();
  }
});

test('Controller.stop() lets the running reconcile finish with an aborted signal, then takes no more keys', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet });
  let sawAbort = false;
  let started = 0;
  let release: () => void = () => {};
  const controller = controllerFor(factory, deployments).complete(
    {
      async reconcile(_key, signal) {
        started++;
        await new Promise<void>((r) => (release = r));
        sawAbort = signal.aborted;
      },
    },
    { logger: quiet },
  );
  try {
    await api.client.create(deployments, deployment('a'));
    await api.client.create(deployments, deployment('b'));
    const abort = new AbortController();
    await controller.start(abort.signal);
    await eventually(() => started === 1, 5000, 'first reconcile');
    abort.abort();
    const stopped = controller.stop();
    release();
    await stopped;
    assert.equal(sawAbort, true);
    assert.equal(started, 1, 'the queued key was not started after stop');
  } finally {
    await factory.stop();
    await api.close();
  }
});
