import { setMaxListeners } from 'node:events';
import { Backoff, sleep, type ApiClient, type ConnectionConfig, type Logger, type SharedInformerFactory } from '../client/index.js';
import { NodeAgent } from './agent.js';
import { waitForBoundClaims } from './claims-bound.js';
import { NodeHost } from './node-host.js';
import type { NodeTaint } from './node-object.js';
import { fleetNodeIp, podCidrFor } from './pod-ip-allocator.js';
import { SimulatedRuntime } from './runtimes/simulated-runtime.js';

export interface SimulatedNodesOptions {
  client: ApiClient;
  /** For the Lease renewals, with connections of their own; `client` by default. */
  leaseClient?: ApiClient;
  /**
   * Renew the Leases from a worker thread of their own, reaching the API server with this connection,
   * so pod work keeping this event loop busy cannot make heartbeats late (`wharf up`'s fleet). Renewals
   * run on this thread by default.
   */
  leaseThread?: ConnectionConfig;
  count: number;
  /** Nodes are named `<prefix><i>`; `wharf-node-` by default. */
  namePrefix?: string;
  /** A count Z spreads nodes round-robin over zones `zone-0`..`zone-(Z-1)`; a list names them. None by default. */
  zones?: number | readonly string[];
  region?: string;
  /** Capacity per node: 4 CPUs, 32Gi, 110 pods, 100Gi ephemeral storage by default. */
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  arch?: string;
  labels?: Record<string, string>;
  taints?: readonly NodeTaint[];
  /** ContainerCreating time of a new pod (1 000 ms by default). */
  startupDelayMs?: number;
  /** Time containers take to stop when a pod is deleted (0 by default; bounded by its grace period). */
  stopDelayMs?: number;
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
  statusReportIntervalMs?: number;
  restartBackoffMs?: number;
  /** Share these informers (a controller manager's in the same process) rather than open new watches. */
  informers?: SharedInformerFactory;
  /** Index of the first node, for pod CIDRs and node IPs (`10.128.<i>.0/24`-style); 0 by default. */
  firstIndex?: number;
  /** Nodes registering at once (32) and status writes in flight (32). */
  registerConcurrency?: number;
  workers?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface SimulatedNodes {
  readonly names: readonly string[];
  readonly agents: ReadonlyMap<string, NodeAgent>;
  readonly host: NodeHost;
  /** Resolves once every node is registered, its first Lease written and the pod cache synced. */
  ready(): Promise<void>;
  /** Stops one node's agent (heartbeats and pod handling end), as if the machine failed. */
  stopNode(name: string): void;
  /** Stops every agent and the shared watches; Nodes and pods stay in the API. */
  stop(): Promise<void>;
}

/** The zone of node `i` for the `zones` option. */
function zoneOf(zones: SimulatedNodesOptions['zones'], i: number): string | undefined {
  if (zones === undefined) return undefined;
  if (typeof zones === 'number') return zones > 0 ? `zone-${i % zones}` : undefined;
  return zones.length > 0 ? zones[i % zones.length] : undefined;
}

/**
 * Starts `count` simulated nodes in this process, sharing one pod watch, one node watch, one Lease
 * timer and one pool of writers (see `NodeHost`). Registration runs in the background, a bounded
 * number at a time, retrying until it succeeds or the signal aborts.
 *
 * @example
 * const fleet = startSimulatedNodes({ client, count: 100, zones: 3, signal });
 * await fleet.ready();
 */
export function startSimulatedNodes(opts: SimulatedNodesOptions): SimulatedNodes {
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new RangeError(`Node count must be a whole number >= 0, not ${opts.count}`);
  const prefix = opts.namePrefix ?? 'wharf-node-';
  const first = opts.firstIndex ?? 0;
  const abort = new AbortController();
  // Every registration request listens to it: many at once is expected, not a leak.
  setMaxListeners(0, abort.signal);
  if (opts.signal) {
    if (opts.signal.aborted) abort.abort();
    else opts.signal.addEventListener('abort', () => abort.abort(), { once: true });
  }
  const host = new NodeHost({
    client: opts.client,
    leaseClient: opts.leaseClient,
    leaseThread: opts.leaseThread,
    informers: opts.informers,
    renewIntervalMs: opts.renewIntervalMs,
    leaseDurationSeconds: opts.leaseDurationSeconds,
    workers: opts.workers,
    logger: opts.logger,
  });
  const agents = new Map<string, NodeAgent>();
  const names: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const name = `${prefix}${i}`;
    const index = first + i;
    names.push(name);
    agents.set(
      name,
      new NodeAgent({
        host,
        runtime: new SimulatedRuntime({
          startupDelayMs: opts.startupDelayMs,
          stopDelayMs: opts.stopDelayMs,
          volumesReady: (pod, signal) => waitForBoundClaims(host.client, host.claims, pod, signal),
        }),
        statusReportIntervalMs: opts.statusReportIntervalMs,
        restartBackoffMs: opts.restartBackoffMs,
        config: {
          name,
          cpu: opts.cpu ?? '4',
          memory: opts.memory ?? '32Gi',
          pods: opts.pods ?? 110,
          ephemeralStorage: opts.ephemeralStorage ?? '100Gi',
          arch: opts.arch ?? 'amd64',
          zone: zoneOf(opts.zones, i),
          region: opts.region,
          labels: { 'node.wharf.dev/simulated': 'true', ...opts.labels },
          taints: [...(opts.taints ?? [])],
          podCIDR: podCidrFor(index),
          internalIP: fleetNodeIp(index),
          osImage: 'Wharf simulated node',
        },
      }),
    );
  }
  host.start(abort.signal);

  const registerAll = async (): Promise<void> => {
    const pending = [...agents.values()];
    const worker = async (): Promise<void> => {
      for (let agent = pending.shift(); agent; agent = pending.shift()) {
        const backoff = new Backoff(200, 5000);
        while (!abort.signal.aborted) {
          try {
            await agent.register(abort.signal);
            break;
          } catch (e) {
            if (abort.signal.aborted) return;
            (opts.logger ?? host.log)(`registering node "${agent.name}" failed, will retry`, e);
            await sleep(backoff.next(), abort.signal);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.registerConcurrency ?? 32, Math.max(1, pending.length)) }, worker));
  };
  const registered = registerAll();

  const ready = async (): Promise<void> => {
    await registered;
    await host.waitForSync(abort.signal);
    while (!abort.signal.aborted && names.some((n) => !agents.get(n)!.isStopped && host.leases.lastRenewed(n) === undefined)) {
      await sleep(20, abort.signal);
    }
    if (abort.signal.aborted) throw new Error('Simulated nodes were stopped before they were ready');
  };

  return {
    names,
    agents,
    host,
    ready,
    stopNode(name: string) {
      const agent = agents.get(name);
      if (!agent) throw new RangeError(`No simulated node "${name}"`);
      agent.stop();
    },
    async stop() {
      abort.abort();
      await registered.catch(() => undefined);
      for (const a of agents.values()) a.stop();
      await host.stop();
    },
  };
}
