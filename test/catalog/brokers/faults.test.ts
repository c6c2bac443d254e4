import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultQueue } from '../../../src/catalog/brokers/faults.js';

test('FaultQueue.take() returns the first matching fault and counts it down', () => {
  const q = new FaultQueue();
  q.add({ endpoint: 'bind', status: 500, times: 2 });
  q.add({ status: 503 });
  assert.equal(q.take('bind', 'i')?.status, 500);
  assert.equal(q.take('provision', 'i')?.status, 503, 'a fault without an endpoint strikes anything');
  assert.equal(q.take('provision', 'i'), undefined);
  assert.equal(q.take('bind', 'i')?.status, 500);
  assert.equal(q.take('bind', 'i'), undefined);
  assert.equal(q.pending, 0);
});

test('FaultQueue matches endpoint lists and instance ids; Infinity never runs out; clear() empties it', () => {
  const q = new FaultQueue();
  q.add({ endpoint: ['update', 'deprovision'], instanceId: 'x', times: Infinity, hang: true });
  assert.equal(q.take('update', 'y'), undefined);
  assert.equal(q.take('bind', 'x'), undefined);
  for (let i = 0; i < 5; i++) assert.equal(q.take('deprovision', 'x')?.hang, true);
  q.clear();
  assert.equal(q.take('deprovision', 'x'), undefined);
});

test('FaultQueue.intercept() answers before the real work, after it (afterHandling), or lets a delay-only fault through', async () => {
  const q = new FaultQueue();
  let worked = 0;
  const proceed = async () => {
    worked += 1;
    return { status: 201, body: { dashboard_url: 'x' } };
  };
  const route = { endpoint: 'provision' as const, instanceId: 'i', bindingId: '' };
  q.add({ endpoint: 'provision', status: 500, body: { description: 'boom' } });
  assert.deepEqual(await q.intercept(route, proceed), { status: 500, body: { description: 'boom' } });
  assert.equal(worked, 0, 'a fault before handling changes nothing');
  q.add({ endpoint: 'provision', garbage: true, afterHandling: true });
  assert.deepEqual(await q.intercept(route, proceed), { status: 201, body: { dashboard_url: 'x' }, raw: '<html>this is not JSON' });
  assert.equal(worked, 1, 'afterHandling does the real work first');
  q.add({ endpoint: 'provision', delayMs: 1 });
  assert.deepEqual(await q.intercept(route, proceed), { status: 201, body: { dashboard_url: 'x' } });
  q.add({ endpoint: 'provision', hang: true });
  assert.deepEqual(await q.intercept(route, proceed), { hang: true });
  assert.equal(worked, 2);
});
