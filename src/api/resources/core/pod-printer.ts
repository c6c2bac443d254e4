import { timestampSince } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { arr, num, rec, str, type JsonRecord } from '../../validation/json-access.js';

/**
 * The READY, STATUS and RESTARTS cells of `kubectl get pods`, following the apiserver's pod printer:
 * the status is the phase, overridden by the most telling init or app container state.
 */

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function isSidecar(container: JsonRecord | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function laterTime(a: string, b: unknown): string {
  const t = str(b);
  if (!t) return a;
  if (!a) return t;
  return Date.parse(t) > Date.parse(a) ? t : a;
}

function conditionTrue(status: JsonRecord, type: string): boolean {
  return arr(status.conditions).some((c) => rec(c)?.type === type && rec(c)?.status === 'True');
}

/** The parts of a container status the STATUS and RESTARTS cells read (status and state empty objects when absent). */
function statusParts(raw: unknown) {
  const cs = rec(raw) ?? {};
  const state = rec(cs.state) ?? {};
  return { cs, state, terminated: rec(state.terminated), waiting: rec(state.waiting), lastTerminated: rec(rec(cs.lastState)?.terminated) };
}

export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of arr(status.conditions)) {
    if (rec(c)?.type === 'PodScheduled' && rec(c)?.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let restarts = 0;
  let sidecarRestarts = 0;
  let ready = 0;
  let lastRestart = '';
  let lastSidecarRestart = '';
  let total = arr(spec.containers).length;
  const initSpecs = new Map<string, JsonRecord>();
  const initContainers = arr(spec.initContainers);
  for (const c of initContainers) {
    const r = rec(c);
    if (!r) continue;
    initSpecs.set(str(r.name), r);
    if (isSidecar(r)) total++;
  }

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const { cs, terminated, waiting, lastTerminated } = statusParts(initStatuses[i]);
    restarts += num(cs.restartCount) ?? 0;
    if (lastTerminated) lastRestart = laterTime(lastRestart, lastTerminated.finishedAt);
    const sidecar = isSidecar(initSpecs.get(str(cs.name)));
    if (sidecar) {
      sidecarRestarts += num(cs.restartCount) ?? 0;
      if (lastTerminated) lastSidecarRestart = laterTime(lastSidecarRestart, lastTerminated.finishedAt);
    }
    if (terminated && (num(terminated.exitCode) ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      const signal = num(terminated.signal) ?? 0;
      if (str(terminated.reason)) reason = `Init:${str(terminated.reason)}`;
      else if (signal !== 0) reason = `Init:Signal:${signal}`;
      else reason = `Init:ExitCode:${num(terminated.exitCode) ?? 0}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const { cs, state, terminated, waiting, lastTerminated } = statusParts(statuses[i]);
      restarts += num(cs.restartCount) ?? 0;
      if (lastTerminated) lastRestart = laterTime(lastRestart, lastTerminated.finishedAt);
      if (waiting && str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated && str(terminated.reason)) reason = str(terminated.reason);
      else if (terminated) {
        const signal = num(terminated.signal) ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated.exitCode) ?? 0}`;
      } else if (cs.ready === true && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose containers partly completed still runs while one of them does.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod.metadata.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart ? `${restarts} (${timestampSince(lastRestart, now)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

/** The pod's first IP, or `<none>`. */
export function podIP(pod: KubeObject): string {
  const status = rec(pod.status) ?? {};
  return str(rec(arr(status.podIPs)[0])?.ip) || str(status.podIP) || '<none>';
}

/** `true/total` of the pod's readiness gates, or `<none>` when it has none. */
export function readinessGatesCell(pod: KubeObject): string {
  const gates = arr(rec(pod.spec)?.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = arr(rec(pod.status)?.conditions);
  let satisfied = 0;
  for (const g of gates) {
    const c = conditions.find((c) => rec(c)?.type === rec(g)?.conditionType);
    if (rec(c)?.status === 'True') satisfied++;
  }
  return `${satisfied}/${gates.length}`;
}
