import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { Informer, type EventStream, type ListerWatcher } from '../../../src/client/index.js';
import { PendingWrites } from '../../../src/controllers/workload-internal/pending-writes.js';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: '1' } });

test('PendingWrites overlays created objects until the informer shows them, and remembers deletes', async () => {
  // An informer that lists nothing and never watches: events are driven through its store by hand.
  const lw: ListerWatcher = {
    list: async () => ({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '1' }, items: [] }),
    watch: async (_rv: string, signal: AbortSignal) => {
      const stream: EventStream<KubeObject> = {
        async *[Symbol.asyncIterator]() {
          await new Promise((res) => signal.addEventListener('abort', res, { once: true }));
        },
        close() {},
      } as unknown as EventStream<KubeObject>;
      return stream;
    },
  } as unknown as ListerWatcher;
  const informer = new Informer(lw);
  const pending = new PendingWrites(informer, 1000);
  const a = pod('a');
  pending.created(a);
  assert.deepEqual(pending.overlay([], () => true).map((p) => p.metadata.name), ['a']);
  assert.deepEqual(pending.overlay([], () => false), [], 'only objects the caller asks about');
  assert.deepEqual(pending.overlay([a], () => true).length, 1, 'not twice');
  pending.deleted(a);
  assert.equal(pending.isDeleting(a), true);
  assert.deepEqual(pending.overlay([], () => true), [], 'a deleted object is no longer pending creation');

  const short = new PendingWrites(informer, 10);
  short.created(pod('b'));
  await new Promise((res) => setTimeout(res, 30));
  assert.deepEqual(short.overlay([], () => true), [], 'expired');
});
