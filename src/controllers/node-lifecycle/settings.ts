/** The node lifecycle controller's knobs, with kube-controller-manager's defaults. */
export interface NodeLifecycleSettings {
  /** How often node health is checked (`--node-monitor-period`, 5 s). */
  nodeMonitorPeriodMs: number;
  /** A node whose Lease and status are older than this is Unknown (`--node-monitor-grace-period`, 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** The same for a node that never posted status (60 s). */
  nodeStartupGracePeriodMs: number;
  /** Nodes tainted for eviction per second per zone (`--node-eviction-rate`, 0.1). */
  evictionRate: number;
  /** The rate in a partially disrupted large zone (`--secondary-node-eviction-rate`, 0.01). */
  secondaryEvictionRate: number;
  /** Share of not-Ready nodes (more than 2) that makes a zone partially disrupted (`--unhealthy-zone-threshold`, 0.55). */
  unhealthyZoneThreshold: number;
  /** Zones up to this size stop evicting when partially disrupted (`--large-cluster-size-threshold`, 50). */
  largeClusterSizeThreshold: number;
  /** How often the per-zone eviction queues are worked (100 ms). */
  taintPassPeriodMs: number;
}

export const defaultNodeLifecycleSettings: NodeLifecycleSettings = {
  nodeMonitorPeriodMs: 5000,
  nodeMonitorGracePeriodMs: 40_000,
  nodeStartupGracePeriodMs: 60_000,
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
  taintPassPeriodMs: 100,
};

/** Reads `manager.settings['node-lifecycle']`: any of the fields above, numbers only; others are ignored. */
export function nodeLifecycleSettings(raw: unknown): NodeLifecycleSettings {
  const out = { ...defaultNodeLifecycleSettings };
  if (typeof raw !== 'object' || raw === null) return out;
  for (const key of Object.keys(out) as (keyof NodeLifecycleSettings)[]) {
    const v = (raw as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`node-lifecycle setting ${key} must be a number >= 0, not ${String(v)}`);
    out[key] = v;
  }
  return out;
}
