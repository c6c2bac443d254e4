/** Pod garbage collection knobs, with kube-controller-manager's defaults. */
export interface PodGcSettings {
  /** Terminated pods kept before the oldest are deleted (`--terminated-pod-gc-threshold`, 12 500); 0 keeps all. */
  terminatedPodThreshold: number;
  /** How often garbage is looked for (20 s). */
  gcPeriodMs: number;
  /** How long a node must stay missing before its pods are deleted (40 s). */
  quarantineMs: number;
}

export const defaultPodGcSettings: PodGcSettings = { terminatedPodThreshold: 12_500, gcPeriodMs: 20_000, quarantineMs: 40_000 };

/** Reads `manager.settings['pod-gc']`: any of the fields above, numbers only. */
export function podGcSettings(raw: unknown): PodGcSettings {
  const out = { ...defaultPodGcSettings };
  if (typeof raw !== 'object' || raw === null) return out;
  for (const key of Object.keys(out) as (keyof PodGcSettings)[]) {
    const v = (raw as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`pod-gc setting ${key} must be a number >= 0, not ${String(v)}`);
    out[key] = v;
  }
  return out;
}
