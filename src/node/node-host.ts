import { ResourceRegistry, type KubeObject } from '../api/index.js';
import {
  defaultLogger,
  deletedObject,
  ExponentialFailureRateLimiter,
  Informer,
  listerWatcherFor,
  resourceFor,
  compactForCache,
  WorkQueue,
  type ApiClient,
  type ConnectionConfig,
  type Logger,
  type ResourceDescriptor,
  type Selection,
  type SharedInformerFactory,
} from '../client/index.js';
import { LeaseRenewer, type NodeLeaseRenewer } from './lease-renewer.js';
import { LeaseRenewerThread } from './lease-renewer-thread.js';

/** What the host asks of each agent it serves. */
export interface HostedAgent {
  readonly name: string;
  podChanged(pod: KubeObject): void;
  podDeleted(pod: KubeObject): void;
  nodeChanged(node: KubeObject | undefined): void;
  /** Does the queued work for one of its pods (`ns/name`) or, with no key, for its Node. */
  sync(podKey: string | undefined): Promise<void>;
  /** When its Node status is next due (ms since the epoch). */
  readonly nextReportAt: number;
}

export interface NodeHostOptions {
  client: ApiClient;
  /**
   * Renews the Leases over connections of their own, so heartbeats never wait behind pod status
   * writes for a free connection; `client` by default.
   */
  leaseClient?: ApiClient;
  /**
   * Renews the Leases from a worker thread of its own, with its own client built from this connection,
   * so a busy event loop here (thousands of simulated nodes' pod work) cannot delay them; `leaseClient`
   * is then unused.
   */
  leaseThread?: ConnectionConfig;
  /**
   * Share the process' informers (a controller manager's) instead of opening the host's own watches;
   * the host starts the two it uses (pods, nodes) itself and leaves stopping them to their owner.
   */
  informers?: SharedInformerFactory;
  /** Which pods to watch; bound pods (`spec.nodeName!=`) by default. Ignored with `informers`. */
  podSelection?: Selection;
  /** Which nodes to watch; all by default. Ignored with `informers`. */
  nodeSelection?: Selection;
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
  /** Status writes and deletes in flight at once, across all agents; 32 by default. */
  workers?: number;
  logger?: Logger;
}

export const podsByNodeIndex = 'wharf.dev/node-agent-node-name';
const registry = new ResourceRegistry();

/**
 * The parts many node agents in one process share, so a simulated fleet costs one pod watch, one node
 * watch, one Lease timer and one bounded pool of writers, whatever its size: events are routed to the
 * agent named by the pod's `spec.nodeName`.
 */
export class NodeHost {
  readonly client: ApiClient;
  readonly pods: ResourceDescriptor = resourceFor(registry, '', 'v1', 'pods');
  readonly nodes: ResourceDescriptor = resourceFor(registry, '', 'v1', 'nodes');
  readonly leaseResource: ResourceDescriptor = resourceFor(registry, 'coordination.k8s.io', 'v1', 'leases');
  readonly claims: ResourceDescriptor = resourceFor(registry, '', 'v1', 'persistentvolumeclaims');
  readonly podInformer: Informer;
  readonly nodeInformer: Informer;
  readonly leases: NodeLeaseRenewer;
  readonly log: Logger;
  private readonly queue: WorkQueue;
  private readonly agents = new Map<string, HostedAgent>();
  private readonly workers: number;
  private readonly ownsInformers: boolean;
  private reportTimer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];

  constructor(opts: NodeHostOptions) {
    this.client = opts.client;
    this.log = opts.logger ?? defaultLogger;
    this.workers = opts.workers ?? 32;
    this.ownsInformers = !opts.informers;
    if (opts.informers) {
      this.podInformer = opts.informers.informerFor(this.pods);
      this.nodeInformer = opts.informers.informerFor(this.nodes);
    } else {
      const cached = { logger: this.log, transform: compactForCache };
      this.podInformer = new Informer(listerWatcherFor(this.client, this.pods, opts.podSelection ?? { fieldSelector: 'spec.nodeName!=' }), { name: 'pods', ...cached });
      this.nodeInformer = new Informer(listerWatcherFor(this.client, this.nodes, opts.nodeSelection ?? {}), { name: 'nodes', ...cached });
    }
    try {
      this.podInformer.addIndexers({ [podsByNodeIndex]: (pod) => [String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '')] });
    } catch (e) {
      // A second host over the same shared informer: the index is already there.
      if (!(e instanceof RangeError)) throw e;
    }
    const renewal = { renewIntervalMs: opts.renewIntervalMs, leaseDurationSeconds: opts.leaseDurationSeconds, logger: this.log };
    this.leases = opts.leaseThread
      ? new LeaseRenewerThread({ connection: opts.leaseThread, ...renewal })
      : new LeaseRenewer({ client: opts.leaseClient ?? this.client, leases: this.leaseResource, ...renewal });
    this.queue = new WorkQueue({ rateLimiter: new ExponentialFailureRateLimiter(200, 30_000) });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.agentFor(pod)?.podChanged(pod),
      onUpdate: (_old, pod) => this.agentFor(pod)?.podChanged(pod),
      onDelete: (obj) => {
        const pod = deletedObject(obj);
        this.agentFor(pod)?.podDeleted(pod);
      },
    });
    this.nodeInformer.addEventHandler({
      onAdd: (node) => this.agents.get(node.metadata.name ?? '')?.nodeChanged(node),
      onUpdate: (_old, node) => this.agents.get(node.metadata.name ?? '')?.nodeChanged(node),
      onDelete: (obj) => this.agents.get(deletedObject(obj).metadata.name ?? '')?.nodeChanged(undefined),
    });
  }

  get size(): number {
    return this.agents.size;
  }

  /** Routes a node's events to `agent`, first replaying the pods the cache already has for it. */
  attach(agent: HostedAgent): void {
    if (this.agents.has(agent.name)) throw new RangeError(`Node "${agent.name}" already runs in this process`);
    this.agents.set(agent.name, agent);
    for (const pod of this.podInformer.store.byIndex(podsByNodeIndex, agent.name)) agent.podChanged(pod);
  }

  detach(agent: HostedAgent): void {
    if (this.agents.get(agent.name) === agent) this.agents.delete(agent.name);
    this.leases.remove(agent.name);
  }

  /** The cached pods bound to a node. */
  podsOn(nodeName: string): KubeObject[] {
    return this.podInformer.store.byIndex(podsByNodeIndex, nodeName);
  }

  cachedNode(name: string): KubeObject | undefined {
    return this.nodeInformer.store.get(name);
  }

  enqueuePod(nodeName: string, podKey: string): void {
    this.queue.add(`${nodeName}|${podKey}`);
  }

  enqueueNode(nodeName: string): void {
    this.queue.add(`${nodeName}|`);
  }

  /** Starts the pod and node informers, Lease renewals and writers. */
  start(signal?: AbortSignal): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    // Shared informers too: starting a running one does nothing, and agents must not wait on a
    // factory that only starts when its controller manager leads.
    this.podInformer.start(abort.signal);
    this.nodeInformer.start(abort.signal);
    this.leases.start(abort.signal);
    for (let i = 0; i < this.workers; i++) this.loops.push(this.work());
    const report = (): void => {
      const now = Date.now();
      for (const a of this.agents.values()) if (a.nextReportAt <= now) this.enqueueNode(a.name);
      this.reportTimer = setTimeout(report, 1000);
      this.reportTimer.unref?.();
    };
    report();
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const [a, b] = await Promise.all([this.podInformer.waitForSync(signal), this.nodeInformer.waitForSync(signal)]);
    return a && b;
  }

  async stop(): Promise<void> {
    if (!this.abort || this.abort.signal.aborted) return;
    this.abort.abort();
    const leasesStopped = this.leases.stop();
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.queue.shutDown();
    await Promise.all(this.loops);
    if (this.ownsInformers) await Promise.all([this.podInformer.stop(), this.nodeInformer.stop()]);
    await leasesStopped;
  }

  private agentFor(pod: KubeObject): HostedAgent | undefined {
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    return node ? this.agents.get(node) : undefined;
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      const bar = key.indexOf('|');
      const agent = this.agents.get(key.slice(0, bar));
      const podKey = key.slice(bar + 1) || undefined;
      try {
        if (agent) await agent.sync(podKey);
        this.queue.forget(key);
      } catch (e) {
        if (this.queue.numRequeues(key) === 0) this.log(`node ${key.slice(0, bar)}: syncing ${podKey ? `pod "${podKey}"` : 'its status'} failed, will retry`, e);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
