import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StringPool } from '../../src/client/string-pool.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A running pod as an informer receives it: its own JSON text, parsed. */
function podJson(i: number): string {
  const node = `wharf-node-${i % 50}`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${i}`, namespace: 'shop', uid: `uid-${i}-${'0'.repeat(24)}`, resourceVersion: String(1000 + i), labels: { app: 'web', tier: 'frontend' } },
    spec: {
      nodeName: node,
      schedulerName: 'default-scheduler',
      containers: [{ name: 'web', image: 'registry.example/shop/web:1.27.3', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' }],
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: {
      phase: 'Running',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: '2026-11-27T08:00:00Z' })),
      containerStatuses: [{ name: 'web', image: 'registry.example/shop/web:1.27.3', imageID: 'registry.example/shop/web@sha256:0123456789abcdef', ready: true }],
    },
  });
}

test('internValues() leaves objects equal to what was parsed: strings in objects, arrays and nested arrays', () => {
  const pool = new StringPool();
  for (let i = 0; i < 3; i++) {
    const parsed = JSON.parse(podJson(i)) as object;
    const expected = JSON.parse(podJson(i)) as object;
    pool.internValues(parsed);
    assert.deepEqual(parsed, expected);
  }
  const nested = { a: [['long enough to matter', 1, null, true], { b: 'long enough to matter' }] };
  pool.internValues(nested);
  assert.deepEqual(nested, { a: [['long enough to matter', 1, null, true], { b: 'long enough to matter' }] });
});

test('the pool forgets strings not met for a generation, so unique values do not accumulate', () => {
  const pool = new StringPool(100);
  for (let i = 0; i < 10_000; i++) pool.intern(`unique-${i}`);
  assert.ok(pool.size <= 200, `holds ${pool.size}`);
  // A string met in every generation stays.
  const pool2 = new StringPool(100);
  for (let i = 0; i < 1000; i++) {
    pool2.intern('recurring value');
    pool2.intern(`unique-${i}`);
  }
  assert.ok(pool2.size <= 200);
  assert.equal(pool2.intern('recurring value'), 'recurring value');
});

test('cached pods with pooled strings take much less heap than as parsed', () => {
  const count = 20_000;
  const texts = Array.from({ length: count }, (_, i) => podJson(i));
  const heapOf = (pool: StringPool | undefined): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const cache: object[] = [];
    for (const t of texts) {
      const o = JSON.parse(t) as object;
      pool?.internValues(o);
      cache.push(o);
    }
    gc();
    const used = process.memoryUsage().heapUsed - before;
    assert.equal(cache.length, count);
    return used;
  };
  const plain = heapOf(undefined);
  const pooled = heapOf(new StringPool());
  // Per pod, the image (twice), node name, tolerations, timestamps and paths are shared rather than copied.
  assert.ok(pooled < plain * 0.85, `pooled ${Math.round(pooled / count)} B/pod, parsed ${Math.round(plain / count)} B/pod`);
});
