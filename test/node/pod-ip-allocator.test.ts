import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetNodeIp, hashedNodeIndex, PodIpAllocator, podCidrFor } from '../../src/node/pod-ip-allocator.js';

test('podCidrFor() gives each node index its own /24 of 10.128.0.0/9', () => {
  assert.equal(podCidrFor(0), '10.128.0.0/24');
  assert.equal(podCidrFor(1), '10.128.1.0/24');
  assert.equal(podCidrFor(256), '10.129.0.0/24');
  assert.equal(podCidrFor(32767), '10.255.255.0/24');
  assert.throws(() => podCidrFor(32768), RangeError);
  assert.equal(fleetNodeIp(0), '172.16.0.1');
  assert.equal(fleetNodeIp(300), '172.16.1.45');
});

test('hashedNodeIndex() is stable and stays clear of fleet indexes', () => {
  assert.equal(hashedNodeIndex('edge-1'), hashedNodeIndex('edge-1'));
  for (const n of ['a', 'edge-1', 'x'.repeat(60)]) {
    const i = hashedNodeIndex(n);
    assert.ok(i >= 16384 && i < 32768, String(i));
  }
});

test('PodIpAllocator hands out hosts round-robin, skipping network, gateway and broadcast', () => {
  const a = new PodIpAllocator('10.0.0.0/29');
  assert.equal(a.gateway, '10.0.0.1');
  const ips = ['a', 'b', 'c', 'd', 'e'].map((o) => a.allocate(o));
  assert.deepEqual(ips, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  assert.equal(a.allocate('f'), undefined, 'full');
  assert.equal(a.allocate('a'), '10.0.0.2', 'an owner keeps its IP');
  a.release('b');
  assert.equal(a.allocate('g'), '10.0.0.3');
  assert.equal(a.inUse, 5);
});

test('PodIpAllocator.reserve() takes an IP found in use, once', () => {
  const a = new PodIpAllocator('10.1.2.0/24');
  assert.equal(a.reserve('p', '10.1.2.7'), true);
  assert.equal(a.reserve('p', '10.1.2.7'), true);
  assert.equal(a.reserve('q', '10.1.2.7'), false);
  assert.equal(a.reserve('q', '10.9.9.9'), false);
  assert.equal(a.reserve('q', '10.1.2.1'), false, 'the gateway');
  assert.equal(a.reserve('q', 'nonsense'), false);
  assert.throws(() => new PodIpAllocator('10.0.0.0/31'), RangeError);
});
