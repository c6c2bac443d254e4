import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type { KubeObject } from '../../api/index.js';
import type { ContainerLogRequest, ExecIO, PodSandboxConfig, Runtime, RuntimeContainerState, RuntimeContainerStatus, RuntimePodStatus } from '../runtime.js';
import { simulationHints } from '../simulation-hints.js';
import { normalizeImage, simulatedImageId } from './image-reference.js';
import { rfc3339 } from '../../api/rfc3339.js';

export interface SimulatedRuntimeOptions {
  /** How long a new pod shows ContainerCreating; 1 000 ms by default (`wharf.dev/simulate-start-after` overrides it). */
  startupDelayMs?: number;
  /** How long containers take to exit when asked to stop; 0 by default (`wharf.dev/simulate-stop-after` overrides it). */
  stopDelayMs?: number;
  /**
   * Resolves once the pod's volumes could be mounted (its claims are bound), as kubelet waits for its
   * volume manager before it creates containers; the ContainerCreating delay starts after it. Pods
   * without persistentVolumeClaim volumes never wait. None by default: containers start at once.
   */
  volumesReady?: (pod: KubeObject, signal: AbortSignal) => Promise<void>;
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
  /** The synthetic log (CRI lines) of the current and the previous instance, and who follows it. */
  log: string[];
  previousLog?: string[];
  /** Made by the first follower (most logs are never followed). */
  followers?: Set<PassThrough>;
}

/** A CRI log line at `ms`, with the nanosecond-style stamp kubelet writes. */
function criLine(ms: number, text: string): string {
  return `${new Date(ms).toISOString().replace('Z', '000000Z')} stdout F ${text}\n`;
}

function newRecord(status: RuntimeContainerStatus): ContainerRecord {
  return { status, log: [] };
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
  /** Aborts the wait for volumes when the pod is stopped first. */
  volumeWait?: AbortController;
  stop?: { deadline: number; timer: NodeJS.Timeout; done: Promise<void>; resolve: () => void; stopAfterMs: number; startedAt: number };
}

function newContainerId(): string {
  return idScheme + randomBytes(32).toString('hex');
}

/** Whether any of the pod's volumes is a persistentVolumeClaim. */
function usesClaims(pod: KubeObject): boolean {
  const volumes = (pod.spec as { volumes?: { persistentVolumeClaim?: unknown }[] } | undefined)?.volumes ?? [];
  return volumes.some((v) => v.persistentVolumeClaim !== undefined);
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
  private readonly volumesReady: SimulatedRuntimeOptions['volumesReady'];

  constructor(opts: SimulatedRuntimeOptions = {}) {
    this.startupDelayMs = opts.startupDelayMs ?? 1000;
    this.stopDelayMs = opts.stopDelayMs ?? 0;
    this.volumesReady = opts.volumesReady;
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
      init: specContainers(pod, 'initContainers').map((c) => newRecord(blankStatus(c, 'PodInitializing'))),
      containers: specContainers(pod, 'containers').map((c) => newRecord(blankStatus(c, 'ContainerCreating'))),
      exitAfterMs: hints.exitAfterMs,
      exitCode: hints.exitCode,
    };
    this.pods.set(uid, rec);
    if (this.adopt(pod, rec)) return this.changed(uid);
    const delay = hints.startAfterMs ?? this.startupDelayMs;
    const runNow = (): void => {
      this.run(rec, specContainers(pod, 'initContainers'));
      this.changed(uid);
    };
    const create = (): void => {
      if (delay <= 0) return runNow();
      rec.createTimer = setTimeout(() => {
        rec.createTimer = undefined;
        runNow();
      }, delay);
    };
    if (this.volumesReady && usesClaims(pod)) {
      const wait = new AbortController();
      rec.volumeWait = wait;
      this.volumesReady(pod, wait.signal).then(
        () => {
          rec.volumeWait = undefined;
          if (!wait.signal.aborted && this.pods.get(uid) === rec && !rec.stop) create();
        },
        () => undefined,
      );
    } else if (delay <= 0) {
      // At once, reported by the one change below.
      this.run(rec, specContainers(pod, 'initContainers'));
    } else {
      create();
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
    rec.volumeWait?.abort();
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
    for (const c of [...rec.containers, ...rec.init]) this.endFollowers(c);
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
      for (const c of [...rec.containers, ...rec.init]) this.endFollowers(c);
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
      if ('running' in s.state) {
        this.beginLog(c, Date.parse(s.state.running.startedAt) || now);
        this.scheduleExit(rec, c, Date.parse(s.state.running.startedAt) || now, now);
      }
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
    this.beginLog(c, now);
    if (exits) this.scheduleExit(rec, c, now, now);
  }

  /** A new instance: the last one's log becomes the previous log; the new one says what it is. */
  private beginLog(c: ContainerRecord, at: number): void {
    if (c.log.length > 0) c.previousLog = c.log;
    c.log = [];
    this.appendLog(c, criLine(at, `wharf: simulated container "${c.status.name}" (image ${c.status.image}) started; simulated containers run no process and write no output of their own`));
  }

  private appendLog(c: ContainerRecord, line: string): void {
    c.log.push(line);
    for (const f of c.followers ?? []) f.write(line);
  }

  private endFollowers(c: ContainerRecord): void {
    for (const f of c.followers ?? []) f.end();
    c.followers?.clear();
  }

  async logs(uid: string, container: string, req: ContainerLogRequest): Promise<Readable> {
    const rec = this.pods.get(uid);
    const c = rec && [...rec.containers, ...rec.init].find((x) => x.status.name === container);
    if (!c) throw new Error(`container "${container}" of pod ${uid} is not known to this node`);
    if (req.previous) return Readable.from([(c.previousLog ?? []).join('')]);
    const text = c.log.join('');
    if (!req.follow || !('running' in c.status.state)) return Readable.from([text]);
    const out = new PassThrough();
    out.write(text);
    (c.followers ??= new Set()).add(out);
    out.on('close', () => c.followers?.delete(out));
    return out;
  }

  async exec(uid: string, container: string, command: string[], _io: ExecIO): Promise<number> {
    throw new Error(`${this.simulatedWhat(uid, container)}: nothing runs in it, so "${command.join(' ')}" cannot be executed`);
  }

  async attach(uid: string, container: string, _io: ExecIO): Promise<number> {
    throw new Error(`${this.simulatedWhat(uid, container)}: it has no process to attach to`);
  }

  async portForward(uid: string, port: number): Promise<Duplex> {
    throw new Error(`pod ${uid} runs on a simulated node: nothing listens on port ${port}, it cannot be forwarded`);
  }

  private simulatedWhat(uid: string, container: string): string {
    return `container "${container}" of pod ${uid} is simulated (runtime ${simulatedRuntimeVersion})`;
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
    this.appendLog(c, criLine(Date.now(), `wharf: simulated container "${c.status.name}" exited with code ${exitCode}`));
    this.endFollowers(c);
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
    rec.volumeWait?.abort();
    for (const c of [...rec.containers, ...rec.init]) if (c.exitTimer) clearTimeout(c.exitTimer);
  }

  private changed(uid: string): void {
    for (const l of this.listeners) l(uid);
  }
}
