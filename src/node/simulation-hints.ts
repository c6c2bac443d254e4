import type { KubeObject } from '../api/index.js';

/**
 * Annotations that tell the simulated runtime how a pod's containers behave, so Jobs can be made to
 * finish and slow shutdowns can be rehearsed without real processes:
 *
 * - `wharf.dev/simulate-exit-after: 5s`: every container exits this long after it started (Go duration:
 *   `500ms`, `5s`, `1m30s`). Without it containers run until the pod is deleted.
 * - `wharf.dev/simulate-exit-code: 1`: the exit code they exit with (0 when absent). With
 *   `restartPolicy: Never` the pod ends Succeeded (0) or Failed (non-zero); `OnFailure` restarts failed
 *   containers and `Always` restarts every container, counting restarts, with kubelet's crash-loop back-off.
 * - `wharf.dev/simulate-start-after: 2s`: how long the pod shows ContainerCreating (overrides the node's
 *   startup delay).
 * - `wharf.dev/simulate-stop-after: 20s`: how long containers take to exit once asked to stop; a pod whose
 *   grace period is shorter is killed when the grace period ends (exit code 137).
 */
export const simulateExitAfterAnnotation = 'wharf.dev/simulate-exit-after';
export const simulateExitCodeAnnotation = 'wharf.dev/simulate-exit-code';
export const simulateStartAfterAnnotation = 'wharf.dev/simulate-start-after';
export const simulateStopAfterAnnotation = 'wharf.dev/simulate-stop-after';

export interface SimulationHints {
  exitAfterMs?: number;
  exitCode: number;
  startAfterMs?: number;
  stopAfterMs?: number;
}

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration (`1h2m3.5s`, `250ms`); a bare number counts as seconds. Undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  if (s === '') return undefined;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * unitMs[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

/** The hints a pod's annotations give; malformed values are ignored. */
export function simulationHints(pod: KubeObject): SimulationHints {
  const a = pod.metadata.annotations;
  if (!a) return { exitCode: 0 };
  const duration = (key: string): number | undefined => (a[key] === undefined ? undefined : parseGoDuration(a[key]));
  const code = a[simulateExitCodeAnnotation] === undefined ? 0 : Number.parseInt(a[simulateExitCodeAnnotation], 10);
  return {
    exitAfterMs: duration(simulateExitAfterAnnotation),
    exitCode: Number.isFinite(code) ? code : 0,
    startAfterMs: duration(simulateStartAfterAnnotation),
    stopAfterMs: duration(simulateStopAfterAnnotation),
  };
}
