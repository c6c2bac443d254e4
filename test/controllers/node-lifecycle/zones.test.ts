import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeZoneState, TokenBucket, ZoneEvictionQueue, zoneKey, zoneName } from '../../../src/controllers/node-lifecycle/zones.js';

const node = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels } });

test('zoneKey() joins region and zone as Kubernetes does', () => {
  assert.equal(zoneKey(node({})), '');
  assert.equal(zoneKey(node({ 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'r' })), 'r:\x00:a');
  assert.equal(zoneKey(node({ 'failure-domain.beta.kubernetes.io/zone': 'b' })), ':\x00:b');
  assert.equal(zoneName('r:\x00:a'), 'r/a');
});

test('computeZoneState() tells normal, partial and full disruption apart', () => {
  assert.equal(computeZoneState(['True', 'True', 'False'], 0.55).state, 'Normal');
  assert.equal(computeZoneState(['False', 'Unknown', undefined], 0.55).state, 'FullDisruption');
  assert.equal(computeZoneState(['True', 'False', 'False', 'False'], 0.55).state, 'PartialDisruption');
  // Two not Ready is never partial, whatever the share.
  assert.equal(computeZoneState(['True', 'False', 'False'], 0.55).state, 'Normal');
  assert.equal(computeZoneState(['True', 'True', 'False', 'False', 'False'], 0.55).state, 'PartialDisruption');
  assert.equal(computeZoneState(['True', 'True', 'True', 'False', 'False', 'False'], 0.55).state, 'Normal');
});

test('TokenBucket lets one through, then one per 1/qps seconds; qps 0 never', () => {
  let now = 0;
  const b = new TokenBucket(0.5, () => now);
  assert.equal(b.tryTake(), true);
  assert.equal(b.tryTake(), false);
  now = 1000;
  assert.equal(b.tryTake(), false);
  now = 2000;
  assert.equal(b.tryTake(), true);
  assert.equal(new TokenBucket(0, () => now).tryTake(), false);
});

test('ZoneEvictionQueue hands nodes out in order at its rate, keeping failures in place', async () => {
  let now = 0;
  const q = new ZoneEvictionQueue(1, () => now);
  assert.equal(q.add('a'), true);
  assert.equal(q.add('a'), false);
  q.add('b');
  const seen: string[] = [];
  await q.work(async (n) => (seen.push(n), false));
  assert.deepEqual(seen, ['a']);
  now = 1000;
  await q.work(async (n) => (seen.push(n), true));
  assert.deepEqual(seen, ['a', 'a']);
  assert.equal(q.has('a'), false);
  now = 2000;
  q.setRate(0);
  await q.work(async (n) => (seen.push(n), true));
  assert.deepEqual(seen, ['a', 'a'], 'rate 0 stops it');
  assert.equal(q.size, 1);
});
