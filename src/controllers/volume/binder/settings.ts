/** PersistentVolume binder knobs. */
export interface BinderSettings {
  /** How often every claim and volume is synced again regardless of events (kube-controller-manager's `--pvclaimbinder-sync-period`, 15 s). */
  syncPeriodMs: number;
  /**
   * Claims synced at once. Binding stays safe with several: each volume write is checked against its
   * resourceVersion. A sync mostly waits on API writes, so with thousands of claims arriving together a
   * few workers leave most claims queued while the API server has room for more. Each worker waiting on
   * a write holds a connection, and new TLS connections are costly for a busy server: in the storage
   * benchmark 32 did better than 64 (and 4 left claims queued for 15-20 s).
   */
  workers: number;
  /** Volumes synced at once (the same reasoning; a volume's sync rarely writes). */
  volumeWorkers: number;
}

export const defaultBinderSettings: BinderSettings = { syncPeriodMs: 15_000, workers: 32, volumeWorkers: 8 };

/** Reads `manager.settings['persistentvolume-binder']`: any of the fields above, positive numbers only. */
export function binderSettings(raw: unknown): BinderSettings {
  const out = { ...defaultBinderSettings };
  if (typeof raw !== 'object' || raw === null) return out;
  for (const key of Object.keys(out) as (keyof BinderSettings)[]) {
    const v = (raw as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`persistentvolume-binder setting ${key} must be a number > 0, not ${String(v)}`);
    out[key] = v;
  }
  return out;
}
