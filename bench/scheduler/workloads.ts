import type { Node, Pod } from 'kubernetes-types/core/v1.js';

/**
 * The scheduler_perf-shaped workloads of issue 4: nodes of 4 CPU / 32Gi / 110 pods, pods requesting
 * 100m and 500Mi; warm-up pods are scheduled first and not measured.
 */
export interface Workload {
  name: string;
  nodes: number;
  warmupPods: number;
  measuredPods: number;
  node(i: number): Node;
  warmupPod(i: number): Pod;
  measuredPod(i: number): Pod;
}

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

function node(i: number, labels: Record<string, string> = {}): Node {
  const name = `node-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-uid-${i}`, labels: { [HOST]: name, ...labels } },
    status: {
      capacity: { cpu: '4', memory: '32Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '32Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pod(name: string, namespace: string, labels: Record<string, string>, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `${namespace}-${name}`, labels },
    spec: {
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' } } }],
      ...spec,
    },
  };
}

const ns = ['sched-0', 'sched-1'];

export function workloads(scale = 1): Workload[] {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  return [
    {
      name: 'SchedulingBasic',
      nodes: n(5000),
      warmupPods: n(1000),
      measuredPods: n(10000),
      node: (i) => node(i),
      warmupPod: (i) => pod(`init-${i}`, 'sched-0', {}),
      measuredPod: (i) => pod(`pod-${i}`, 'sched-1', {}),
    },
    {
      name: 'SchedulingPodAntiAffinity',
      nodes: n(5000),
      warmupPods: n(1000),
      measuredPods: n(2000),
      node: (i) => node(i),
      warmupPod: (i) => antiAffinityPod(`init-${i}`, 'sched-0'),
      measuredPod: (i) => antiAffinityPod(`pod-${i}`, 'sched-1'),
    },
    {
      name: 'SchedulingPodAffinity',
      nodes: n(5000),
      warmupPods: n(5000),
      measuredPods: n(5000),
      node: (i) => node(i, { [ZONE]: 'zone1' }),
      warmupPod: (i) => affinityPod(`init-${i}`, 'sched-0', 'required'),
      measuredPod: (i) => affinityPod(`pod-${i}`, 'sched-1', 'required'),
    },
    {
      name: 'SchedulingPreferredPodAffinity',
      nodes: n(5000),
      warmupPods: n(5000),
      measuredPods: n(5000),
      node: (i) => node(i),
      warmupPod: (i) => affinityPod(`init-${i}`, 'sched-0', 'preferred'),
      measuredPod: (i) => affinityPod(`pod-${i}`, 'sched-1', 'preferred'),
    },
    {
      name: 'SchedulingPreferredPodAntiAffinity',
      nodes: n(5000),
      warmupPods: n(5000),
      measuredPods: n(5000),
      node: (i) => node(i),
      warmupPod: (i) => affinityPod(`init-${i}`, 'sched-0', 'preferredAnti'),
      measuredPod: (i) => affinityPod(`pod-${i}`, 'sched-1', 'preferredAnti'),
    },
    {
      name: 'SchedulingNodeAffinity',
      nodes: n(5000),
      warmupPods: n(5000),
      measuredPods: n(10000),
      node: (i) => node(i, { [ZONE]: 'zone1' }),
      warmupPod: (i) => nodeAffinityPod(`init-${i}`, 'sched-0'),
      measuredPod: (i) => nodeAffinityPod(`pod-${i}`, 'sched-1'),
    },
    {
      name: 'TopologySpreading',
      nodes: n(5000),
      warmupPods: n(5000),
      measuredPods: n(10000),
      node: (i) => node(i, { [ZONE]: `moon-${i % 3}` }),
      warmupPod: (i) => pod(`init-${i}`, 'sched-0', {}),
      measuredPod: (i) =>
        pod(`pod-${i}`, 'sched-1', { color: 'blue' }, {
          topologySpreadConstraints: [{ maxSkew: 5, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }],
        }),
    },
  ];
}

function antiAffinityPod(name: string, namespace: string): Pod {
  return pod(name, namespace, { color: 'green', name: 'test' }, {
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: HOST, namespaces: ns }],
      },
    },
  });
}

function affinityPod(name: string, namespace: string, kind: 'required' | 'preferred' | 'preferredAnti'): Pod {
  const term = { labelSelector: { matchLabels: { foo: '' } }, topologyKey: kind === 'required' ? ZONE : HOST, namespaces: ns };
  const affinity =
    kind === 'required'
      ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
      : kind === 'preferred'
        ? { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] } }
        : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] } };
  return pod(name, namespace, { foo: '' }, { affinity });
}

function nodeAffinityPod(name: string, namespace: string): Pod {
  return pod(name, namespace, {}, {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone1', 'zone2'] }] }],
        },
      },
    },
  });
}
