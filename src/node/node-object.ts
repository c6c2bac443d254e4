import { createHash, randomUUID } from 'node:crypto';
import { release } from 'node:os';
import type { KubeObject } from '../api/index.js';
import { canonicalizeResourceList } from '../api/validation/pod-spec-defaults.js';
import { sameJson } from './pod-status.js';
import { rfc3339 } from '../api/rfc3339.js';

export const kubeletVersion = 'v1.32.0-wharf';

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Everything a node agent says about its Node. */
export interface NodeConfig {
  name: string;
  cpu: string;
  memory: string;
  pods: number;
  ephemeralStorage: string;
  arch: string;
  zone?: string;
  region?: string;
  /** Extra labels, applied over the well-known ones. */
  labels: Record<string, string>;
  /** Set when the Node is created (`--register-with-taints`); not reconciled later. */
  taints: NodeTaint[];
  podCIDR: string;
  internalIP: string;
  runtimeVersion: string;
  osImage: string;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** The labels kubelet puts on its Node, plus the configured ones. */
export function nodeLabels(cfg: NodeConfig): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': cfg.arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': cfg.arch,
    'kubernetes.io/hostname': cfg.name,
    'kubernetes.io/os': 'linux',
  };
  if (cfg.zone) labels['topology.kubernetes.io/zone'] = cfg.zone;
  if (cfg.region) labels['topology.kubernetes.io/region'] = cfg.region;
  return { ...labels, ...cfg.labels };
}

function hex(name: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${name}`).digest('hex');
}

/** Stable machine identities derived from the name; a fresh boot ID per agent start. */
export function nodeIdentity(name: string): { machineID: string; systemUUID: string; bootID: string } {
  const h = hex(name, 'machine');
  const u = hex(name, 'system');
  return {
    machineID: h.slice(0, 32),
    systemUUID: `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20, 32)}`,
    bootID: randomUUID(),
  };
}

const healthy: [string, string, string][] = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'KubeletReady', 'kubelet is posting ready status'],
];

/** kubelet's wording of a pressure condition that holds. */
const pressured: Record<string, [string, string]> = {
  MemoryPressure: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
  DiskPressure: ['KubeletHasDiskPressure', 'kubelet has disk pressure'],
  PIDPressure: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'],
};

/** Which resources of the machine are short (a real node measures them; simulated ones never are). */
export interface NodePressure {
  memory?: boolean;
  disk?: boolean;
  pid?: boolean;
}

/**
 * The status an agent reports: capacity, the four kubelet conditions (heartbeat now, transition kept
 * while a condition's status holds; the pressure ones True as `pressure` says), addresses and node info.
 */
export function nodeStatus(cfg: NodeConfig, identity: ReturnType<typeof nodeIdentity>, current: readonly NodeCondition[] = [], now = Date.now(), pressure: NodePressure = {}): Record<string, unknown> {
  const resources: Record<string, string> = { cpu: cfg.cpu, 'ephemeral-storage': cfg.ephemeralStorage, memory: cfg.memory, pods: String(cfg.pods) };
  // As the server will store them, so comparing with the stored Node finds no false difference.
  canonicalizeResourceList(resources);
  const under: Record<string, boolean | undefined> = { MemoryPressure: pressure.memory, DiskPressure: pressure.disk, PIDPressure: pressure.pid };
  const conditions: NodeCondition[] = healthy.map(([type, healthyReason, healthyMessage]) => {
    const short = under[type] === true;
    const [reason, message] = short ? pressured[type]! : [healthyReason, healthyMessage];
    const status = type === 'Ready' || short ? 'True' : 'False';
    const prev = current.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now),
      reason,
      message,
    };
  });
  return {
    capacity: resources,
    allocatable: { ...resources },
    conditions,
    addresses: [
      { type: 'InternalIP', address: cfg.internalIP },
      { type: 'Hostname', address: cfg.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: identity.machineID,
      systemUUID: identity.systemUUID,
      bootID: identity.bootID,
      kernelVersion: release(),
      osImage: cfg.osImage,
      containerRuntimeVersion: cfg.runtimeVersion,
      kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: cfg.arch,
    },
  };
}

/** The Node an agent registers. */
export function buildNode(cfg: NodeConfig, identity: ReturnType<typeof nodeIdentity>, now = Date.now()): KubeObject {
  const spec: Record<string, unknown> = { podCIDR: cfg.podCIDR, podCIDRs: [cfg.podCIDR] };
  if (cfg.taints.length > 0) spec.taints = cfg.taints.map((t) => ({ ...t }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: cfg.name, labels: nodeLabels(cfg), annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec,
    status: nodeStatus(cfg, identity, [], now),
  };
}

/**
 * True when the Node's status differs from what the agent reports in anything but heartbeat times: a
 * condition someone else changed (the lifecycle controller's Unknown), capacity, addresses, info.
 */
export function nodeStatusDiffers(node: KubeObject, wanted: Record<string, unknown>): boolean {
  const status = (node.status ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(wanted)) {
    if (k === 'conditions') continue;
    if (!sameJson(status[k], v)) return true;
  }
  const have = (status.conditions ?? []) as NodeCondition[];
  const want = wanted.conditions as NodeCondition[];
  if (have.length !== want.length) return true;
  return want.some((w) => {
    const h = have.find((c) => c.type === w.type);
    return !h || h.status !== w.status || h.reason !== w.reason || h.message !== w.message;
  });
}
