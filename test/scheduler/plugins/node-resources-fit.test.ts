import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podRequests } from '../../../src/scheduler/snapshot/resource.js';
import { cluster, node, pod, scores, verdicts } from '../fixtures.js';

test('podRequests() takes the max of init containers vs regular containers, counts sidecars and overhead', () => {
  const p = pod('p', {
    containers: [
      { name: 'a', image: 'x', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
      { name: 'b', image: 'x', resources: { requests: { cpu: '500m' } } },
    ],
    initContainers: [
      { name: 'init-big', image: 'x', resources: { requests: { cpu: '2', memory: '100Mi' } } },
      { name: 'sidecar', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '200m', memory: '64Mi' } } },
      { name: 'init-after', image: 'x', resources: { requests: { cpu: '1900m' } } },
    ],
    spec: { overhead: { cpu: '50m', memory: '10Mi' } },
  });
  const r = podRequests(p);
  // cpu: regular 1000 + sidecar 200 = 1200; inits: 2000, sidecar step 200, 1900 + 200 = 2100 -> 2100; + overhead 50
  assert.equal(r.milliCPU, 2150);
  // memory: regular 1Gi + sidecar 64Mi vs init 100Mi, 64Mi -> 1Gi+64Mi, + 10Mi
  assert.equal(r.memory, 1024 * 1024 * 1024 + 74 * 1024 * 1024);
  const nz = podRequests(p, true);
  // container b names no memory: 200Mi is substituted for scoring
  assert.equal(nz.memory, 1024 * 1024 * 1024 + 200 * 1024 * 1024 + 64 * 1024 * 1024 + 10 * 1024 * 1024);
});

test('Filter reports every insufficient resource and Too many pods, in upstream order', () => {
  const s = cluster(
    [node('small', { cpu: '1', memory: '1Gi', pods: '1' }), node('big', { cpu: '8', memory: '64Gi' })],
    [pod('existing', { nodeName: 'small', cpu: '100m' })],
  );
  const v = verdicts(s, pod('p', { cpu: '2', memory: '2Gi' }));
  assert.equal(v.small, 'NodeResourcesFit: Too many pods, Insufficient cpu, Insufficient memory');
  assert.equal(v.big, '');
});

test('Filter is UnschedulableAndUnresolvable only when the request exceeds allocatable itself', () => {
  const s = cluster([node('n1', { cpu: '2' })], [pod('e', { nodeName: 'n1', cpu: '1500m' })]);
  const fits = s.explainPod(pod('p', { cpu: '1' }));
  assert.equal(fits.rejected[0]!.code, 'Unschedulable');
  const never = s.explainPod(pod('q', { cpu: '3' }));
  assert.equal(never.rejected[0]!.code, 'UnschedulableAndUnresolvable');
});

test('Filter checks extended resources and honours ignoredResources', async () => {
  const nodes = [node('gpu', { extra: { 'example.com/gpu': '2' } }), node('plain')];
  const s = cluster(nodes);
  const v = verdicts(s, pod('p', { requests: { cpu: '100m', 'example.com/gpu': '1' } }));
  assert.equal(v.gpu, '');
  assert.equal(v.plain, 'NodeResourcesFit: Insufficient example.com/gpu');
  const ignoring = cluster(nodes, [], {
    config: { profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args: { ignoredResourceGroups: ['example.com'] } }] }] },
  });
  assert.equal(verdicts(ignoring, pod('p', { requests: { 'example.com/gpu': '1' } })).plain, '');
});

test('LeastAllocated scores free capacity with non-zero defaults for pods without requests', () => {
  const s = cluster([node('a', { cpu: '4', memory: '8Gi' }), node('b', { cpu: '4', memory: '8Gi' })], [pod('e', { nodeName: 'a', cpu: '2', memory: '4Gi' })]);
  const sc = scores(s, pod('p', { cpu: '1', memory: '1Gi' }), 'NodeResourcesFit');
  // a: cpu (4000-3000)*100/4000 = 25, mem (8-5)/8 = 37 -> (25+37)/2 = 31; b: 75, 87 -> 81
  assert.deepEqual(sc, { a: 31, b: 81 });
  // A pod without requests counts as 100m / 200Mi.
  const none = scores(s, pod('q'), 'NodeResourcesFit');
  assert.equal(none.b, Math.trunc((Math.trunc((3900 * 100) / 4000) + Math.trunc(((8192 - 200) * 100) / 8192)) / 2));
});

test('MostAllocated and RequestedToCapacityRatio strategies', () => {
  const nodes = [node('a', { cpu: '4', memory: '8Gi' }), node('b', { cpu: '4', memory: '8Gi' })];
  const bound = [pod('e', { nodeName: 'a', cpu: '2', memory: '4Gi' })];
  const most = cluster(nodes, bound, {
    config: { profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] },
  });
  assert.deepEqual(scores(most, pod('p', { cpu: '1', memory: '1Gi' }), 'NodeResourcesFit'), { a: 68, b: 18 });
  const rtcr = cluster(nodes, bound, {
    config: {
      profiles: [
        {
          schedulerName: 'default-scheduler',
          pluginConfig: [
            {
              name: 'NodeResourcesFit',
              args: {
                scoringStrategy: {
                  type: 'RequestedToCapacityRatio',
                  resources: [{ name: 'cpu', weight: 1 }],
                  requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] },
                },
              },
            },
          ],
        },
      ],
    },
  });
  // cpu utilization: a 75% -> 75, b 25% -> 25
  assert.deepEqual(scores(rtcr, pod('p', { cpu: '1', memory: '1Gi' }), 'NodeResourcesFit'), { a: 75, b: 25 });
});

test('invalid scoring strategy arguments are rejected', () => {
  assert.throws(
    () => cluster([], [], { config: { profiles: [{ schedulerName: 'x', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Bogus' } } }] }] } }),
    /scoringStrategy.type: Unsupported value: "Bogus"/,
  );
});
