import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { configMap, configMaps, deployment, deployments, events, quiet, startApi } from './fixtures.js';

type Event = KubeObject & { count: number; reason: string; message: string; type: string; involvedObject: Record<string, string>; source: Record<string, string>; firstTimestamp: string; lastTimestamp: string };

test('EventRecorder writes a core/v1 Event about an object', async () => {
  const api = await startApi();
  try {
    const d = await api.client.create(deployments, deployment('web'));
    const recorder = new EventRecorder(api.client, { component: 'deployment-controller', host: 'node-1', logger: quiet });
    recorder.event(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-1 to 1');
    await recorder.flush();
    const list = await api.client.list<Event>(events, { namespace: 'default' });
    assert.equal(list.items.length, 1);
    const ev = list.items[0];
    assert.match(ev.metadata.name!, /^web\.[0-9a-f]+$/);
    assert.deepEqual(ev.involvedObject, { kind: 'Deployment', name: 'web', namespace: 'default', apiVersion: 'apps/v1', uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion });
    assert.equal(ev.reason, 'ScalingReplicaSet');
    assert.equal(ev.type, 'Normal');
    assert.equal(ev.count, 1);
    assert.deepEqual(ev.source, { component: 'deployment-controller', host: 'node-1' });
    assert.match(ev.firstTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.throws(() => recorder.event(d, 'Info' as 'Normal', 'X', 'y'), TypeError);
  } finally {
    await api.close();
  }
});

test('EventRecorder counts repeats of one event on one object instead of adding Events', async () => {
  const api = await startApi();
  try {
    const cm = await api.client.create(configMaps, configMap('c'));
    const recorder = new EventRecorder(api.client, { component: 'test', logger: quiet });
    for (let i = 0; i < 3; i++) recorder.event(cm, 'Warning', 'FailedSync', 'could not sync');
    recorder.event(cm, 'Warning', 'FailedSync', 'a different message');
    await recorder.flush();
    recorder.event(cm, 'Warning', 'FailedSync', 'could not sync');
    await recorder.flush();
    const list = await api.client.list<Event>(events, { namespace: 'default' });
    const byMessage = new Map(list.items.map((e) => [e.message, e]));
    assert.equal(list.items.length, 2);
    assert.equal(byMessage.get('could not sync')?.count, 4);
    assert.equal(byMessage.get('a different message')?.count, 1);
  } finally {
    await api.close();
  }
});

test('EventRecorder starts a new Event after the window, or when the old one was deleted', async () => {
  const api = await startApi();
  try {
    const cm = await api.client.create(configMaps, configMap('c'));
    const recorder = new EventRecorder(api.client, { component: 'test', aggregateWindowMs: 30, logger: quiet });
    recorder.event(cm, 'Normal', 'Synced', 'ok');
    await recorder.flush();
    await new Promise((r) => setTimeout(r, 50));
    recorder.event(cm, 'Normal', 'Synced', 'ok');
    await recorder.flush();
    let list = await api.client.list<Event>(events, { namespace: 'default' });
    assert.deepEqual(list.items.map((e) => e.count), [1, 1]);

    const longWindow = new EventRecorder(api.client, { component: 'test', logger: quiet });
    longWindow.event(cm, 'Normal', 'Other', 'x');
    await longWindow.flush();
    list = await api.client.list<Event>(events, { namespace: 'default', fieldSelector: 'reason=Other' });
    await api.client.delete(events, list.items[0].metadata.name!, { namespace: 'default' });
    longWindow.event(cm, 'Normal', 'Other', 'x');
    await longWindow.flush();
    list = await api.client.list<Event>(events, { namespace: 'default', fieldSelector: 'reason=Other' });
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].count, 1);
  } finally {
    await api.close();
  }
});

test('EventRecorder files events about cluster-scoped objects in "default"', async () => {
  const api = await startApi();
  try {
    const recorder = new EventRecorder(api.client, { component: 'node-controller', logger: quiet });
    recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u1' } }, 'Normal', 'RegisteredNode', 'Node n1 event: Registered Node n1');
    await recorder.flush();
    const list = await api.client.list<Event>(events, { namespace: 'default' });
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].involvedObject.namespace, undefined);
  } finally {
    await api.close();
  }
});

test('EventRecorder folds repeats that arrive before their write starts into one write', async () => {
  const api = await startApi();
  try {
    const cm = await api.client.create(configMaps, configMap('c'));
    const recorder = new EventRecorder(api.client, { component: 'test', logger: quiet });
    const before = api.server.requestCount;
    for (let i = 0; i < 6; i++) recorder.event(cm, 'Normal', 'Waiting', 'still waiting');
    await recorder.flush();
    assert.equal(api.server.requestCount - before, 1, 'one create for six repeats');
    // Two more while nothing is queued: the first patches at once, the second joins a write queued behind it.
    recorder.event(cm, 'Normal', 'Waiting', 'still waiting');
    recorder.event(cm, 'Normal', 'Waiting', 'still waiting', 2);
    await recorder.flush();
    const list = await api.client.list<Event>(events, { namespace: 'default' });
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].count, 9);
    assert.ok(api.server.requestCount - before <= 3);
    assert.throws(() => recorder.event(cm, 'Normal', 'Waiting', 'x', 0), RangeError);
  } finally {
    await api.close();
  }
});
