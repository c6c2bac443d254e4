import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectGarbageWhenIdle } from '../../src/cli/idle-gc.js';

const quietMs = 40;

/** Waits until `n` collections have run or `ms` have passed. */
async function waitForCollections(count: () => number, n: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (count() < n && Date.now() < deadline) await sleep(5);
}

test('nothing is collected before any work', async () => {
  let collections = 0;
  const stop = collectGarbageWhenIdle(() => 0, { quietMs, collect: () => collections++ });
  try {
    await sleep(quietMs * 8);
    assert.equal(collections, 0);
  } finally {
    stop();
  }
});

test('after a burst, one collection once quiet and a second one after four quiet intervals, then none', async () => {
  let work = 0;
  const times: number[] = [];
  const stop = collectGarbageWhenIdle(() => work, { quietMs, collect: () => times.push(Date.now()) });
  try {
    const burstEnd = Date.now();
    work++;
    await waitForCollections(() => times.length, 2, quietMs * 40);
    assert.equal(times.length, 2, 'two collections after the burst');
    // The first runs one quiet interval after the interval that saw the work; the second three later.
    assert.ok(times[1] - times[0] >= quietMs * 3 - 10, `${times[1] - times[0]} ms between the collections`);
    assert.ok(times[0] - burstEnd >= quietMs - 10);
    await sleep(quietMs * 8);
    assert.equal(times.length, 2, 'no more collections while nothing happens');
  } finally {
    stop();
  }
});

test('work in between starts the quiet count again', async () => {
  let work = 0;
  let collections = 0;
  const stop = collectGarbageWhenIdle(() => work, { quietMs, collect: () => collections++ });
  try {
    work++;
    await waitForCollections(() => collections, 1, quietMs * 40);
    assert.equal(collections, 1);
    // Work again before the second collection was due: the schedule starts over.
    work++;
    await waitForCollections(() => collections, 3, quietMs * 40);
    assert.equal(collections, 3);
  } finally {
    stop();
  }
});

test('the default collector runs a full (mark-compact) collection, not a scavenge', async () => {
  const majors: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(e.startTime);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let work = 0;
  const stop = collectGarbageWhenIdle(() => work, { quietMs });
  try {
    const before = performance.now();
    work++;
    await waitForCollections(() => majors.filter((t) => t > before).length, 1, quietMs * 40);
    assert.ok(majors.some((t) => t > before), 'a full collection ran once quiet');
  } finally {
    stop();
    observer.disconnect();
  }
});
