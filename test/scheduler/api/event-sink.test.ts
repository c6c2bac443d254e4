import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import type { EventRecorder } from '../../../src/client/index.js';
import { EventSink } from '../../../src/scheduler/api/event-sink.js';

/** A recorder that holds each write until released, to watch the sink's batching. */
function slowRecorder(): { recorder: EventRecorder; written: string[]; inFlight: () => number; release(): void } {
  const written: string[] = [];
  let pending: (() => void)[] = [];
  let open = 0;
  const recorder = {
    event(_obj: KubeObject, _type: string, reason: string) {
      open++;
      pending.push(() => {
        written.push(reason);
        open--;
      });
    },
    async flush() {
      while (open > 0) await new Promise((r) => setTimeout(r, 1));
    },
  } as unknown as EventRecorder;
  return {
    recorder,
    written,
    inFlight: () => open,
    release() {
      const p = pending;
      pending = [];
      for (const f of p) f();
    },
  };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } };

test('EventSink writes a batch at a time and drops events beyond its queue', async () => {
  const r = slowRecorder();
  const sink = new EventSink(() => r.recorder, { maxQueued: 5, batch: 2 });
  for (let i = 0; i < 8; i++) sink.event('default-scheduler', pod, 'Normal', `e${i}`, 'm');
  // The first event starts writing at once, alone; five more fit in the queue; the last two are dropped.
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(r.inFlight(), 1);
  assert.equal(sink.dropped, 2);
  r.release();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(r.inFlight(), 2, 'then a batch of two');
  const flushed = sink.flush();
  const releaser = setInterval(() => r.release(), 2);
  await flushed;
  clearInterval(releaser);
  assert.deepEqual(r.written, ['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
});
