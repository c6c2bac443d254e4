import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../api/index.js';
import type { PodSandboxConfig, Runtime, RuntimeContainerState, RuntimeContainerStatus, RuntimePodStatus } from '../runtime.js';
import { simulationHints } from '../simulation-hints.js';
import { normalizeImage, simulatedImageId } from './image-reference.js';
import { rfc3339 } from '../../api/rfc3339.js';

export interface SimulatedRuntimeOptions {
  /** How long a new pod shows ContainerCreating; 1 000 ms by default (`wharf.dev/simulate-start-after` overrides it). */
  startupDelayMs?: number;
  /** How long containers take to exit when asked to stop; 0 by default (`wharf.dev/simulate-stop-after` overrides it). */
  stopDelayMs?: number;
}

export const simulatedRuntimeVersion = 'wharf-simulated://0.1.0';
const idScheme = 'wharf-simulated://';

interface SpecContainer {
  name: string;
  image?: string;
  restartPolicy?: string;
}

interface ContainerRecord {
  status: RuntimeContainerStatus;
  exitTimer?: NodeJS.Timeout;
}

interface PodRecord {
  uid: string;
  sandboxReady: boolean;
  podIP: string;
  init: ContainerRecord[];
  containers: ContainerRecord[];
  exitAfterMs?: number;
  exitCode: number;
  createTimer?: NodeJS.Timeout;
  stop?: { deadline: number; timer: NodeJS.Timeout; done: Promise<void>; resolve: () => void; stopAfterMs: number; startedAt: number };
}

function newContainerId(): string {
  return idScheme + randomBytes(32).toString('hex');
}

function specContainers(pod: KubeObject, which: 'containers' | 'initContainers'): SpecContainer[] {
  return ((pod.spec as Record<string, unknown> | undefined)?.[which] as SpecContainer[] | undefined) ?? [];
}

function blankStatus(c: SpecContainer, reason: string): RuntimeContainerStatus {
  const image = normalizeImage(c.image ?? '');
  return { name: c.name, image, imageID: '', containerID: '', state: { waiting: { reason } }, restartCount: 0 };
}

/**
 * A runtime without processes: containers "run" on timers, for many nodes in one process (as kwok
 * does). A pod shows ContainerCreating for the startup delay, then every container runs; annotations
 * (see `simulation-hints.ts`) make containers exit, and stopping takes the simulated stop time or the
 * grace period, whichever ends first. It keeps no state across restarts: `startPod` adopts a pod
 * whose status already shows its containers running.
 */
export class SimulatedRuntime implements Runtime {
  readonly version = simulatedRuntimeVersion;
  private readonly pods = new Map<string, PodRecord>();
  private readonly listeners = new Set<(uid: string) => void>();
  private readonly startupDelayMs: number;
  private readonly stopDelayMs: number;

  constructor(opts: SimulatedRuntimeOptions = {}) {
    this.startupDelayMs = opts.startupDelayMs ?? 1000;
    this.stopDelayMs = opts.stopDelayMs ?? 0;
  }

  get size(): number {
    return this.pods.size;
  }

  startPod(pod: KubeObject, sandbox: PodSandboxConfig): void {
    const uid = pod.metadata.uid ?? '';
    if (this.pods.has(uid)) return;
    const hints = simulationHints(pod);
    const rec: PodRecord = {
      uid,
      sandboxReady: false,
      podIP: sandbox.podIP,
      init: specContainers(pod, 'initContainers').map((c) => ({ status: blankStatus(c, 'PodInitializing') })),
      containers: specContainers(pod, 'containers').map((c) => ({ status: blankStatus(c, 'ContainerCreating') })),
      exitAfterMs: hints.exitAfterMs,
      exitCode: hints.exitCode,
    };
    this.pods.set(uid, rec);
    if (this.adopt(pod, rec)) return this.changed(uid);
    const delay = hints.startAfterMs ?? this.startupDelayMs;
    if (delay <= 0) {
      this.run(rec, specContainers(pod, 'initContainers'));
    } else {
      rec.createTimer = setTimeout(() => {
        rec.createTimer = undefined;
        this.run(rec, specContainers(pod, 'initContainers'));
        this.changed(uid);
      }, delay);
    }
    this.changed(uid);
  }

  restartContainer(pod: KubeObject, containerName: string): void {
    const rec = this.pods.get(pod.metadata.uid ?? '');
    if (!rec || rec.stop) return;
    const c = rec.containers.find((x) => x.status.name === containerName);
    if (!c || !('terminated' in c.status.state)) return;
    c.status = { ...c.status, lastState: c.status.state, restartCount: c.status.restartCount + 1 };
    this.startContainer(rec, c, Date.now());
    this.changed(rec.uid);
  }

  stopPod(pod: KubeObject, gracePeriodSeconds: number): Promise<void> {
    const rec = this.pods.get(pod.metadata.uid ?? '');
    if (!rec) return Promise.resolve();
    const now = Date.now();
    const graceMs = Math.max(0, gracePeriodSeconds) * 1000;
    if (rec.stop) {
      // A shorter grace period (a second delete) brings the kill forward.
      const deadline = now + graceMs;
      const stopsAt = rec.stop.startedAt + rec.stop.stopAfterMs;
      if (deadline < rec.stop.deadline && deadline < stopsAt) {
        clearTimeout(rec.stop.timer);
        rec.stop.deadline = deadline;
        rec.stop.timer = setTimeout(() => this.finishStop(rec, true), graceMs);
      }
      return rec.stop.done;
    }
    if (rec.createTimer) clearTimeout(rec.createTimer);
    rec.createTimer = undefined;
    const stopAfterMs = simulationHints(pod).stopAfterMs ?? this.stopDelayMs;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const killed = graceMs < stopAfterMs;
    const wait = Math.min(graceMs, stopAfterMs);
    rec.stop = { deadline: now + graceMs, timer: setTimeout(() => this.finishStop(rec, killed), wait), done, resolve, stopAfterMs, startedAt: now };
    return done;
  }

  removePod(uid: string): void {
    const rec = this.pods.get(uid);
    if (!rec) return;
    this.clearTimers(rec);
    if (rec.stop) {
      clearTimeout(rec.stop.timer);
      rec.stop.resolve();
    }
    this.pods.delete(uid);
  }

  podStatus(uid: string): RuntimePodStatus | undefined {
    const rec = this.pods.get(uid);
    if (!rec) return undefined;
    return {
      uid,
      sandboxReady: rec.sandboxReady,
      podIP: rec.sandboxReady ? rec.podIP : undefined,
      initContainers: rec.init.map((c) => c.status),
      containers: rec.containers.map((c) => c.status),
    };
  }

  onPodChange(listener: (uid: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): void {
    for (const rec of this.pods.values()) {
      this.clearTimers(rec);
      if (rec.stop) clearTimeout(rec.stop.timer);
    }
    this.listeners.clear();
  }

  /** Takes over a pod whose status shows every container created and none waiting. */
  private adopt(pod: KubeObject, rec: PodRecord): boolean {
    const status = pod.status as { podIP?: string; containerStatuses?: (RuntimeContainerStatus & { state?: RuntimeContainerState })[]; initContainerStatuses?: RuntimeContainerStatus[] } | undefined;
    const found = status?.containerStatuses ?? [];
    if (rec.containers.length === 0 || found.length === 0) return false;
    const byName = new Map(found.map((s) => [s.name, s]));
    for (const c of rec.containers) {
      const s = byName.get(c.status.name);
      if (!s?.containerID || !s.state || 'waiting' in s.state) return false;
    }
    const now = Date.now();
    rec.sandboxReady = true;
    if (status?.podIP) rec.podIP = status.podIP;
    for (const c of rec.containers) {
      const s = byName.get(c.status.name)!;
      c.status = { ...c.status, imageID: s.imageID || simulatedImageId(c.status.image), containerID: s.containerID, state: s.state, restartCount: s.restartCount ?? 0 };
      if (s.lastState && Object.keys(s.lastState).length > 0) c.status.lastState = s.lastState;
      if ('running' in s.state) this.scheduleExit(rec, c, Date.parse(s.state.running.startedAt) || now, now);
    }
    const initByName = new Map((status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
    for (const c of rec.init) {
      const s = initByName.get(c.status.name);
      if (s?.containerID && s.state && !('waiting' in s.state)) c.status = { ...c.status, imageID: s.imageID, containerID: s.containerID, state: s.state, restartCount: s.restartCount ?? 0 };
      else c.status = this.completedInit(c.status, now);
    }
    return true;
  }

  /** Creates the sandbox, runs init containers to completion (sidecars keep running), starts the containers. */
  private run(rec: PodRecord, initSpecs: SpecContainer[]): void {
    const now = Date.now();
    rec.sandboxReady = true;
    rec.init.forEach((c, i) => {
      if (initSpecs[i]?.restartPolicy === 'Always') this.startContainer(rec, c, now, false);
      else c.status = this.completedInit(c.status, now);
    });
    for (const c of rec.containers) this.startContainer(rec, c, now);
  }

  private completedInit(s: RuntimeContainerStatus, now: number): RuntimeContainerStatus {
    const containerID = newContainerId();
    const at = rfc3339(now);
    return { ...s, imageID: simulatedImageId(s.image), containerID, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID } } };
  }

  private startContainer(rec: PodRecord, c: ContainerRecord, now: number, exits = true): void {
    c.status = { ...c.status, imageID: simulatedImageId(c.status.image), containerID: newContainerId(), state: { running: { startedAt: rfc3339(now) } } };
    if (exits) this.scheduleExit(rec, c, now, now);
  }

  private scheduleExit(rec: PodRecord, c: ContainerRecord, startedAt: number, now: number): void {
    if (rec.exitAfterMs === undefined) return;
    const wait = Math.max(0, startedAt + rec.exitAfterMs - now);
    c.exitTimer = setTimeout(() => {
      c.exitTimer = undefined;
      this.terminate(c, rec.exitCode, rec.exitCode === 0 ? 'Completed' : 'Error');
      this.changed(rec.uid);
    }, wait);
  }

  private terminate(c: ContainerRecord, exitCode: number, reason: string): void {
    if (c.exitTimer) clearTimeout(c.exitTimer);
    c.exitTimer = undefined;
    const state = c.status.state;
    if (!('running' in state)) return;
    const finishedAt = rfc3339(Date.now());
    c.status = { ...c.status, state: { terminated: { exitCode, reason, startedAt: state.running.startedAt, finishedAt, containerID: c.status.containerID } } };
  }

  private finishStop(rec: PodRecord, killed: boolean): void {
    const stop = rec.stop;
    if (!stop) return;
    // Killed at the end of the grace period: SIGKILL's 128 + 9.
    for (const c of [...rec.containers, ...rec.init]) this.terminate(c, killed ? 137 : 0, killed ? 'Error' : 'Completed');
    rec.sandboxReady = false;
    this.changed(rec.uid);
    stop.resolve();
  }

  private clearTimers(rec: PodRecord): void {
    if (rec.createTimer) clearTimeout(rec.createTimer);
    for (const c of [...rec.containers, ...rec.init]) if (c.exitTimer) clearTimeout(c.exitTimer);
  }

  private changed(uid: string): void {
    for (const l of this.listeners) l(uid);
  }
}
