import { isAlreadyExists, isConflict, isNotFound, type KubeObject } from '../api/index.js';
import { objectKey } from '../client/index.js';
import type { HostedAgent, NodeHost } from './node-host.js';
import { buildNode, nodeIdentity, nodeLabels, nodeStatus, nodeStatusDiffers, type NodeCondition, type NodeConfig, type NodePressure } from './node-object.js';
import { PodIpAllocator } from './pod-ip-allocator.js';
import { computePodStatus, isTerminalPhase, podPhase, podStatusDiffers, type AgentPodStatus } from './pod-status.js';
import type { Runtime } from './runtime.js';
import type { NodeServer, ServedNode } from './server/index.js';
import { rfc3339 } from '../api/rfc3339.js';

export interface NodeAgentOptions {
  /** The runtime's version completes it. */
  config: Omit<NodeConfig, 'runtimeVersion'>;
  runtime: Runtime;
  host: NodeHost;
  /** Node status is written when it changes and at least this often; 5 minutes by default. */
  statusReportIntervalMs?: number;
  /** First crash-loop back-off; doubles up to `maxRestartBackoffMs` (10 s and 300 s by default, as kubelet). */
  restartBackoffMs?: number;
  maxRestartBackoffMs?: number;
  /**
   * The node API serving this node's pods (logs, exec, attach, port-forward), already listening: the
   * agent adds itself to it and publishes its port in Node status. Without one the Node publishes
   * port 0: nothing serves its pods' logs or exec.
   */
  nodeServer?: Pick<NodeServer, 'port' | 'addNode' | 'removeNode'>;
  /** What the machine is short of (a real node measures it); nothing by default. */
  pressure?: () => NodePressure;
}

/** Crash-loop back-off of a pod's containers, by container name. */
interface ContainerBackoff {
  /** Containers waiting out a back-off: name -> wait (ms). */
  waiting: Map<string, number>;
  timers: Map<string, NodeJS.Timeout>;
  nextMs: Map<string, number>;
}

/** What the agent tracks for one pod bound to its node. */
interface PodState {
  key: string;
  uid: string;
  pod: KubeObject;
  startTime: string;
  started: boolean;
  /** Crash-loop back-off by container, made at a container's first restart (most pods never have one). */
  backoff?: ContainerBackoff;
  stopping?: Promise<void>;
  stopGraceSeconds?: number;
  stopped: boolean;
  deleteSent: boolean;
  /** Final status written; the runtime has let it go. */
  finished: boolean;
  /**
   * The status last written and the resourceVersion of the copy it was judged against: while the
   * informer still holds that copy, the same status is not written again (it is on its way back).
   */
  lastWrite?: { status: AgentPodStatus; againstVersion: string | undefined };
}

/**
 * One node's agent (Wharf's kubelet): registers the Node, keeps its Lease renewed and status current
 * through the shared `NodeHost`, and runs the pods bound to it through its `Runtime`: admits them (a pod
 * IP from the node's CIDR), reports their status as it changes, restarts exited containers by restart
 * policy with crash-loop back-off, and on graceful deletion stops them and then deletes the pod for
 * good (grace 0, uid precondition).
 */
export class NodeAgent implements HostedAgent, ServedNode {
  readonly name: string;
  readonly config: NodeConfig;
  readonly runtime: Runtime;
  readonly ips: PodIpAllocator;
  nextReportAt = Number.POSITIVE_INFINITY;
  private readonly host: NodeHost;
  private readonly identity;
  private readonly pods = new Map<string, PodState>();
  private readonly reportMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unsubscribe: () => void;
  private readonly nodeServer: NodeAgentOptions['nodeServer'];
  private readonly pressure: NodeAgentOptions['pressure'];
  private uid: string | undefined;
  private registered = false;
  private stopped = false;

  constructor(opts: NodeAgentOptions) {
    this.config = { ...opts.config, runtimeVersion: opts.runtime.version };
    this.name = opts.config.name;
    this.runtime = opts.runtime;
    this.host = opts.host;
    this.identity = nodeIdentity(this.name);
    this.ips = new PodIpAllocator(opts.config.podCIDR);
    this.reportMs = opts.statusReportIntervalMs ?? 5 * 60_000;
    this.backoffMs = opts.restartBackoffMs ?? 10_000;
    this.maxBackoffMs = opts.maxRestartBackoffMs ?? 300_000;
    this.unsubscribe = this.runtime.onPodChange((uid) => this.runtimeChanged(uid));
    this.nodeServer = opts.nodeServer;
    this.pressure = opts.pressure;
  }

  /** The pod `namespace/name` if this node runs it (for the node API). */
  servedPod(namespace: string, name: string): KubeObject | undefined {
    const s = this.pods.get(`${namespace}/${name}`);
    return s && !s.finished ? s.pod : undefined;
  }

  /** kubelet's port as the Node publishes it: the node API's, or 0 when none serves this node. */
  private withEndpoint(status: Record<string, unknown>): Record<string, unknown> {
    return { ...status, daemonEndpoints: { kubeletEndpoint: { Port: this.nodeServer?.port ?? 0 } } };
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** How many pods the agent runs or tracks. */
  get podCount(): number {
    return this.pods.size;
  }

  /** Writes Node status at the next chance rather than at the next report (what `pressure` says changed). */
  reportStatusSoon(): void {
    if (this.registered && !this.stopped) this.host.enqueueNode(this.name);
  }

  /**
   * Creates the Node (or takes over an existing one: labels reconciled, its pod CIDR kept), writes its
   * status, starts Lease renewals and begins handling the pods bound to it.
   */
  async register(signal?: AbortSignal): Promise<void> {
    const { client, nodes } = this.host;
    let node: KubeObject;
    try {
      const fresh = buildNode(this.config, this.identity);
      fresh.status = this.withEndpoint(fresh.status as Record<string, unknown>);
      node = await client.create(nodes, fresh, { signal });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      node = await client.get(nodes, this.name, { signal });
      const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
      if (cidr && cidr !== this.config.podCIDR) {
        // The Node keeps the CIDR it was given; pod IPs must come from it.
        (this as { config: NodeConfig }).config = { ...this.config, podCIDR: cidr };
        (this as { ips: PodIpAllocator }).ips = new PodIpAllocator(cidr);
      }
      const labels = nodeLabels(this.config);
      const have = node.metadata.labels ?? {};
      if (Object.entries(labels).some(([k, v]) => have[k] !== v)) {
        node = await client.patch(nodes, this.name, { metadata: { labels } }, { type: 'merge', signal });
      }
      node = await this.writeStatus(node);
    }
    this.uid = node.metadata.uid;
    this.registered = true;
    this.scheduleReport();
    this.host.leases.add(this.name, this.uid);
    this.host.attach(this);
    this.nodeServer?.addNode(this);
  }

  /** Stops heartbeats and pod handling, as if the machine went away; pods keep their last status. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.host.detach(this);
    this.nodeServer?.removeNode(this);
    this.unsubscribe();
    for (const s of this.pods.values()) clearBackoffTimers(s);
    this.runtime.close();
  }

  podChanged(pod: KubeObject): void {
    if (this.stopped) return;
    const key = objectKey(pod);
    let s = this.pods.get(key);
    if (s && s.uid !== pod.metadata.uid) {
      // The name was reused by a new pod; the old one is gone.
      this.forget(s);
      s = undefined;
    }
    if (!s) s = this.admit(pod, key);
    s.pod = pod;
    if (pod.metadata.deletionTimestamp) this.beginStop(s);
    this.host.enqueuePod(this.name, key);
  }

  podDeleted(pod: KubeObject): void {
    const s = this.pods.get(objectKey(pod));
    if (!s || s.uid !== pod.metadata.uid) return;
    this.forget(s);
  }

  nodeChanged(node: KubeObject | undefined): void {
    if (!this.registered || this.stopped) return;
    if (!node) {
      // Deleted: kubelet does not register again by itself, nor do we; heartbeats would only fail.
      this.host.log(`node ${this.name} was deleted; its agent stops`);
      this.stop();
      return;
    }
    if (nodeStatusDiffers(node, this.wantedStatus(node))) this.host.enqueueNode(this.name);
  }

  async sync(podKey: string | undefined): Promise<void> {
    if (this.stopped) return;
    if (podKey === undefined) {
      const node = this.host.cachedNode(this.name) ?? (await this.host.client.get(this.host.nodes, this.name));
      await this.writeStatus(node);
      this.scheduleReport();
      return;
    }
    const s = this.pods.get(podKey);
    if (!s) return;
    const pod = s.pod;
    const { client, pods } = this.host;
    const ns = pod.metadata.namespace;
    if (pod.metadata.deletionTimestamp) {
      if (!s.stopped || s.deleteSent) return;
      s.deleteSent = true;
      try {
        await client.delete(pods, pod.metadata.name!, { namespace: ns, gracePeriodSeconds: 0, preconditions: { uid: s.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) {
          s.deleteSent = false;
          throw e;
        }
      }
      return;
    }
    if (s.finished) return;
    const status = computePodStatus(pod, this.runtime.podStatus(s.uid), { hostIP: this.config.internalIP, startTime: s.startTime, backingOff: s.backoff?.waiting });
    // Once the informer holds a newer copy, the last write has come back (or been overtaken) and is
    // not worth keeping: a pod's status objects, held for each of 150,000 pods, are garbage to mark.
    if (s.lastWrite && s.lastWrite.againstVersion !== pod.metadata.resourceVersion) s.lastWrite = undefined;
    const last = s.lastWrite;
    const alreadySent = last !== undefined && !podStatusDiffers({ ...pod, status: last.status }, status);
    if (!alreadySent && podStatusDiffers(pod, status)) {
      try {
        await client.patch(pods, pod.metadata.name!, { metadata: { uid: s.uid }, status }, { type: 'merge', namespace: ns, subresource: 'status' });
        s.lastWrite = { status, againstVersion: pod.metadata.resourceVersion };
      } catch (e) {
        if (isNotFound(e) || isConflict(e)) return;
        throw e;
      }
    }
    if (isTerminalPhase(status.phase)) this.finish(s);
  }

  private admit(pod: KubeObject, key: string): PodState {
    const s: PodState = {
      key,
      uid: pod.metadata.uid ?? '',
      pod,
      startTime: rfc3339(Date.now()),
      started: false,
      stopped: false,
      deleteSent: false,
      finished: false,
    };
    this.pods.set(key, s);
    if (isTerminalPhase(podPhase(pod))) {
      // Already over (before an agent restart): nothing runs; only deletion is left to confirm.
      s.finished = true;
      s.stopped = true;
      return s;
    }
    if (pod.metadata.deletionTimestamp) return s;
    const current = (pod.status as { podIP?: string } | undefined)?.podIP;
    let ip = current && this.ips.reserve(s.uid, current) ? current : this.ips.allocate(s.uid);
    if (!ip) {
      this.host.log(`node ${this.name}: pod CIDR ${this.config.podCIDR} is full; pod "${key}" gets no IP`);
      ip = '';
    }
    s.started = true;
    this.runtime.startPod(pod, { podIP: ip, hostIP: this.config.internalIP });
    return s;
  }

  private beginStop(s: PodState): void {
    const grace = s.pod.metadata.deletionGracePeriodSeconds ?? 30;
    if (s.stopping && s.stopGraceSeconds !== undefined && grace >= s.stopGraceSeconds) return;
    s.stopGraceSeconds = grace;
    clearBackoffTimers(s);
    s.stopping = this.runtime.stopPod(s.pod, grace).then(() => {
      s.stopped = true;
      if (this.pods.get(s.key) === s) this.host.enqueuePod(this.name, s.key);
    });
  }

  /** The runtime reports a change: decide restarts, then queue a status sync. */
  private runtimeChanged(uid: string): void {
    if (this.stopped) return;
    let s: PodState | undefined;
    for (const p of this.pods.values()) {
      if (p.uid === uid) {
        s = p;
        break;
      }
    }
    if (!s) return;
    if (!s.pod.metadata.deletionTimestamp) this.restartExited(s);
    this.host.enqueuePod(this.name, s.key);
  }

  private restartExited(s: PodState): void {
    const rt = this.runtime.podStatus(s.uid);
    if (!rt) return;
    const policy = (s.pod.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? 'Always';
    for (const c of rt.containers) {
      if (!('terminated' in c.state) || s.backoff?.waiting.has(c.name)) continue;
      const failed = c.state.terminated.exitCode !== 0;
      if (!(policy === 'Always' || (policy === 'OnFailure' && failed))) continue;
      const backoff = (s.backoff ??= { waiting: new Map(), timers: new Map(), nextMs: new Map() });
      const ranMs = Date.parse(c.state.terminated.finishedAt) - Date.parse(c.state.terminated.startedAt);
      // Like kubelet: the first restart is immediate, later ones back off; a long healthy run resets it.
      if (ranMs > 10 * 60_000) backoff.nextMs.delete(c.name);
      const wait = backoff.nextMs.get(c.name);
      backoff.nextMs.set(c.name, Math.min(wait === undefined ? this.backoffMs : wait * 2, this.maxBackoffMs));
      const restart = (): void => {
        backoff.waiting.delete(c.name);
        backoff.timers.delete(c.name);
        if (this.pods.get(s.key) === s && !s.pod.metadata.deletionTimestamp) this.runtime.restartContainer(s.pod, c.name);
      };
      if (wait === undefined) {
        restart();
        continue;
      }
      backoff.waiting.set(c.name, wait);
      backoff.timers.set(c.name, setTimeout(restart, wait));
    }
  }

  /** A pod reached Succeeded or Failed: its sandbox and IP are released; its status stays as written. */
  private finish(s: PodState): void {
    s.finished = true;
    this.runtime.removePod(s.uid);
    this.ips.release(s.uid);
  }

  private forget(s: PodState): void {
    this.pods.delete(s.key);
    clearBackoffTimers(s);
    const uid = s.uid;
    void this.runtime.stopPod(s.pod, 0).then(() => this.runtime.removePod(uid));
    this.ips.release(uid);
  }

  private wantedStatus(node: KubeObject): Record<string, unknown> {
    const conditions = ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
    return this.withEndpoint(nodeStatus(this.config, this.identity, conditions, Date.now(), this.pressure?.()));
  }

  private async writeStatus(node: KubeObject): Promise<KubeObject> {
    return this.host.client.patch(this.host.nodes, this.name, { status: this.wantedStatus(node) }, { type: 'merge', subresource: 'status' });
  }

  private scheduleReport(): void {
    // Spread over ±10 % so a fleet registered together does not report together.
    this.nextReportAt = Date.now() + this.reportMs * (0.9 + 0.2 * Math.random());
  }
}

function clearBackoffTimers(s: PodState): void {
  if (!s.backoff) return;
  for (const t of s.backoff.timers.values()) clearTimeout(t);
  s.backoff.timers.clear();
}
