import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExponentialFailureRateLimiter } from '../../src/client/rate-limiter.js';
import { WorkQueue } from '../../src/client/work-queue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('WorkQueue hands out a key added twice only once, in order', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.length, 0);
  q.shutDown();
});

test('WorkQueue: a key re-added while processing is held back, then processed again after done()', async () => {
  const q = new WorkQueue();
  q.add('a');
  const key = await q.get();
  q.add('a');
  q.add('a');
  assert.equal(q.length, 0, 'not handed to a second worker while the first holds it');
  q.done(key!);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.length, 0);
  q.shutDown();
});

test('WorkQueue.get() waits for a key; shutDown() releases waiting getters with undefined', async () => {
  const q = new WorkQueue();
  const waiting = q.get();
  await tick();
  q.add('late');
  assert.equal(await waiting, 'late');
  const idle = [q.get(), q.get()];
  q.shutDown();
  assert.deepEqual(await Promise.all(idle), [undefined, undefined]);
  q.add('ignored');
  assert.equal(q.length, 0);
  assert.equal(q.isShuttingDown, true);
});

test('WorkQueue after shutDown() still hands out keys already queued, then undefined', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.shutDown();
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), undefined);
});

test('WorkQueue.shutDownWithDrain() waits for keys being processed', async () => {
  const q = new WorkQueue();
  q.add('a');
  const key = (await q.get())!;
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  await tick(5);
  assert.equal(drained, false);
  q.done(key);
  await drain;
  assert.equal(drained, true);
});

test('WorkQueue.addAfter() delays a key, keeping the earlier of two times', async () => {
  const q = new WorkQueue();
  const t0 = Date.now();
  q.addAfter('k', 500);
  q.addAfter('k', 30);
  q.addAfter('k', 400);
  assert.equal(q.length, 0);
  assert.equal(await q.get(), 'k');
  const waited = Date.now() - t0;
  assert.ok(waited >= 25 && waited < 350, `waited ${waited} ms`);
  q.done('k');
  await tick(500);
  assert.equal(q.length, 0, 'the later timers were dropped');
  q.addAfter('now', 0);
  assert.equal(q.length, 1);
  q.shutDown();
});

test('WorkQueue.addRateLimited() backs off per key; forget() resets; shutDown() drops pending delays', async () => {
  const q = new WorkQueue({ rateLimiter: new ExponentialFailureRateLimiter(20, 10_000) });
  const t0 = Date.now();
  q.addRateLimited('k'); // 20 ms
  assert.equal(await q.get(), 'k');
  q.done('k');
  q.addRateLimited('k'); // 40 ms
  assert.equal(await q.get(), 'k');
  q.done('k');
  assert.ok(Date.now() - t0 >= 55, 'second retry waited longer');
  assert.equal(q.numRequeues('k'), 2);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
  q.addRateLimited('k');
  q.shutDown();
  await tick(50);
  assert.equal(q.length, 0);
});
