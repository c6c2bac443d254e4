import type { ChildProcess } from 'node:child_process';
import type { Duplex, Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, LocalObjectReference } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/index.js';
import { rfc3339 } from '../../../api/rfc3339.js';
import type { PodSandboxConfig, Runtime, RuntimeContainerState, RuntimeContainerStatus, RuntimePodStatus } from '../../runtime.js';
import { normalizeImage } from '../image-reference.js';
import { detectCgroupSupport, type CgroupSupport } from './cgroup-support.js';
import { containerEnv } from './container-env.js';
import { ContainerLogPump } from './container-log.js';
import { connectInNetns, execWithStreams, readLogFile, type LogRequest, type StreamIO } from './container-streams.js';
import type { DownwardContext } from './downward-api.js';
import { runcVersion } from './host-support.js';
import { imageEvents, isImageError, parseDockerConfigJson, PullBackoff, type EnsureImageOptions, type PulledImage, type PullPolicy, type RegistryAuth } from './image/index.js';
import { resolveImageUser } from './image-user.js';
import { runLifecycleHandler } from './lifecycle-hooks.js';
import { ContainerProbes } from './container-probes.js';
import { buildOciSpec, mountSource } from './oci-config.js';
import { ContainerConfigError, type PodResourceResolver } from './pod-resources.js';
import { PodVolumes, VolumeMountError, type PreparedVolume } from './pod-volumes.js';
import { processArgs } from './process-args.js';
import { Runc, type RunFiles } from './runc.js';
import { SandboxManager, type PodSandbox } from './sandbox/sandbox-manager.js';

/** The image store as the runtime uses it (`ImageService` fits; tests substitute a directory). */
export interface ImageSource {
  ensureImage(reference: string, opts: EnsureImageOptions): Promise<PulledImage>;
  prepareRootfs(image: PulledImage, targetDir: string): Promise<void>;
  /** The image if already present, without pulling (for kubelet's "already present" event). */
  findImage?(reference: string): Promise<PulledImage | undefined>;
}

/** Where pod events go (an `EventRecorder` fits). */
export interface PodEventSink {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** What this node's runtime can and cannot enforce, for node status and `wharf node`'s output. */
export interface RuntimeCapabilities {
  cgroups: CgroupSupport;
  /** Sentences naming what is not enforced on this machine (empty when all is). */
  notEnforced: string[];
}

export interface ContainerRuntimeOptions {
  /** The node's data dir: sandboxes (`pods/`), containers (`containers/`), logs (`logs/`), runc state (`runc/`). */
  dataDir: string;
  images: ImageSource;
  /** ConfigMaps, Secrets and claims the pods refer to. */
  resources: PodResourceResolver;
  /** The node's pod CIDR; its first host is the bridge's address. */
  podCIDR: string;
  /** The node bridge; `wharf0` by default. */
  bridge?: string;
  clusterDNS?: string[];
  clusterDomain?: string;
  /** The node's allocatable resources, what a resourceFieldRef to an unset limit reads. */
  nodeAllocatable?: Record<string, string>;
  runcPath?: string;
  ipPath?: string;
  /** `runc --version`'s version; asked of runc by `createContainerRuntime`. */
  runcVersion: string;
  cgroups: CgroupSupport;
  events?: PodEventSink;
  /** How long logs of removed pods stay readable; 1 hour by default. */
  logRetentionMs?: number;
  /** Retry delay after a sandbox, volume or config failure; 5 s by default. */
  retryMs?: number;
  /** How often ConfigMap, Secret, downward API and projected volumes are refreshed; 60 s by default. */
  volumeRefreshMs?: number;
  /** Init container crash back-off start (doubling to 300 s); 10 s by default. */
  initBackoffMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** What a container's dir records, so an agent restart can take the container over. */
interface ContainerMeta {
  podUid: string;
  name: string;
  init: boolean;
  attempt: number;
  image: string;
  imageID: string;
  logPath: string;
  startedAt?: string;
  memoryLimited: boolean;
}

interface Instance {
  id: string;
  dir: string;
  meta: ContainerMeta;
  files: RunFiles;
  child?: ChildProcess;
  pump?: ContainerLogPump;
  probes?: ContainerProbes;
  poll?: NodeJS.Timeout;
  killedByUs: boolean;
  /** The process is gone and its log fully written. */
  finished: boolean;
  exited: Promise<void>;
  resolveExited: () => void;
}

/**
 * A container's status with what probes decide: `ready` (set only when a readiness probe exists,
 * false until it passes) and `started` (set only when a startup probe exists). The agent's status
 * computation can read them; without them a running container counts as ready and started.
 */
export type ProbedContainerStatus = RuntimeContainerStatus & { ready?: boolean; started?: boolean };

interface ContainerRec {
  spec: Container;
  init: boolean;
  status: ProbedContainerStatus;
  current?: Instance;
  /** A start in progress (image, config, runc); stopping waits for it. */
  starting?: Promise<void>;
  retryTimer?: NodeJS.Timeout;
}

interface StopState {
  deadline: number;
  timer?: NodeJS.Timeout;
  done: Promise<void>;
}

interface PodRec {
  uid: string;
  pod: KubeObject;
  config: PodSandboxConfig;
  sandbox?: PodSandbox;
  sandboxReady: boolean;
  volumes?: Map<string, PreparedVolume>;
  init: ContainerRec[];
  containers: ContainerRec[];
  abort: AbortController;
  /** Resolves when `abort` fires. */
  aborted: Promise<void>;
  work: Promise<void>;
  stop?: StopState;
  removed: boolean;
  timers: Set<NodeJS.Timeout>;
}

export const runcIdScheme = 'runc://';
const maxTerminationMessage = 4096;

function specContainers(pod: KubeObject, which: 'containers' | 'initContainers'): Container[] {
  return ((pod.spec as Record<string, unknown> | undefined)?.[which] as Container[] | undefined) ?? [];
}

function waitingStatus(c: Container, reason: string): RuntimeContainerStatus {
  return { name: c.name, image: normalizeImage(c.image ?? ''), imageID: '', containerID: '', state: { waiting: { reason } }, restartCount: 0 };
}

/** Kubernetes' default pull policy for an image that has none: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): PullPolicy {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The kubelet layout of a container's log: `<dir>/<namespace>_<name>_<uid>/<container>/<restartCount>.log`. */
export function containerLogPath(logsDir: string, pod: { namespace?: string; name?: string; uid?: string }, container: string, restartCount: number): string {
  return join(logsDir, `${pod.namespace ?? 'default'}_${pod.name ?? ''}_${pod.uid ?? ''}`, container, `${restartCount}.log`);
}

/**
 * What a container that just started running reports before its probes have said anything: not ready with
 * a readiness probe, not started with a startup probe (kubelet's defaults), whatever an earlier instance said.
 */
function unprobed(spec: Container): { ready?: boolean; started?: boolean } {
  return { ...(spec.readinessProbe ? { ready: false } : {}), ...(spec.startupProbe ? { started: false } : {}) };
}

/** Waits `ms`, or less when the pod is stopped or removed meanwhile. */
function sleep(ms: number, rec: PodRec): Promise<void> {
  if (rec.abort.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(t);
      rec.timers.delete(t);
      resolve();
    };
    const t = setTimeout(() => {
      rec.timers.delete(t);
      rec.abort.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    rec.timers.add(t);
    rec.abort.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wharf's real runtime, what containerd and runc are to kubelet: each pod gets a sandbox (network
 * namespace on the node bridge), its volumes, then its init containers in order and its containers,
 * each an OCI bundle run by runc from a rootfs the image store prepares. Container output becomes
 * CRI-format logs; exits are seen at once (the shim's exit) or by polling (containers adopted after an
 * agent restart). The agent decides restarts and deletion; the runtime does and reports.
 */
export class ContainerRuntime implements Runtime {
  readonly version: string;
  readonly capabilities: RuntimeCapabilities;
  readonly runc: Runc;
  readonly sandboxes: SandboxManager;
  private readonly opts: ContainerRuntimeOptions;
  private readonly volumes: PodVolumes;
  private readonly pods = new Map<string, PodRec>();
  private readonly listeners = new Set<(uid: string) => void>();
  private readonly pullBackoff = new PullBackoff();
  private readonly removals = new Map<string, Promise<void>>();
  private readonly logTimers = new Set<NodeJS.Timeout>();
  private index: Promise<Map<string, Map<string, ContainerMeta>>> | undefined;
  private closed = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing = false;

  constructor(opts: ContainerRuntimeOptions) {
    this.opts = opts;
    this.version = `runc://${opts.runcVersion}`;
    this.capabilities = { cgroups: opts.cgroups, notEnforced: [...opts.cgroups.notEnforced] };
    this.runc = new Runc({ path: opts.runcPath, root: join(opts.dataDir, 'runc') });
    this.sandboxes = new SandboxManager({ dataDir: opts.dataDir, bridge: opts.bridge, podCIDR: opts.podCIDR, clusterDNS: opts.clusterDNS, clusterDomain: opts.clusterDomain, ipPath: opts.ipPath });
    this.volumes = new PodVolumes({ resolver: opts.resources });
    const refresh = (): void => {
      this.refreshTimer = setTimeout(() => void this.refreshVolumes().finally(refresh), opts.volumeRefreshMs ?? 60_000);
      this.refreshTimer.unref?.();
    };
    refresh();
  }

  /** Rewrites API data volumes whose source changed (kubelet's periodic sync of ConfigMap and Secret volumes). */
  private async refreshVolumes(): Promise<void> {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    try {
      for (const rec of this.pods.values()) {
        if (!rec.volumes || !rec.sandbox || this.gone(rec)) continue;
        await this.volumes.prepare(rec.pod, rec.sandbox.dir, this.downward(rec), 'apiData').catch((e: Error) => this.opts.events?.event(rec.pod, 'Warning', 'FailedMount', e.message));
      }
    } finally {
      this.refreshing = false;
    }
  }

  get logsDir(): string {
    return join(this.opts.dataDir, 'logs');
  }

  private get containersDir(): string {
    return join(this.opts.dataDir, 'containers');
  }

  startPod(pod: KubeObject, sandbox: PodSandboxConfig): void {
    const uid = pod.metadata.uid ?? '';
    if (this.closed || this.pods.has(uid)) return;
    const abort = new AbortController();
    const rec: PodRec = {
      uid,
      pod,
      config: sandbox,
      sandboxReady: false,
      init: specContainers(pod, 'initContainers').map((c) => ({ spec: c, init: true, status: waitingStatus(c, 'PodInitializing') })),
      containers: specContainers(pod, 'containers').map((c) => ({ spec: c, init: false, status: waitingStatus(c, specContainers(pod, 'initContainers').length > 0 ? 'PodInitializing' : 'ContainerCreating') })),
      abort,
      aborted: new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true })),
      work: Promise.resolve(),
      removed: false,
      timers: new Set(),
    };
    this.pods.set(uid, rec);
    rec.work = this.runPod(rec).catch((e) => this.log(`pod "${this.podKey(rec)}" failed to run`, e));
    this.changed(uid);
  }

  restartContainer(pod: KubeObject, containerName: string): void {
    const rec = this.pods.get(pod.metadata.uid ?? '');
    if (!rec || rec.stop || rec.removed) return;
    const c = rec.containers.find((x) => x.spec.name === containerName);
    if (!c || !('terminated' in c.status.state) || c.starting) return;
    c.status = { ...c.status, lastState: c.status.state, restartCount: c.status.restartCount + 1, state: { waiting: { reason: 'ContainerCreating' } } };
    this.changed(rec.uid);
    void this.launch(rec, c);
  }

  stopPod(pod: KubeObject, gracePeriodSeconds: number): Promise<void> {
    const rec = this.pods.get(pod.metadata.uid ?? '');
    if (!rec) return Promise.resolve();
    const graceMs = Math.max(0, gracePeriodSeconds) * 1000;
    const deadline = Date.now() + graceMs;
    if (rec.stop) {
      if (deadline < rec.stop.deadline) {
        // A second delete with a shorter grace brings the kill forward.
        rec.stop.deadline = deadline;
        if (rec.stop.timer) clearTimeout(rec.stop.timer);
        rec.stop.timer = setTimeout(() => void this.killAll(rec, 'KILL'), graceMs);
      }
      return rec.stop.done;
    }
    const stop: StopState = { deadline, done: Promise.resolve() };
    rec.stop = stop;
    rec.abort.abort();
    for (const c of [...rec.init, ...rec.containers]) if (c.retryTimer) clearTimeout(c.retryTimer);
    stop.done = (async () => {
      // Starts in progress finish (or give up) first, so nothing starts after the kill.
      await Promise.all([...rec.init, ...rec.containers].map((c) => c.starting));
      const running = [...rec.init, ...rec.containers].filter((c) => c.current && 'running' in c.status.state);
      // The grace period covers preStop hooks and SIGTERM together; at its end everything is killed.
      if (stop.timer) clearTimeout(stop.timer);
      stop.timer = setTimeout(() => void this.killAll(rec, 'KILL'), Math.max(0, stop.deadline - Date.now()));
      await Promise.all(
        running.map(async (c) => {
          const inst = c.current!;
          inst.probes?.stop();
          this.opts.events?.event(rec.pod, 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
          inst.killedByUs = true;
          const preStop = c.spec.lifecycle?.preStop;
          if (preStop) {
            try {
              await runLifecycleHandler(preStop, { exec: (cmd, t) => this.execCollect(inst.id, cmd, t), podIP: rec.sandbox?.podIP ?? '', container: c.spec, timeoutMs: Math.max(1, stop.deadline - Date.now()) });
            } catch (e) {
              this.opts.events?.event(rec.pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${(e as Error).message}`);
            }
          }
          await this.runc.kill(inst.id, 'TERM').catch((e) => this.log(`stopping container ${inst.id} failed`, e));
        }),
      );
      await Promise.all(running.map((c) => c.current!.exited));
      clearTimeout(stop.timer);
      rec.sandboxReady = false;
      for (const c of [...rec.init, ...rec.containers]) {
        // Never started: it stays waiting, as kubelet leaves it.
        if ('running' in c.status.state) c.status = { ...c.status, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: c.status.state.running.startedAt, finishedAt: rfc3339(Date.now()), containerID: c.status.containerID } } };
      }
      this.changed(rec.uid);
    })();
    return stop.done;
  }

  removePod(uid: string): void {
    void this.teardownPod(uid);
  }

  /** `removePod`, resolving once containers, volumes, the sandbox and the container dirs are gone. */
  teardownPod(uid: string): Promise<void> {
    const existing = this.removals.get(uid);
    if (existing) return existing;
    const rec = this.pods.get(uid);
    const p = (async () => {
      if (rec) {
        rec.removed = true;
        rec.abort.abort();
        for (const t of rec.timers) clearTimeout(t);
        if (rec.stop?.timer) clearTimeout(rec.stop.timer);
        await Promise.all([...rec.init, ...rec.containers].map((c) => c.starting));
        // The pod's course ends at its next step once aborted; a sandbox still being made is finished
        // before it is removed, so nothing is created after the removal.
        await rec.work;
        for (const c of [...rec.init, ...rec.containers]) {
          if (c.retryTimer) clearTimeout(c.retryTimer);
          const inst = c.current;
          if (!inst) continue;
          inst.killedByUs = true;
          inst.probes?.stop();
          await this.runc.kill(inst.id, 'KILL', true).catch(() => undefined);
          await this.runc.delete(inst.id).catch(() => undefined);
          if (inst.poll) clearTimeout(inst.poll);
          await inst.pump?.finish();
        }
      }
      for (const { id } of await this.containerDirsOf(uid)) await this.runc.delete(id).catch(() => undefined);
      const podDir = this.sandboxes.podDir(uid);
      await this.volumes.cleanup(podDir, uid);
      await this.sandboxes.remove(uid);
      for (const { id } of await this.containerDirsOf(uid)) await this.removeDir(uid, id);
      this.pods.delete(uid);
      this.scheduleLogRemoval(rec?.pod);
    })()
      .catch((e) => this.log(`removing pod ${uid} failed`, e))
      .finally(() => this.removals.delete(uid));
    this.removals.set(uid, p);
    return p;
  }

  podStatus(uid: string): RuntimePodStatus | undefined {
    const rec = this.pods.get(uid);
    if (!rec || rec.removed) return undefined;
    return {
      uid,
      sandboxReady: rec.sandboxReady,
      podIP: rec.sandboxReady ? rec.sandbox?.podIP : undefined,
      initContainers: rec.init.map((c) => c.status),
      containers: rec.containers.map((c) => c.status),
    };
  }

  onPodChange(listener: (uid: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The log file of a container's current (or, with `previous`, last) run, for the node's log API. */
  logPath(uid: string, containerName: string, previous = false): string | undefined {
    const rec = this.pods.get(uid);
    const c = rec && [...rec.init, ...rec.containers].find((x) => x.spec.name === containerName);
    if (!rec || !c) return undefined;
    const attempt = c.status.restartCount - (previous ? 1 : 0);
    if (attempt < 0) return undefined;
    return containerLogPath(this.logsDir, rec.pod.metadata, containerName, attempt);
  }

  /**
   * Runs a command in a running container through `runc exec` (no terminal) and returns the process:
   * stdout and stderr are the child's, stdin too with `stdin`; its exit code is the command's. Throws
   * when the container is not running.
   */
  execProcess(uid: string, containerName: string, command: string[], opts: { stdin?: boolean } = {}): ChildProcess {
    return this.runc.exec(this.runningInstance(uid, containerName).id, command, { stdin: opts.stdin });
  }

  /**
   * Removes what earlier runs of the node left for pods it no longer has (a crash between a pod's end
   * and its cleanup): containers, volumes, sandboxes of every uid neither running here nor in `known`.
   * For the agent to call once it has seen all its pods; returns the uids removed.
   */
  async removeOrphans(known: Iterable<string>): Promise<string[]> {
    const keep = new Set(known);
    for (const uid of this.pods.keys()) keep.add(uid);
    const found = new Set<string>([...(await this.containerIndex()).keys()]);
    for (const d of await readdir(join(this.opts.dataDir, 'pods')).catch(() => [] as string[])) found.add(d);
    const removed: string[] = [];
    for (const uid of found) {
      if (keep.has(uid)) continue;
      await this.teardownPod(uid);
      removed.push(uid);
    }
    return removed;
  }

  /** The images containers of this node's pods use (references and imageIDs), for image GC to keep. */
  imagesInUse(): Set<string> {
    const out = new Set<string>();
    for (const rec of this.pods.values()) {
      for (const c of [...rec.init, ...rec.containers]) {
        if (c.spec.image) out.add(c.spec.image);
        if (c.status.image) out.add(c.status.image);
        if (c.status.imageID) out.add(c.status.imageID);
      }
    }
    return out;
  }

  // ---- the node API: logs, exec, attach, port-forward ----

  /**
   * A container's log in CRI format, the current run's or (`previous`) the one before; with `follow`
   * the stream stays open until that run has exited and its log is complete. Logs of pods already
   * removed are read from disk while they are kept.
   */
  async logs(uid: string, containerName: string, req: LogRequest): Promise<Readable> {
    const rec = this.pods.get(uid);
    if (rec && !rec.removed) {
      const c = [...rec.init, ...rec.containers].find((x) => x.spec.name === containerName);
      const podName = rec.pod.metadata.name ?? '';
      if (!c) throw new Error(`container ${containerName} is not valid for pod ${podName}`);
      if (req.previous) {
        if (c.status.restartCount < 1) throw new Error(`previous terminated container "${containerName}" in pod "${podName}" not found`);
        return readLogFile(containerLogPath(this.logsDir, rec.pod.metadata, containerName, c.status.restartCount - 1), false, () => true);
      }
      const inst = c.current;
      if (!inst || !inst.meta.startedAt) {
        const st = c.status.state;
        throw new Error(`container "${containerName}" in pod "${podName}" is waiting to start: ${'waiting' in st ? st.waiting.reason : 'ContainerCreating'}`);
      }
      return readLogFile(inst.meta.logPath, req.follow, () => inst.finished || c.current !== inst);
    }
    const path = await this.logOnDisk(uid, containerName, req.previous);
    if (!path) throw new Error(req.previous ? `previous terminated container "${containerName}" not found` : `container ${containerName} not found in pod ${uid}`);
    return readLogFile(path, false, () => true);
  }

  /** `kubectl exec`: `runc exec` with the client's streams (a terminal through a pty when asked). */
  exec(uid: string, containerName: string, command: string[], io: StreamIO): Promise<number> {
    const inst = this.runningInstance(uid, containerName);
    return execWithStreams({ path: this.runc.path, root: this.runc.root, id: inst.id }, command, io);
  }

  /**
   * `kubectl attach`: the container's output from now on, until it exits; resolves with its exit
   * code. Containers run without stdin or a terminal, so only output can be attached to.
   */
  async attach(uid: string, containerName: string, io: StreamIO): Promise<number> {
    const inst = this.runningInstance(uid, containerName);
    if (io.stdin || io.tty) throw new Error(`container ${containerName} runs without stdin and a terminal: attach can only show its output`);
    const { size } = await stat(inst.files.stdout).catch(() => ({ size: 0 }));
    const { size: errSize } = await stat(inst.files.stderr).catch(() => ({ size: 0 }));
    const follow = (file: string, from: number, out: NodeJS.WritableStream | undefined): Promise<void> => {
      if (!out) return Promise.resolve();
      const r = readLogFile(file, true, () => inst.finished);
      let skip = from;
      return new Promise<void>((resolve) => {
        r.on('data', (chunk: Buffer) => {
          if (skip >= chunk.length) {
            skip -= chunk.length;
            return;
          }
          out.write(chunk.subarray(skip));
          skip = 0;
        });
        r.once('end', resolve);
        r.once('error', () => resolve());
        r.once('close', resolve);
        io.signal.addEventListener('abort', () => r.destroy(), { once: true });
      });
    };
    await Promise.all([follow(inst.files.stdout, size, io.stdout), follow(inst.files.stderr, errSize, io.stderr)]);
    if (io.signal.aborted && !inst.finished) return 0;
    const text = await readFile(inst.files.exitFile, 'utf8').catch(() => '');
    return /^\d+/.test(text.trim()) ? Number(text.trim()) : 0;
  }

  /** `kubectl port-forward`: a connection to `port` on the pod's loopback, inside its network namespace. */
  async portForward(uid: string, port: number): Promise<Duplex> {
    const rec = this.pods.get(uid);
    if (!rec?.sandbox || !rec.sandboxReady) throw new Error(`pod ${uid} has no running sandbox`);
    return connectInNetns(rec.sandbox.hostNetwork ? undefined : SandboxManager.names(uid).netns, port);
  }

  private runningInstance(uid: string, containerName: string): Instance {
    const rec = this.pods.get(uid);
    const c = rec && [...rec.init, ...rec.containers].find((x) => x.spec.name === containerName);
    if (!c?.current || !('running' in c.status.state)) throw new Error(`container ${containerName} is not running`);
    return c.current;
  }

  /** A removed pod's log still on disk: the newest run's, or the one before. */
  private async logOnDisk(uid: string, containerName: string, previous: boolean): Promise<string | undefined> {
    const dirs = await readdir(this.logsDir).catch(() => [] as string[]);
    const podDir = dirs.find((d) => d.endsWith(`_${uid}`));
    if (!podDir) return undefined;
    const files = await readdir(join(this.logsDir, podDir, containerName)).catch(() => [] as string[]);
    const runs = files.map((f) => /^(\d+)\.log$/.exec(f)?.[1]).filter((n): n is string => n !== undefined).map(Number).sort((a, b) => b - a);
    const n = runs[previous ? 1 : 0];
    return n === undefined ? undefined : join(this.logsDir, podDir, containerName, `${n}.log`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const rec of this.pods.values()) {
      rec.abort.abort();
      for (const t of rec.timers) clearTimeout(t);
      if (rec.stop?.timer) clearTimeout(rec.stop.timer);
      for (const c of [...rec.init, ...rec.containers]) {
        if (c.retryTimer) clearTimeout(c.retryTimer);
        const inst = c.current;
        if (!inst) continue;
        if (inst.poll) clearTimeout(inst.poll);
        inst.probes?.stop();
        inst.child?.removeAllListeners('exit');
        const pump = inst.pump;
        if (pump) void pump.close().then(() => writeFile(join(inst.dir, 'log-offsets.json'), JSON.stringify(pump.offsets)).catch(() => undefined));
      }
    }
    for (const t of this.logTimers) clearTimeout(t);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.listeners.clear();
  }

  // ---- the pod's course: sandbox, volumes, init containers, containers ----

  private async runPod(rec: PodRec): Promise<void> {
    const retryMs = this.opts.retryMs ?? 5000;
    while (!this.gone(rec)) {
      try {
        rec.sandbox = await this.sandboxes.create(rec.pod, rec.config);
        break;
      } catch (e) {
        this.opts.events?.event(rec.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
        this.log(`pod "${this.podKey(rec)}": creating its sandbox failed`, e);
        await sleep(retryMs, rec);
      }
    }
    if (this.gone(rec)) return;
    rec.sandboxReady = true;
    this.changed(rec.uid);
    while (!this.gone(rec)) {
      try {
        rec.volumes = await this.volumes.prepare(rec.pod, rec.sandbox!.dir, this.downward(rec));
        break;
      } catch (e) {
        this.opts.events?.event(rec.pod, 'Warning', 'FailedMount', (e as Error).message);
        if (!(e instanceof VolumeMountError)) this.log(`pod "${this.podKey(rec)}": preparing volumes failed`, e);
        await sleep(retryMs, rec);
      }
    }
    if (this.gone(rec)) return;
    const adopted = await this.adopt(rec);
    const policy = (rec.pod.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? 'Always';
    let backoff = this.opts.initBackoffMs ?? 10_000;
    for (const c of rec.init) {
      if (c.spec.restartPolicy === 'Always') {
        // A sidecar: started, then left running beside the rest.
        if (!c.current || !('running' in c.status.state)) await this.launch(rec, c);
        continue;
      }
      for (;;) {
        if (this.gone(rec)) return;
        const st = c.status.state;
        if ('terminated' in st && st.terminated.exitCode === 0) break;
        if ('terminated' in st) {
          if (policy === 'Never') return;
          // A failed init container is run again after a back-off, as kubelet does.
          c.status = { ...c.status, lastState: st, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoff / 1000)}s restarting failed container=${c.spec.name} pod=${rec.pod.metadata.name}_${rec.pod.metadata.namespace}(${rec.uid})` } } };
          this.changed(rec.uid);
          await sleep(backoff, rec);
          backoff = Math.min(backoff * 2, 300_000);
          if (this.gone(rec)) return;
          c.status = { ...c.status, restartCount: c.status.restartCount + 1 };
        }
        if (!c.current || !('running' in c.status.state)) await this.launch(rec, c);
        if (c.current && 'running' in c.status.state) await Promise.race([c.current.exited, rec.aborted]);
        else if ('waiting' in c.status.state) return; // given up (stopping)
      }
    }
    if (this.gone(rec)) return;
    await Promise.all(
      rec.containers.map((c) => {
        if (adopted.has(c.spec.name)) return undefined;
        return this.launch(rec, c);
      }),
    );
  }

  /** Starts a container, recorded in `starting` so stopping waits for the start to settle. */
  private launch(rec: PodRec, c: ContainerRec): Promise<void> {
    const p = this.startContainer(rec, c)
      .catch((e) => this.log(`pod "${this.podKey(rec)}": starting container ${c.spec.name} failed`, e))
      .finally(() => {
        if (c.starting === p) c.starting = undefined;
      });
    c.starting = p;
    return p;
  }

  private gone(rec: PodRec): boolean {
    return rec.removed || rec.stop !== undefined || this.closed;
  }

  /**
   * Starts one run of a container: image, config, rootfs, bundle, runc. Failures become the waiting
   * reasons kubelet reports (ErrImagePull then ImagePullBackOff, CreateContainerConfigError,
   * CreateContainerError) and are retried; a process runc cannot start ends as StartError (128).
   */
  private async startContainer(rec: PodRec, c: ContainerRec): Promise<void> {
    const spec = c.spec;
    const imageRef = spec.image ?? '';
    const backoffKey = PullBackoff.key(rec.uid, imageRef);
    for (;;) {
      if (this.gone(rec)) return;
      if (this.pullBackoff.isBackingOff(backoffKey)) {
        const st = c.status.state;
        if (!('waiting' in st && st.waiting.reason === 'ImagePullBackOff')) this.opts.events?.event(rec.pod, 'Normal', 'BackOff', imageEvents.backOff(imageRef));
        this.setWaiting(rec, c, 'ImagePullBackOff', imageEvents.backOff(imageRef));
        await sleep(1000, rec);
        continue;
      }
      try {
        await this.startOnce(rec, c);
        return;
      } catch (e) {
        if (this.gone(rec)) return;
        if (isImageError(e)) {
          const delay = this.pullBackoff.failed(backoffKey);
          this.opts.events?.event(rec.pod, 'Warning', 'Failed', imageEvents.failed(imageRef, e.message));
          this.setWaiting(rec, c, e.reason, e.message);
          await sleep(Math.min(delay, 1000), rec);
          continue;
        }
        const reason = e instanceof ContainerConfigError ? e.reason : 'CreateContainerError';
        const message = (e as Error).message;
        this.opts.events?.event(rec.pod, 'Warning', 'Failed', `Error: ${message}`);
        if (!(e instanceof ContainerConfigError)) this.log(`pod "${this.podKey(rec)}": creating container ${spec.name} failed`, e);
        this.setWaiting(rec, c, reason, message);
        await sleep(this.opts.retryMs ?? 5000, rec);
      }
    }
  }

  private async startOnce(rec: PodRec, c: ContainerRec): Promise<void> {
    const spec = c.spec;
    const pod = rec.pod;
    const sandbox = rec.sandbox!;
    const imageRef = spec.image ?? '';
    const pullPolicy = (spec.imagePullPolicy as PullPolicy | undefined) ?? defaultPullPolicy(imageRef);
    const present = pullPolicy !== 'Always' && this.opts.images.findImage ? await this.opts.images.findImage(imageRef).catch(() => undefined) : undefined;
    let image: PulledImage;
    if (present) {
      image = present;
      this.opts.events?.event(pod, 'Normal', 'Pulled', imageEvents.alreadyPresent(imageRef));
    } else {
      const auth = await this.pullSecrets(pod);
      if (pullPolicy !== 'Never') this.opts.events?.event(pod, 'Normal', 'Pulling', imageEvents.pulling(imageRef));
      const began = Date.now();
      image = await this.opts.images.ensureImage(imageRef, { pullPolicy, auth, signal: rec.abort.signal });
      this.opts.events?.event(pod, 'Normal', 'Pulled', imageEvents.pulled(imageRef, Date.now() - began, image.size));
    }
    this.pullBackoff.succeeded(PullBackoff.key(rec.uid, imageRef));
    const env = await containerEnv(pod, spec, this.opts.resources, this.downward(rec));
    const args = processArgs(spec, image.config, env);
    if (args.length === 0) throw new Error('failed to generate container spec: no command specified');
    if (this.gone(rec)) return;

    const id = randomBytes(32).toString('hex');
    const dir = join(this.containersDir, id);
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs, { recursive: true });
    try {
      await this.opts.images.prepareRootfs(image, rootfs);
      const imageUser = await resolveImageUser(rootfs, image.config.User);
      for (const m of spec.volumeMounts ?? []) {
        const v = rec.volumes?.get(m.name);
        const src = v && mountSource(m, v, env);
        if (src?.subdir && !existsSync(src.source)) await mkdir(src.source, { recursive: true });
      }
      const terminationLogPath = join(dir, 'termination-log');
      await writeFile(terminationLogPath, '');
      const memoryLimited = this.opts.cgroups.memoryLimits && !!spec.resources?.limits?.memory;
      const oci = buildOciSpec({ pod, container: spec, args, env, image: image.config, imageUser, sandbox, volumes: rec.volumes ?? new Map(), rootfs, terminationLogPath, cgroups: this.opts.cgroups, cgroupsPath: `/wharf/${id}` });
      await writeFile(join(dir, 'config.json'), JSON.stringify(oci, null, 2));
      const attempt = c.status.restartCount;
      const logPath = containerLogPath(this.logsDir, pod.metadata, spec.name, attempt);
      await mkdir(join(logPath, '..'), { recursive: true });
      await writeFile(logPath, '', { flag: 'a' });
      const meta: ContainerMeta = { podUid: rec.uid, name: spec.name, init: c.init, attempt, image: normalizeImage(imageRef), imageID: image.imageID, logPath, memoryLimited };
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
      await this.recordDir(id, meta);
      if (this.gone(rec)) throw new Error('pod is stopping');
      const inst = this.newInstance(id, dir, meta);
      c.current = inst;
      c.status = { ...c.status, image: meta.image, imageID: image.imageID, containerID: runcIdScheme + id };
      this.opts.events?.event(pod, 'Normal', 'Created', `Created container ${spec.name}`);
      inst.child = this.runc.run(id, inst.files);
      const exitCode = new Promise<number | null>((resolve) => inst.child!.once('exit', (code) => resolve(code)));
      const started = await Promise.race([this.waitForFile(inst.files.pidFile, inst.child), exitCode.then(() => existsSync(inst.files.pidFile))]);
      if (!started) {
        const message = await this.runcError(inst.files.runcLog);
        const at = rfc3339(Date.now());
        c.status = { ...c.status, state: { terminated: { exitCode: 128, reason: 'StartError', message, startedAt: '1970-01-01T00:00:00Z', finishedAt: at, containerID: c.status.containerID } } };
        this.opts.events?.event(pod, 'Warning', 'Failed', `Error: ${message}`);
        inst.finished = true;
        inst.resolveExited();
        await rm(rootfs, { recursive: true, force: true });
        this.changed(rec.uid);
        return;
      }
      meta.startedAt = rfc3339(Date.now());
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
      c.status = { ...c.status, state: { running: { startedAt: meta.startedAt } }, ...unprobed(spec) };
      inst.pump = new ContainerLogPump(logPath, { stdout: inst.files.stdout, stderr: inst.files.stderr });
      await inst.pump.start();
      this.opts.events?.event(pod, 'Normal', 'Started', `Started container ${spec.name}`);
      void exitCode.then(() => this.exited(rec, c, inst));
      this.changed(rec.uid);
      const postStart = spec.lifecycle?.postStart;
      if (postStart) {
        try {
          await runLifecycleHandler(postStart, { exec: (cmd, t) => this.execCollect(id, cmd, t), podIP: sandbox.podIP, container: spec, timeoutMs: 120_000 });
        } catch (e) {
          // As kubelet: a failed postStart hook kills the container; the restart policy decides the rest.
          this.opts.events?.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${(e as Error).message}`);
          inst.killedByUs = true;
          await this.runc.kill(id, 'KILL', true).catch(() => undefined);
        }
      }
      if (!inst.killedByUs) this.startProbes(rec, c, inst);
      await this.pruneAttempts(rec.uid, spec.name, attempt);
    } catch (e) {
      if (!c.current || c.current.id !== id) await this.removeDir(rec.uid, id);
      throw e;
    }
  }

  /** Starts a running container's probes; a failed liveness or startup probe restarts it, as kubelet does. */
  private startProbes(rec: PodRec, c: ContainerRec, inst: Instance): void {
    const spec = c.spec;
    if (!spec.livenessProbe && !spec.readinessProbe && !spec.startupProbe) return;
    const setStatus = (patch: Partial<ProbedContainerStatus>): void => {
      if (c.current !== inst || !('running' in c.status.state)) return;
      c.status = { ...c.status, ...patch };
      this.changed(rec.uid);
    };
    if (spec.readinessProbe) c.status = { ...c.status, ready: false };
    if (spec.startupProbe) c.status = { ...c.status, started: false };
    inst.probes = new ContainerProbes(
      { exec: (cmd, t) => this.execCollect(inst.id, cmd, t), podIP: rec.sandbox?.podIP ?? '', container: spec },
      {
        ready: (ready) => setStatus({ ready }),
        started: () => setStatus({ started: true }),
        unhealthy: (kind, output) => this.opts.events?.event(rec.pod, 'Warning', 'Unhealthy', `${kind} probe failed: ${output}`),
        failed: (kind, output) => {
          void output;
          this.opts.events?.event(rec.pod, 'Normal', 'Killing', `Container ${spec.name} failed ${kind.toLowerCase()} probe, will be restarted`);
          void this.killContainer(rec, c, inst);
        },
      },
    );
    inst.probes.start();
  }

  /**
   * A sidecar (an init container with restartPolicy Always) that exited is started again after a
   * back-off whatever the pod's restart policy, as kubelet does; the agent only restarts app containers.
   */
  private restartSidecar(rec: PodRec, c: ContainerRec): void {
    if (this.gone(rec)) return;
    const st = c.status.state;
    if (!('terminated' in st)) return;
    const wait = Math.min((this.opts.initBackoffMs ?? 10_000) * 2 ** Math.min(c.status.restartCount, 5), 300_000);
    c.status = { ...c.status, lastState: st, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(wait / 1000)}s restarting failed container=${c.spec.name} pod=${rec.pod.metadata.name}_${rec.pod.metadata.namespace}(${rec.uid})` } } };
    this.changed(rec.uid);
    void sleep(wait, rec).then(() => {
      if (this.gone(rec)) return;
      c.status = { ...c.status, restartCount: c.status.restartCount + 1, state: { waiting: { reason: 'ContainerCreating' } } };
      void this.launch(rec, c);
    });
  }

  /** Stops one container as a restart would: preStop, SIGTERM, SIGKILL after the pod's grace period. */
  private async killContainer(rec: PodRec, c: ContainerRec, inst: Instance): Promise<void> {
    if (inst.killedByUs) return;
    inst.killedByUs = true;
    const graceMs = ((rec.pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? 30) * 1000;
    const deadline = Date.now() + graceMs;
    const timer = setTimeout(() => void this.runc.kill(inst.id, 'KILL', true).catch(() => undefined), graceMs);
    rec.timers.add(timer);
    const preStop = c.spec.lifecycle?.preStop;
    if (preStop) {
      await runLifecycleHandler(preStop, { exec: (cmd, t) => this.execCollect(inst.id, cmd, t), podIP: rec.sandbox?.podIP ?? '', container: c.spec, timeoutMs: Math.max(1, deadline - Date.now()) }).catch((e: Error) =>
        this.opts.events?.event(rec.pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${e.message}`),
      );
    }
    await this.runc.kill(inst.id, 'TERM').catch(() => undefined);
    await inst.exited;
    clearTimeout(timer);
    rec.timers.delete(timer);
  }

  private newInstance(id: string, dir: string, meta: ContainerMeta): Instance {
    let resolveExited!: () => void;
    const exited = new Promise<void>((r) => (resolveExited = r));
    return {
      id,
      dir,
      meta,
      killedByUs: false,
      finished: false,
      exited,
      resolveExited,
      files: {
        bundle: dir,
        stdout: join(dir, 'stdout'),
        stderr: join(dir, 'stderr'),
        pidFile: join(dir, 'pid'),
        exitFile: join(dir, 'exit'),
        runcLog: join(dir, 'runc.log'),
      },
    };
  }

  /** The container's process is gone: read its exit status and termination message, report it. */
  private async exited(rec: PodRec, c: ContainerRec, inst: Instance): Promise<void> {
    if (inst.poll) clearTimeout(inst.poll);
    inst.probes?.stop();
    const text = await readFile(inst.files.exitFile, 'utf8').catch(() => '');
    const code = /^\d+/.test(text.trim()) ? Number(text.trim()) : 255;
    await inst.pump?.finish();
    let message = (await readFile(join(inst.dir, 'termination-log'), 'utf8').catch(() => '')).slice(0, maxTerminationMessage);
    if (!message && code !== 0 && c.spec.terminationMessagePolicy === 'FallbackToLogsOnError') message = await this.logTail(inst.meta.logPath);
    let reason = code === 0 ? 'Completed' : 'Error';
    // A SIGKILL nobody here sent, under a memory limit: the kernel's OOM killer (kubelet reads the same from the cgroup's events).
    if (code === 137 && !inst.killedByUs && inst.meta.memoryLimited) reason = 'OOMKilled';
    const st = c.status.state;
    const startedAt = 'running' in st ? st.running.startedAt : inst.meta.startedAt ?? rfc3339(Date.now());
    if (c.current === inst) {
      const terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string; message?: string } = { exitCode: code, reason, startedAt, finishedAt: rfc3339(Date.now()), containerID: runcIdScheme + inst.id };
      if (message) terminated.message = message;
      const { ready: _ready, started: _started, ...rest } = c.status;
      void _ready;
      void _started;
      c.status = { ...rest, state: { terminated } };
    }
    await this.runc.delete(inst.id).catch(() => undefined);
    // The rootfs goes with the process; the log, meta and exit status stay for `--previous` and adoption.
    await rm(join(inst.dir, 'rootfs'), { recursive: true, force: true }).catch(() => undefined);
    inst.finished = true;
    inst.resolveExited();
    if (!rec.removed) this.changed(rec.uid);
    if (c.init && c.spec.restartPolicy === 'Always' && c.current === inst) this.restartSidecar(rec, c);
  }

  private async killAll(rec: PodRec, signal: string): Promise<void> {
    for (const c of [...rec.init, ...rec.containers]) {
      const inst = c.current;
      if (!inst || !('running' in c.status.state)) continue;
      inst.killedByUs = true;
      await this.runc.kill(inst.id, signal, true).catch((e) => this.log(`killing container ${inst.id} failed`, e));
    }
  }

  // ---- adoption after an agent restart ----

  /** Every container dir by pod uid, read from disk once, then kept as dirs are made and removed. */
  private containerIndex(): Promise<Map<string, Map<string, ContainerMeta>>> {
    if (!this.index) this.index = this.scanContainers();
    return this.index;
  }

  private async containerDirsOf(uid: string): Promise<{ id: string; meta: ContainerMeta }[]> {
    const byId = (await this.containerIndex()).get(uid);
    return byId ? [...byId].map(([id, meta]) => ({ id, meta })) : [];
  }

  private async recordDir(id: string, meta: ContainerMeta): Promise<void> {
    const index = await this.containerIndex();
    let byId = index.get(meta.podUid);
    if (!byId) index.set(meta.podUid, (byId = new Map()));
    byId.set(id, meta);
  }

  private async removeDir(uid: string, id: string): Promise<void> {
    await rm(join(this.containersDir, id), { recursive: true, force: true });
    const byId = (await this.containerIndex()).get(uid);
    byId?.delete(id);
    if (byId?.size === 0) (await this.containerIndex()).delete(uid);
  }

  private async scanContainers(): Promise<Map<string, Map<string, ContainerMeta>>> {
    const out = new Map<string, Map<string, ContainerMeta>>();
    let ids: string[];
    try {
      ids = await readdir(this.containersDir);
    } catch {
      return out;
    }
    for (const id of ids) {
      const meta = await readFile(join(this.containersDir, id, 'meta.json'), 'utf8').then((t) => JSON.parse(t) as ContainerMeta).catch(() => undefined);
      if (!meta) continue;
      let byId = out.get(meta.podUid);
      if (!byId) out.set(meta.podUid, (byId = new Map()));
      byId.set(id, meta);
    }
    return out;
  }

  /** Takes over the containers a previous agent left for this pod; returns the names of app containers taken over. */
  private async adopt(rec: PodRec): Promise<Set<string>> {
    const found = await this.containerDirsOf(rec.uid);
    const adopted = new Set<string>();
    for (const c of [...rec.init, ...rec.containers]) {
      const runs = found.filter((f) => f.meta.name === c.spec.name && f.meta.init === c.init).sort((a, b) => b.meta.attempt - a.meta.attempt);
      const last = runs[0];
      if (!last) continue;
      const inst = this.newInstance(last.id, join(this.containersDir, last.id), last.meta);
      c.current = inst;
      c.status = { ...c.status, image: last.meta.image, imageID: last.meta.imageID, containerID: runcIdScheme + last.id, restartCount: last.meta.attempt };
      const prev = runs[1] && (await this.terminatedFrom(runs[1].id, runs[1].meta));
      if (prev) c.status.lastState = prev;
      const ended = await this.terminatedFrom(last.id, last.meta);
      if (ended) {
        c.status = { ...c.status, state: ended };
        inst.finished = true;
        inst.resolveExited();
      } else if ((await this.runc.state(last.id))?.status === 'running') {
        c.status = { ...c.status, state: { running: { startedAt: last.meta.startedAt ?? rfc3339(Date.now()) } }, ...unprobed(c.spec) };
        const offsets = await readFile(join(inst.dir, 'log-offsets.json'), 'utf8').then((t) => JSON.parse(t) as { stdout: number; stderr: number }).catch(() => ({}));
        inst.pump = new ContainerLogPump(last.meta.logPath, { stdout: inst.files.stdout, stderr: inst.files.stderr }, offsets);
        await inst.pump.start();
        this.pollExit(rec, c, inst);
        this.startProbes(rec, c, inst);
      } else {
        // Neither running nor an exit status: the shim died with the machine.
        const at = rfc3339(Date.now());
        c.status = { ...c.status, state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: last.meta.startedAt ?? at, finishedAt: at, containerID: runcIdScheme + last.id } } };
        await this.runc.delete(last.id).catch(() => undefined);
        inst.finished = true;
        inst.resolveExited();
      }
      if (!c.init) adopted.add(c.spec.name);
    }
    if (adopted.size > 0 || found.length > 0) this.changed(rec.uid);
    return adopted;
  }

  private async terminatedFrom(id: string, meta: ContainerMeta): Promise<RuntimeContainerState | undefined> {
    const file = join(this.containersDir, id, 'exit');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const code = Number(text.trim());
    const finishedAt = rfc3339((await stat(file)).mtimeMs);
    const startedAt = meta.startedAt ?? finishedAt;
    if (!meta.startedAt) return { terminated: { exitCode: 128, reason: 'StartError', startedAt: '1970-01-01T00:00:00Z', finishedAt, containerID: runcIdScheme + id } };
    return { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : code === 137 && meta.memoryLimited ? 'OOMKilled' : 'Error', startedAt, finishedAt, containerID: runcIdScheme + id } };
  }

  /** An adopted container is not our child: its exit file is polled for. */
  private pollExit(rec: PodRec, c: ContainerRec, inst: Instance): void {
    const tick = (): void => {
      if (this.closed || rec.removed) return;
      if (existsSync(inst.files.exitFile)) {
        void this.exited(rec, c, inst);
        return;
      }
      inst.poll = setTimeout(tick, 500);
      inst.poll.unref?.();
    };
    tick();
  }

  // ---- helpers ----

  private waitForFile(path: string, child: ChildProcess): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const check = (): void => {
        if (done) return;
        if (existsSync(path)) {
          done = true;
          resolve(true);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done = true;
          resolve(existsSync(path));
        } else setTimeout(check, 20);
      };
      check();
    });
  }

  /** Runs a command in a container and collects its output (hooks; probes later). */
  private execCollect(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    return new Promise((resolve, reject) => {
      const child = this.runc.exec(id, command);
      let output = '';
      child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-10_240)));
      child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-10_240)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (signal) reject(new Error(`command '${command.join(' ')}' timed out after ${timeoutMs} ms`));
        else resolve({ exitCode: code ?? 0, output });
      });
    });
  }

  private async runcError(runcLog: string): Promise<string> {
    const text = await readFile(runcLog, 'utf8').catch(() => '');
    const errors = text
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        try {
          return JSON.parse(l) as { level?: string; msg?: string };
        } catch {
          return { level: 'error', msg: l };
        }
      })
      .filter((e) => e.level === 'error' || e.level === 'fatal');
    const last = errors[errors.length - 1]?.msg ?? 'runc failed to start the container';
    return `failed to create containerd task: failed to create shim task: OCI runtime create failed: ${last.replace(/^runc run failed: /, 'runc create failed: ')}: unknown`;
  }

  private async logTail(path: string): Promise<string> {
    const text = await readFile(path, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean).slice(-80);
    return lines
      .map((l) => l.split(' ').slice(3).join(' '))
      .join('\n')
      .slice(-2048);
  }

  /** Keeps the current and previous run of a container (its log and record); older runs go. */
  private async pruneAttempts(uid: string, name: string, attempt: number): Promise<void> {
    for (const { id, meta } of await this.containerDirsOf(uid)) {
      if (meta.name !== name || meta.attempt >= attempt - 1) continue;
      await this.removeDir(uid, id);
      await rm(meta.logPath, { force: true });
    }
  }

  private scheduleLogRemoval(pod: KubeObject | undefined): void {
    if (!pod) return;
    const dir = join(this.logsDir, `${pod.metadata.namespace ?? 'default'}_${pod.metadata.name ?? ''}_${pod.metadata.uid ?? ''}`);
    const t = setTimeout(() => {
      this.logTimers.delete(t);
      void rm(dir, { recursive: true, force: true });
    }, this.opts.logRetentionMs ?? 60 * 60_000);
    t.unref?.();
    this.logTimers.add(t);
  }

  private async pullSecrets(pod: KubeObject): Promise<RegistryAuth[]> {
    const refs = ((pod.spec as { imagePullSecrets?: LocalObjectReference[] } | undefined)?.imagePullSecrets ?? []);
    const out: RegistryAuth[] = [];
    for (const r of refs) {
      const s = await this.opts.resources.secret(pod.metadata.namespace ?? 'default', r.name ?? '');
      // A missing pull secret is skipped, as kubelet does (with a warning event).
      if (s?.data) out.push(...parseDockerConfigJson(s.data));
    }
    return out;
  }

  private downward(rec: PodRec): DownwardContext {
    return { podIP: rec.sandbox?.podIP ?? rec.config.podIP, hostIP: rec.config.hostIP, nodeAllocatable: this.opts.nodeAllocatable ?? {} };
  }

  private setWaiting(rec: PodRec, c: ContainerRec, reason: string, message: string): void {
    const st = c.status.state;
    if ('waiting' in st && st.waiting.reason === reason && st.waiting.message === message) return;
    c.status = { ...c.status, state: { waiting: { reason, message } } };
    this.changed(rec.uid);
  }

  private podKey(rec: PodRec): string {
    return `${rec.pod.metadata.namespace ?? 'default'}/${rec.pod.metadata.name ?? ''}`;
  }

  private log(message: string, error?: unknown): void {
    (this.opts.log ?? ((m: string, e?: unknown) => console.error(`wharf container runtime: ${m}`, e ?? '')))(message, error);
  }

  private changed(uid: string): void {
    for (const l of this.listeners) l(uid);
  }
}

/**
 * Builds a `ContainerRuntime` for this machine: asks runc its version and detects what cgroups allow.
 *
 * @example
 * const runtime = await createContainerRuntime({ dataDir: '/var/lib/wharf/node', images, resources, podCIDR: '10.244.1.0/24' });
 */
export async function createContainerRuntime(opts: Omit<ContainerRuntimeOptions, 'runcVersion' | 'cgroups'> & { cgroupRoot?: string }): Promise<ContainerRuntime> {
  const version = await runcVersion(opts.runcPath);
  const cgroups = await detectCgroupSupport(opts.cgroupRoot);
  await mkdir(opts.dataDir, { recursive: true });
  return new ContainerRuntime({ ...opts, runcVersion: version, cgroups });
}
