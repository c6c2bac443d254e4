import type { KubeObject } from '../api/index.js';
import type { RuntimeContainerState, RuntimeContainerStatus, RuntimePodStatus } from './runtime.js';
import { rfc3339 } from '../api/rfc3339.js';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** Kubelet sends null here; a merge patch would drop it anyway, so it is left out. */
  lastProbeTime?: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface ApiContainerStatus {
  name: string;
  state: RuntimeContainerState;
  lastState: RuntimeContainerState | Record<string, never>;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started: boolean;
}

/** The part of a pod's status a node agent owns and writes. */
export interface AgentPodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  conditions: PodCondition[];
  hostIP: string;
  hostIPs: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime: string;
  initContainerStatuses?: ApiContainerStatus[];
  containerStatuses: ApiContainerStatus[];
}

export interface PodStatusContext {
  hostIP: string;
  /** When the agent admitted the pod: the status' startTime unless one is already set. */
  startTime: string;
  /** Containers that exited and wait for a restart (crash-loop back-off), with the wait. */
  backingOff?: ReadonlyMap<string, number>;
  now?: number;
}

/** The conditions kubelet computes; all others on a pod (PodScheduled, DisruptionTarget, readiness gates) are kept. */
const kubeletConditions = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

interface SpecView {
  restartPolicy?: string;
  containers?: { name: string }[];
  initContainers?: { name: string; restartPolicy?: string }[];
  readinessGates?: { conditionType: string }[];
}

function isRunning(s: RuntimeContainerState): s is { running: { startedAt: string } } {
  return 'running' in s;
}

/**
 * The status a node agent reports for a pod from what its runtime says, following kubelet: phase from
 * the container states and restart policy, the kubelet conditions (keeping each condition's
 * lastTransitionTime while its status holds), container statuses sorted by name.
 */
export function computePodStatus(pod: KubeObject, rt: RuntimePodStatus | undefined, ctx: PodStatusContext): AgentPodStatus {
  const spec = (pod.spec ?? {}) as SpecView;
  const current = (pod.status ?? {}) as { startTime?: string; conditions?: PodCondition[] };
  const now = ctx.now ?? Date.now();
  const restartPolicy = spec.restartPolicy ?? 'Always';
  const backingOff = ctx.backingOff ?? new Map<string, number>();
  const sidecars = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));

  const toApi = (s: RuntimeContainerStatus, init: boolean): ApiContainerStatus => {
    let state = s.state;
    let lastState: ApiContainerStatus['lastState'] = s.lastState ?? {};
    const wait = backingOff.get(s.name);
    if (wait !== undefined && 'terminated' in state) {
      lastState = state;
      state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(wait / 1000)}s restarting failed container=${s.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } };
    }
    const running = isRunning(state);
    const completedInit = init && !sidecars.has(s.name) && 'terminated' in state && state.terminated.exitCode === 0;
    // As kubelet's prober results: a container with a startup probe is started once it passed, and
    // readiness counts only after that; without probes a running container is both.
    const started = running && (s.started ?? true);
    const out: ApiContainerStatus = {
      name: s.name,
      state,
      lastState,
      ready: (started && (s.ready ?? true)) || completedInit,
      restartCount: s.restartCount,
      image: s.image,
      imageID: s.imageID,
      started,
    };
    if (s.containerID) out.containerID = s.containerID;
    return out;
  };

  const containers = (rt?.containers ?? []).map((s) => toApi(s, false)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const inits = (rt?.initContainers ?? []).map((s) => toApi(s, true));

  // Init containers: each non-sidecar must have completed; a failed one under Never fails the pod.
  const pendingInit = inits.filter((c) => !sidecars.has(c.name) && !('terminated' in c.state && c.state.terminated.exitCode === 0));
  const initFailed = restartPolicy === 'Never' && inits.some((c) => 'terminated' in c.state && c.state.terminated.exitCode !== 0);
  let phase: AgentPodStatus['phase'];
  if (!rt) phase = 'Pending';
  else if (initFailed) phase = 'Failed';
  else if (pendingInit.length > 0) phase = 'Pending';
  else {
    let running = 0;
    let waiting = 0;
    let stopped = 0;
    let succeeded = 0;
    for (const c of containers) {
      if (isRunning(c.state)) running++;
      else if ('terminated' in c.state) {
        stopped++;
        if (c.state.terminated.exitCode === 0) succeeded++;
      } else if ('terminated' in c.lastState) stopped++;
      else waiting++;
    }
    if (waiting > 0 || containers.length === 0) phase = 'Pending';
    else if (running > 0) phase = 'Running';
    else if (restartPolicy === 'Always') phase = 'Running';
    else if (stopped === succeeded) phase = 'Succeeded';
    else if (restartPolicy === 'Never') phase = 'Failed';
    else phase = 'Running';
  }
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  // In spec order, as kubelet lists them; a container the runtime has not reported is not ready.
  const readyNames = new Set([...inits, ...containers].filter((c) => c.ready).map((c) => c.name));
  const unready = [...(spec.initContainers ?? []).filter((c) => sidecars.has(c.name)), ...(spec.containers ?? [])].map((c) => c.name).filter((n) => !readyNames.has(n));
  const old = new Map((current.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prev = old.get(type);
    const c: PodCondition = { type, status, lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now) };
    if (!ok && reason) c.reason = reason;
    if (!ok && message) c.message = message;
    return c;
  };
  const containersReady = terminal
    ? condition('ContainersReady', false, 'PodCompleted')
    : unready.length > 0
      ? condition('ContainersReady', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`)
      : condition('ContainersReady', true);
  let ready = condition('Ready', containersReady.status === 'True', containersReady.reason, containersReady.message);
  if (ready.status === 'True') {
    for (const gate of spec.readinessGates ?? []) {
      const g = old.get(gate.conditionType);
      if (!g) {
        ready = condition('Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
        break;
      }
      if (g.status !== 'True') {
        ready = condition('Ready', false, 'ReadinessGatesNotReady', `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${g.status}`);
        break;
      }
    }
  }
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', rt?.sandboxReady === true),
    pendingInit.length > 0 ? condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.map((c) => c.name).join(' ')}]`) : condition('Initialized', true),
    ready,
    containersReady,
    old.get('PodScheduled') ?? condition('PodScheduled', true),
  ];
  for (const c of current.conditions ?? []) if (!kubeletConditions.has(c.type) && c.type !== 'PodScheduled') conditions.push(c);

  const status: AgentPodStatus = {
    phase,
    conditions,
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    startTime: current.startTime ?? ctx.startTime,
    containerStatuses: containers,
  };
  if (rt?.podIP) {
    status.podIP = rt.podIP;
    status.podIPs = [{ ip: rt.podIP }];
  }
  if (inits.length > 0) status.initContainerStatuses = inits;
  return status;
}

/** JSON equality where an absent member equals a null one (merge patches turn nulls into absence). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b || ((a === null || a === undefined) && (b === null || b === undefined))) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameJson(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of Object.keys(ra)) if (!sameJson(ra[k], rb[k])) return false;
  for (const k of Object.keys(rb)) if (!(k in ra) && !sameJson(undefined, rb[k])) return false;
  return true;
}

/** True when writing `next` would change the pod: some field the agent owns differs. */
export function podStatusDiffers(pod: KubeObject, next: AgentPodStatus): boolean {
  const current = (pod.status ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(next)) if (!sameJson(current[k], v)) return true;
  return false;
}

/** The phase a pod's status reports. */
export function podPhase(pod: KubeObject): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}

export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}
