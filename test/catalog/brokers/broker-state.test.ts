import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrokerState, findOperation, runningOperation } from '../../../src/catalog/brokers/broker-state.js';

test('BrokerState.newOperation() numbers operations; synchronous ones are already succeeded', () => {
  const s = new BrokerState();
  const a = s.newOperation('provision', true, 2);
  const b = s.newOperation('bind', false, 2);
  assert.deepEqual(a, { id: 'provision-1', type: 'provision', state: 'in progress', pollsLeft: 2 });
  assert.deepEqual(b, { id: 'bind-2', type: 'bind', state: 'succeeded', pollsLeft: 0 });
  assert.equal(findOperation([a, b], undefined), b);
  assert.equal(findOperation([a, b], 'provision-1'), a);
  assert.equal(findOperation([a, b], 'x'), undefined);
  assert.equal(runningOperation([a, b]), a);
});

test('BrokerState saves to and loads from its file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-broker-state-'));
  try {
    const file = path.join(dir, 's.json');
    const s = new BrokerState(file);
    s.instances.set('i', { id: 'i', serviceId: 's', planId: 'p', dashboardUrl: 'u', status: 'ready', usable: true, operations: [s.newOperation('provision', false, 0)] });
    s.goneInstances.add('old');
    s.save();
    assert.ok(existsSync(file));
    const t = new BrokerState(file);
    assert.equal(t.instances.get('i')?.planId, 'p');
    assert.ok(t.goneInstances.has('old'));
    assert.equal(t.newOperation('update', false, 0).id, 'update-2', 'operation numbers continue');
    assert.equal(new BrokerState(path.join(dir, 'missing.json')).instances.size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
