import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import type { EventHandler, SharedInformerFactory } from '../../../src/client/index.js';
import { Scheduler } from '../../../src/scheduler/index.js';
import { feedScheduler } from '../../../src/scheduler/api/informer-feed.js';
import { nodeObject, podObject } from './helpers.js';

/** Stands in for the informer factory: records each resource's handlers so the test can deliver events. */
function fakeFactory(): { factory: SharedInformerFactory; handlers: Map<string, EventHandler<KubeObject>[]> } {
  const handlers = new Map<string, EventHandler<KubeObject>[]>();
  const factory = {
    informerFor(r: { plural: string }) {
      return {
        store: { getByName: () => undefined },
        addEventHandler(h: EventHandler<KubeObject>) {
          handlers.set(r.plural, [...(handlers.get(r.plural) ?? []), h]);
          return { remove() {} };
        },
      };
    },
  } as unknown as SharedInformerFactory;
  return { factory, handlers };
}

function withMeta(o: KubeObject, uid: string, rv: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, uid, resourceVersion: rv } };
}

test('feedScheduler() sends nodes to the snapshot and pending pods to the queue, and registers every object kind', async () => {
  const { factory, handlers } = fakeFactory();
  const s = new Scheduler();
  feedScheduler(factory, s);
  assert.deepEqual(
    [...handlers.keys()].sort(),
    ['namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'poddisruptionbudgets', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets', 'storageclasses'],
  );
  handlers.get('nodes')![0]!.onAdd!(nodeObject('n1', 'a'), true);
  assert.equal(s.snapshot.numNodes, 1);
  handlers.get('pods')![0]!.onAdd!(withMeta(podObject('p'), 'u1', '1'), false);
  assert.equal(s.drain(), 1);
  await s.waitForBindings();
  assert.equal(s.bindings.get('u1'), 'n1');
});

test('a pending copy of a pod the scheduler assumed, or an update with an unchanged resourceVersion, does not requeue it', async () => {
  const { factory, handlers } = fakeFactory();
  const s = new Scheduler();
  feedScheduler(factory, s);
  const pods = handlers.get('pods')![0]!;
  handlers.get('nodes')![0]!.onAdd!(nodeObject('n1', 'a'), true);
  const pending = withMeta(podObject('p'), 'u1', '1');
  pods.onAdd!(pending, false);
  assert.equal(s.drain(), 1);
  await s.waitForBindings();
  assert.equal(s.snapshot.isAssumed('u1'), true, 'bound in memory, not yet seen bound by the informer');
  // A re-list delivers the pending pod again, as a new object with the same resourceVersion, then a newer pending copy.
  pods.onUpdate!(pending, structuredClone(pending));
  pods.onUpdate!(pending, withMeta(podObject('p', { labels: { x: 'y' } }), 'u1', '2'));
  pods.onAdd!(withMeta(podObject('p'), 'u1', '2'), false);
  assert.equal(s.drain(), 0, 'nothing was queued again');
  // The informer finally shows it bound: the assumption is confirmed.
  const bound = withMeta(podObject('p'), 'u1', '3');
  (bound.spec as { nodeName?: string }).nodeName = 'n1';
  pods.onUpdate!(pending, bound);
  assert.equal(s.snapshot.isAssumed('u1'), false);
  assert.equal(s.snapshot.pod('u1')?.nodeName, 'n1');
});
