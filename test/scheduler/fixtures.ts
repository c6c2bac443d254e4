import type { Container, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/index.js';

/** Test builders: small nodes and pods with just the fields a case needs. */
export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function node(name: string, o: NodeOpts = {}): Node {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '32Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: alloc, capacity: alloc },
  };
}

export interface PodOpts {
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  requests?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  tolerations?: Toleration[];
  affinity?: NonNullable<Pod['spec']>['affinity'];
  nodeSelector?: Record<string, string>;
  spread?: NonNullable<Pod['spec']>['topologySpreadConstraints'];
  containers?: Container[];
  initContainers?: Container[];
  hostPorts?: number[];
  spec?: Partial<NonNullable<Pod['spec']>>;
  ownerReferences?: NonNullable<Pod['metadata']>['ownerReferences'];
  startTime?: string;
}

export function pod(name: string, o: PodOpts = {}): Pod {
  const requests = o.requests ?? { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) };
  const ns = o.namespace ?? 'default';
  return {
    metadata: { name, namespace: ns, uid: `${ns}-${name}`, labels: o.labels, ownerReferences: o.ownerReferences },
    spec: {
      nodeName: o.nodeName,
      priority: o.priority,
      tolerations: o.tolerations,
      affinity: o.affinity,
      nodeSelector: o.nodeSelector,
      topologySpreadConstraints: o.spread,
      initContainers: o.initContainers,
      containers: o.containers ?? [
        {
          name: 'c',
          image: 'x',
          resources: { requests },
          ports: o.hostPorts?.map((p) => ({ containerPort: p, hostPort: p })),
        },
      ],
      ...(o.spec ?? {}),
    },
    status: o.startTime ? { startTime: o.startTime } : undefined,
  };
}

/** A scheduler with deterministic tie-breaks, nodes and (bound) pods already added. */
export function cluster(nodes: Node[], pods: Pod[] = [], opts: SchedulerOptions = {}): Scheduler {
  const s = new Scheduler({ random: () => 0, ...opts });
  for (const n of nodes) s.addNode(n);
  for (const p of pods) s.addPod(p);
  return s;
}

/** Each node's Filter verdict for `p`: '' when it passes, else "Plugin: reason, reason". */
export function verdicts(s: Scheduler, p: Pod): Record<string, string> {
  const rec = s.explainPod(p, 1);
  const out: Record<string, string> = {};
  for (const n of s.snapshot.nodes()) out[n.name] = '';
  for (const r of rec.rejected) out[r.node] = `${r.plugin}: ${r.reasons.join(', ')}`;
  if (rec.preFilter.length) for (const n of s.snapshot.nodes()) out[n.name] = `${rec.preFilter[0]!.plugin}: ${rec.preFilter[0]!.reasons.join(', ')}`;
  return out;
}

/** One plugin's normalized score per node (nodes that passed Filter). */
export function scores(s: Scheduler, p: Pod, plugin: string): Record<string, number> {
  const rec = s.explainPod(p, 100000);
  const out: Record<string, number> = {};
  for (const n of rec.scores) {
    const ps = n.plugins.find((x) => x.plugin === plugin);
    out[n.node] = ps ? ps.normalized : Number.NaN;
  }
  return out;
}

/** Schedules everything queued and waits for the bindings; returns pod name -> node. */
export async function scheduleAll(s: Scheduler): Promise<Record<string, string>> {
  s.drain();
  await s.waitForBindings();
  const out: Record<string, string> = {};
  for (const [key, nodeName] of s.bindings) out[key.replace(/^[^-]*-/, '')] = nodeName;
  return out;
}

export const HOST = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';
