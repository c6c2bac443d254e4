import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreEvent, Watch } from '../../src/storage/index.js';
import { WatchHub } from '../../src/storage/watch-hub.js';

const put = (key: string, revision: number): StoreEvent => ({ type: 'put', kv: { key, value: key, revision, createRevision: revision } });

/** Registers a watcher that records the keys of each delivery. */
function record(hub: WatchHub, prefix: string): { calls: string[][]; watch: Watch } {
  const calls: string[][] = [];
  const watch = hub.add(prefix, [], { onEvents: (events) => calls.push(events.map((e) => e.kv.key)) });
  return { calls, watch };
}

test('each watcher gets one delivery per commit with the events under its prefix, in order', () => {
  const hub = new WatchHub();
  const all = record(hub, '/');
  const registry = record(hub, '/registry/');
  const pods = record(hub, '/registry/pods/');
  const podsAgain = record(hub, '/registry/pods/');
  const inNs = record(hub, '/registry/pods/ns/');
  const oneKey = record(hub, '/registry/pods/ns/a');
  const partial = record(hub, '/registry/po');
  const nodes = record(hub, '/registry/nodes/');
  const empty = record(hub, '');
  hub.publish([put('/registry/pods/ns/a', 1), put('/registry/nodes/n1', 2), put('/registry/pods/other/b', 3), put('/registry/pods/ns/ab', 4), put('/top', 5)]);
  assert.deepEqual(all.calls, [['/registry/pods/ns/a', '/registry/nodes/n1', '/registry/pods/other/b', '/registry/pods/ns/ab', '/top']]);
  assert.deepEqual(empty.calls, all.calls);
  assert.deepEqual(registry.calls, [['/registry/pods/ns/a', '/registry/nodes/n1', '/registry/pods/other/b', '/registry/pods/ns/ab']]);
  assert.deepEqual(pods.calls, [['/registry/pods/ns/a', '/registry/pods/other/b', '/registry/pods/ns/ab']]);
  assert.deepEqual(podsAgain.calls, pods.calls);
  assert.deepEqual(inNs.calls, [['/registry/pods/ns/a', '/registry/pods/ns/ab']]);
  assert.deepEqual(oneKey.calls, [['/registry/pods/ns/a', '/registry/pods/ns/ab']]);
  assert.deepEqual(partial.calls, [['/registry/pods/ns/a', '/registry/pods/other/b', '/registry/pods/ns/ab']]);
  assert.deepEqual(nodes.calls, [['/registry/nodes/n1']]);
  // A commit with nothing under a prefix is no delivery at all.
  hub.publish([put('/registry/nodes/n2', 6)]);
  assert.equal(pods.calls.length, 1);
  assert.equal(nodes.calls.length, 2);
});

test('a stopped watcher gets nothing, even when stopped by another watcher during the same commit', () => {
  const hub = new WatchHub();
  let second: Watch | undefined;
  const firstCalls: number[] = [];
  hub.add('/a/', [], {
    onEvents: (events) => {
      firstCalls.push(events.length);
      second?.stop();
    },
  });
  const secondRecord = record(hub, '/a/');
  second = secondRecord.watch;
  const third = record(hub, '/a/x');
  hub.publish([put('/a/x', 1)]);
  assert.deepEqual(firstCalls, [1]);
  assert.deepEqual(secondRecord.calls, []);
  third.watch.stop();
  third.watch.stop();
  hub.publish([put('/a/x', 2)]);
  assert.deepEqual(firstCalls, [1, 1]);
  assert.deepEqual(third.calls, [['/a/x']]);
});

test('a watcher whose handler throws is dropped with its error, and the others still get the commit', () => {
  const hub = new WatchHub();
  const errors: string[] = [];
  let calls = 0;
  hub.add('/k/', [], {
    onEvents: () => {
      calls++;
      throw new Error('boom');
    },
    onError: (e) => errors.push(e.message),
  });
  const other = record(hub, '/k/');
  hub.publish([put('/k/1', 1)]);
  hub.publish([put('/k/2', 2)]);
  assert.equal(calls, 1);
  assert.deepEqual(errors, ['boom']);
  assert.deepEqual(other.calls, [['/k/1'], ['/k/2']]);
});

test('closeAll tells every watcher and forgets them', () => {
  const hub = new WatchHub();
  const errors: string[] = [];
  hub.add('/a/', [], { onEvents: () => assert.fail('no delivery after closeAll'), onError: (e) => errors.push(`a ${e.message}`) });
  hub.add('/a', [], { onEvents: () => assert.fail('no delivery after closeAll'), onError: (e) => errors.push(`b ${e.message}`) });
  hub.closeAll(new Error('closed'));
  hub.publish([put('/a/1', 1)]);
  assert.deepEqual(errors, ['a closed', 'b closed']);
});
