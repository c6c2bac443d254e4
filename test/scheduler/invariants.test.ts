/**
 * Random clusters, many pods, then the placement rules are checked on the result: no required
 * anti-affinity violated, every required affinity satisfied, every DoNotSchedule spread within maxSkew,
 * no node over capacity, no untolerated NoSchedule/NoExecute taint, node selectors honoured.
 * SCHED_INVARIANT_CLUSTERS (default 50) sets the number of clusters; SCHED_INVARIANT_SEED the first seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, PodAffinityTerm, Taint, Toleration, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { termMatches, type PodInfo } from '../../src/scheduler/snapshot/pod-info.js';
import type { NodeInfo } from '../../src/scheduler/snapshot/node-info.js';
import { requiredNodeAffinity } from '../../src/scheduler/util/node-affinity.js';
import { findUntoleratedTaint } from '../../src/scheduler/util/taints.js';

const CLUSTERS = Number(process.env.SCHED_INVARIANT_CLUSTERS ?? 50);
const FIRST_SEED = Number(process.env.SCHED_INVARIANT_SEED ?? 1);
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Group {
  app: string;
  namespace: string;
  anti?: PodAffinityTerm;
  affinity?: PodAffinityTerm;
  spread?: TopologySpreadConstraint;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  cpu: number;
  memMi: number;
  priority?: number;
}

/** One random cluster: `preemption` mode adds priorities (victims get deleted) and leaves out affinity and spread. */
function generate(r: () => number, preemption: boolean): { nodes: Node[]; pods: Pod[] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const zones = int(1, 4);
  const nodes: Node[] = [];
  for (let i = 0, n = int(3, 25); i < n; i++) {
    const labels: Record<string, string> = { [HOST]: `n${i}`, disk: pick(['ssd', 'hdd']) };
    if (r() < 0.9) labels[ZONE] = `z${int(0, zones - 1)}`;
    const taints: Taint[] = [];
    if (r() < 0.15) taints.push({ key: 'dedicated', value: pick(['gpu', 'db']), effect: 'NoSchedule' });
    if (r() < 0.1) taints.push({ key: 'maint', effect: 'NoExecute' });
    if (r() < 0.2) taints.push({ key: 'spot', effect: 'PreferNoSchedule' });
    const cpu = String(int(1, 8));
    const alloc = { cpu, memory: `${int(2, 16)}Gi`, pods: String(int(3, 20)) };
    nodes.push({ metadata: { name: `n${i}`, labels }, spec: { taints, unschedulable: r() < 0.05 }, status: { allocatable: alloc } });
  }
  const groups: Group[] = [];
  for (let g = 0, n = int(2, 6); g < n; g++) {
    const app = `app${g}`;
    const namespace = pick(['default', 'default', 'other']);
    const grp: Group = { app, namespace, cpu: pick([0, 100, 250, 500, 1000]), memMi: pick([0, 128, 512, 1024]) };
    const sel = { matchLabels: { app } };
    if (r() < 0.35) grp.anti = { labelSelector: r() < 0.8 ? sel : { matchLabels: { app: `app${int(0, n - 1)}` } }, topologyKey: pick([HOST, HOST, ZONE]) };
    if (!preemption) {
      if (r() < 0.25) grp.affinity = { labelSelector: r() < 0.6 ? sel : { matchLabels: { app: `app${int(0, n - 1)}` } }, topologyKey: pick([HOST, ZONE]) };
      if (r() < 0.35) {
        grp.spread = { maxSkew: int(1, 3), topologyKey: pick([HOST, ZONE]), whenUnsatisfiable: 'DoNotSchedule', labelSelector: sel };
        if (r() < 0.3) grp.spread.minDomains = int(1, 4);
      }
    } else {
      grp.priority = int(0, 3) * 10;
    }
    if (r() < 0.2) grp.nodeSelector = { disk: pick(['ssd', 'hdd']) };
    if (r() < 0.3) grp.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
    if (r() < 0.1) grp.tolerations = [...(grp.tolerations ?? []), { key: 'maint', operator: 'Exists', effect: 'NoExecute' }];
    groups.push(grp);
  }
  const pods: Pod[] = [];
  for (let i = 0, n = preemption ? int(40, 150) : int(10, 70); i < n; i++) {
    const g = pick(groups);
    const requests: Record<string, string> = {};
    if (g.cpu) requests.cpu = `${g.cpu}m`;
    if (g.memMi) requests.memory = `${g.memMi}Mi`;
    pods.push({
      metadata: { name: `p${i}`, namespace: g.namespace, uid: `uid-${i}`, labels: { app: g.app } },
      spec: {
        containers: [{ name: 'c', image: 'x', resources: { requests } }],
        priority: g.priority,
        nodeSelector: g.nodeSelector,
        tolerations: g.tolerations,
        topologySpreadConstraints: g.spread ? [g.spread] : undefined,
        affinity:
          g.anti || g.affinity
            ? {
                podAntiAffinity: g.anti ? { requiredDuringSchedulingIgnoredDuringExecution: [g.anti] } : undefined,
                podAffinity: g.affinity ? { requiredDuringSchedulingIgnoredDuringExecution: [g.affinity] } : undefined,
              }
            : undefined,
      },
    });
  }
  return { nodes, pods };
}

function check(s: Scheduler): string[] {
  const problems: string[] = [];
  const nodes = s.snapshot.nodes();
  const placed: { pi: PodInfo; node: NodeInfo }[] = [];
  for (const n of nodes) for (const pi of n.pods) placed.push({ pi, node: n });
  const nsLabels = (ns: string) => s.snapshot.objects.namespaceLabels(ns) ?? {};
  for (const n of nodes) {
    let cpu = 0;
    let mem = 0;
    for (const pi of n.pods) {
      cpu += pi.requests.milliCPU;
      mem += pi.requests.memory;
    }
    if (cpu > n.allocatable.milliCPU) problems.push(`${n.name}: cpu ${cpu} > ${n.allocatable.milliCPU}`);
    if (mem > n.allocatable.memory) problems.push(`${n.name}: memory over capacity`);
    if (n.pods.length > n.allocatable.allowedPods) problems.push(`${n.name}: ${n.pods.length} pods > ${n.allocatable.allowedPods}`);
  }
  for (const { pi, node } of placed) {
    const where = `${pi.name}@${node.name}`;
    const taint = findUntoleratedTaint(node.taints, pi.tolerations);
    if (taint) problems.push(`${where}: untolerated taint ${taint.key}:${taint.effect}`);
    if (node.unschedulable && !pi.tolerations.some((t) => t.key === 'node.kubernetes.io/unschedulable' || (!t.key && t.operator === 'Exists'))) {
      problems.push(`${where}: on a cordoned node`);
    }
    if (!requiredNodeAffinity(pi.pod).matches(node)) problems.push(`${where}: node selector/affinity not matched`);
    for (const t of pi.requiredAntiAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v === undefined) continue;
      for (const o of placed) {
        if (o.pi.key === pi.key || o.node.labels[t.topologyKey] !== v) continue;
        if (termMatches(t, o.pi, nsLabels(o.pi.namespace))) problems.push(`${where}: anti-affinity violated by ${o.pi.name}@${o.node.name} (${t.topologyKey})`);
      }
    }
    if (pi.requiredAffinityTerms.length) {
      for (const t of pi.requiredAffinityTerms) {
        const v = node.labels[t.topologyKey];
        const ok =
          v !== undefined &&
          placed.some((o) => o.node.labels[t.topologyKey] === v && (o.pi.key !== pi.key || pi.requiredAffinityTerms.every((x) => termMatches(x, pi, {}))) && pi.requiredAffinityTerms.every((x) => termMatches(x, o.pi, {})));
        if (!ok) problems.push(`${where}: required affinity (${t.topologyKey}) not satisfied`);
      }
    }
  }
  // Spread: each group shares one constraint; over the eligible nodes, max - min per domain <= maxSkew.
  const checked = new Set<string>();
  for (const { pi } of placed) {
    for (const c of pi.pod.spec?.topologySpreadConstraints ?? []) {
      const id = `${pi.namespace}/${pi.labels.app}/${c.topologyKey}`;
      if (checked.has(id) || c.whenUnsatisfiable !== 'DoNotSchedule') continue;
      checked.add(id);
      const req = requiredNodeAffinity(pi.pod);
      const counts = new Map<string, number>();
      for (const n of nodes) {
        const v = n.labels[c.topologyKey];
        if (v === undefined || !req.matches(n)) continue;
        let k = counts.get(v) ?? 0;
        for (const o of n.pods) if (o.namespace === pi.namespace && o.labels.app === pi.labels.app) k++;
        counts.set(v, k);
      }
      const vals = [...counts.values()];
      const min = vals.length < (c.minDomains ?? 1) ? 0 : Math.min(...vals);
      const max = Math.max(...vals);
      if (max - min > c.maxSkew) problems.push(`${id}: skew ${max - min} > ${c.maxSkew} (${[...counts].join(' ')})`);
    }
  }
  return problems;
}

test(`invariants hold on ${CLUSTERS} random clusters`, async () => {
  let scheduled = 0;
  let pending = 0;
  let preempted = 0;
  for (let i = 0; i < CLUSTERS; i++) {
    const seed = FIRST_SEED + i;
    const r = rng(seed);
    const preemption = r() < 0.3;
    const { nodes, pods } = generate(r, preemption);
    let clock = 0;
    const failures = new Map<string, string>();
    const s = new Scheduler({
      random: r,
      now: () => clock,
      onFailure: (p, f) => failures.set(p.metadata!.name!, f.message),
      evict: async (v) => {
        preempted++;
        s.removePod(v);
      },
    });
    s.setObject('Namespace', { metadata: { name: 'default' } });
    s.setObject('Namespace', { metadata: { name: 'other' } });
    for (const n of nodes) s.addNode(n);
    // With priorities, the low-priority pods go first, so later ones have something to preempt.
    const first = preemption ? pods.filter((p) => !p.spec?.priority) : pods;
    for (const p of first) s.addPod(p);
    if (preemption) {
      s.drain();
      await s.waitForBindings();
      for (const p of pods) if (p.spec?.priority) s.addPod(p);
    }
    for (let round = 0; round < 6; round++) {
      s.drain();
      await s.waitForBindings();
      clock += 11_000;
      s.queue.tick();
    }
    const problems = check(s);
    assert.deepEqual(problems, [], `seed ${seed} (preemption ${preemption}): ${problems.join('; ')}`);
    const placedCount = s.snapshot.nodes().reduce((a, n) => a + n.pods.length, 0);
    scheduled += placedCount;
    for (const { pod } of s.queue.pending()) {
      pending++;
      assert.match(failures.get(pod.metadata!.name!) ?? '', /^0\/\d+ nodes are available/, `seed ${seed}: ${pod.metadata!.name} pending without a FailedScheduling message`);
    }
  }
  assert.ok(scheduled > 0);
  console.log(`# invariants: ${CLUSTERS} clusters, ${scheduled} pods placed, ${pending} pending, ${preempted} preempted`);
});

test('the checker reports violations it is shown', () => {
  const s = new Scheduler();
  s.addNode({ metadata: { name: 'n0', labels: { [HOST]: 'n0' } }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] }, status: { allocatable: { cpu: '1', memory: '1Gi', pods: '1' } } });
  const anti: PodAffinityTerm = { labelSelector: { matchLabels: { app: 'a' } }, topologyKey: HOST };
  for (const name of ['x', 'y']) {
    s.addPod({
      metadata: { name, namespace: 'default', uid: name, labels: { app: 'a' } },
      spec: { nodeName: 'n0', containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '800m' } } }], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [anti] } } },
    });
  }
  const problems = check(s);
  assert.ok(problems.some((p) => p.includes('cpu 1600 > 1000')));
  assert.ok(problems.some((p) => p.includes('2 pods > 1')));
  assert.ok(problems.some((p) => p.includes('untolerated taint k:NoSchedule')));
  assert.ok(problems.some((p) => p.includes('anti-affinity violated by y@n0')));
});
