import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActionType } from '../../../src/scheduler/framework/events.js';
import { SchedulingQueue } from '../../../src/scheduler/queue/scheduling-queue.js';
import { pod } from '../fixtures.js';

function queue(events: Record<string, { resource: 'Node' | 'Pod'; action: number }[]> = {}) {
  const clock = { t: 0 };
  const q = new SchedulingQueue({
    less: (a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && a.timestamp < b.timestamp),
    events: new Map(Object.entries(events).map(([k, v]) => [k, v.map((event) => ({ event }))])),
    now: () => clock.t,
  });
  return { q, clock };
}

test('pop() orders by priority, then by queue time', () => {
  const { q, clock } = queue();
  q.add(pod('low', { priority: 1 }));
  clock.t = 1;
  q.add(pod('high', { priority: 9 }));
  clock.t = 2;
  q.add(pod('low2', { priority: 1 }));
  assert.deepEqual([q.pop(), q.pop(), q.pop()].map((x) => x!.info.name), ['high', 'low', 'low2']);
  assert.equal(q.pop(), undefined);
});

test('backoffDuration() doubles per attempt from 1s up to 10s', () => {
  const { q } = queue();
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n)), [1000, 2000, 4000, 8000, 10000, 10000]);
});

test('unschedulable pods move only on an event a rejecting plugin registered, then wait out their backoff', () => {
  const { q, clock } = queue({ NodeResourcesFit: [{ resource: 'Node', action: ActionType.Add }] });
  q.add(pod('p'));
  const p = q.pop()!;
  p.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulable(p);
  assert.equal(q.where(p.info.key), 'unschedulable');
  assert.equal(q.onEvent({ resource: 'Node', action: ActionType.UpdateNodeLabel }), 0);
  assert.equal(q.onEvent({ resource: 'Node', action: ActionType.Add }), 1);
  assert.equal(q.where(p.info.key), 'backoff');
  clock.t = 999;
  q.tick();
  assert.equal(q.where(p.info.key), 'backoff');
  clock.t = 1000;
  q.tick();
  assert.equal(q.where(p.info.key), 'active');
});

test('pods left unschedulable for 5 minutes are flushed back', () => {
  const { q, clock } = queue();
  q.add(pod('p'));
  const p = q.pop()!;
  p.unschedulablePlugins = new Set(['X']);
  q.addUnschedulable(p);
  clock.t = 5 * 60_000 - 1;
  q.tick();
  assert.equal(q.where(p.info.key), 'unschedulable');
  clock.t = 5 * 60_000;
  q.tick();
  assert.equal(q.where(p.info.key), 'active');
});

test('errors go straight to backoffQ; an update of an unschedulable pod gives it a new chance', () => {
  const { q } = queue();
  q.add(pod('e'));
  q.addUnschedulable(q.pop()!, { error: true });
  assert.equal(q.where('default-e'), 'backoff');
  q.add(pod('u'));
  const u = q.pop()!;
  u.unschedulablePlugins = new Set(['X']);
  q.addUnschedulable(u);
  q.update(pod('u'), pod('u', { labels: { a: 'b' } }));
  assert.equal(q.where('default-u'), 'backoff');
});

test('pods with scheduling gates wait until the gates are removed', () => {
  const { q } = queue();
  const gated = pod('g', { spec: { schedulingGates: [{ name: 'wait' }] } });
  q.add(gated);
  assert.equal(q.where('default-g'), 'gated');
  assert.equal(q.pop(), undefined);
  q.update(gated, pod('g'));
  assert.equal(q.where('default-g'), 'active');
});
