import { ApiClient, ControllerManager, controllerManagerConnections, type ConnectionConfig, type Logger } from '../client/index.js';
import { selectControllers } from '../controllers/index.js';
import { startNode, startSimulatedNodes, type NodeTaint, type RunningNode, type SimulatedNodes } from '../node/index.js';
import { startScheduler, type SchedulerHandle } from '../scheduler/api/index.js';

/**
 * How a component reaches the API server: a URL and, over TLS, the CA and a client certificate; or the
 * server's local socket and a loopback token (the CA then only for those who pass it on). The client's
 * connection settings, with PEM text only, since they cross to the components thread.
 */
export type Connection = ConnectionConfig & { ca?: string; cert?: string; key?: string };

/** The simulated fleet `wharf up` runs: how many nodes, where, and their shape. */
export interface FleetOptions {
  /** Simulated nodes to run in this process (1 by default; 0 for none). */
  nodes?: number;
  zones?: number;
  nodeCpu?: string;
  nodeMemory?: string;
  nodePods?: number;
  nodeLabels?: Record<string, string>;
  nodeTaints?: NodeTaint[];
  /**
   * How long a new pod shows ContainerCreating on a simulated node before its containers run (1 000 ms by
   * default). At 0 it is Running at once, and its node writes its status once rather than twice.
   */
  nodeStartupDelayMs?: number;
  /** `--controllers a,b,-c` (all by default). */
  controllers?: string[];
}

/** One real node (container runtime) `wharf up` runs on this machine: its own bridge, pod CIDR and data dir. */
export interface ContainerNodePlan {
  name: string;
  dataDir: string;
  /** The image store, shared by the real nodes of one machine (`<cluster data dir>/images`). */
  imagesDir: string;
  bridge: string;
  podCidr: string;
  /** The node's own identity (`system:node:<name>`), as a joined node would have. */
  connection: Connection;
  /** Registries reached over plain HTTP (loopback ones always are). */
  insecureRegistries?: string[];
}

export interface ComponentOptions extends FleetOptions {
  /** Credentials per component, so the audit log and RBAC see who is who. */
  connections: { scheduler: Connection; controllerManager: Connection; nodes: Connection };
  /** Real nodes to run beside the simulated fleet. */
  containerNodes?: ContainerNodePlan[];
  /** Settings by controller name, for tests that need short timings. */
  controllerSettings?: Record<string, unknown>;
  signal: AbortSignal;
  logger?: Logger;
}

export interface RunningComponents {
  scheduler: SchedulerHandle;
  manager: ControllerManager;
  nodes: SimulatedNodes;
  containerNodes: RunningNode[];
}

/**
 * The cluster's own API clients, started in the `wharf up` process: controllers, the scheduler, a
 * simulated fleet and real (container runtime) nodes. Each writes over its own connection with its own
 * identity, exactly as it would from another machine. The controllers, the scheduler and the simulated
 * fleet read through one set of informers: one watch and one cache of every pod for the process instead
 * of three (at 150,000 pods, about a gigabyte less, and each watch event parsed once).
 */
export async function startComponents(opts: ComponentOptions): Promise<RunningComponents> {
  const { signal } = opts;
  const managerClient = new ApiClient({ ...opts.connections.controllerManager, component: 'controller-manager', maxConnections: controllerManagerConnections });
  const settings = { serviceaccount: { rootCaPem: opts.connections.controllerManager.ca }, ...opts.controllerSettings };
  const manager = new ControllerManager({ client: managerClient, settings, logger: opts.logger });
  for (const c of selectControllers(opts.controllers)) c.setup(manager);
  void manager.start(signal);
  const scheduler = await startScheduler({
    client: new ApiClient({ ...opts.connections.scheduler, component: 'scheduler' }),
    informers: manager.informers,
    signal,
    logger: opts.logger,
  });
  const nodes = startSimulatedNodes({
    client: new ApiClient({ ...opts.connections.nodes, component: 'node' }),
    // Heartbeats from a thread of their own: past ~100,000 pods this thread's event loop is busy enough
    // to make them late by tens of seconds, and a late one lets the Lease lapse (NotReady).
    leaseThread: opts.connections.nodes,
    informers: manager.informers,
    count: opts.nodes ?? 1,
    zones: opts.zones,
    cpu: opts.nodeCpu,
    memory: opts.nodeMemory,
    pods: opts.nodePods,
    labels: opts.nodeLabels,
    taints: opts.nodeTaints,
    startupDelayMs: opts.nodeStartupDelayMs,
    signal,
    logger: opts.logger,
  });
  // One after another: each makes its bridge and reads the machine, which is quick.
  const containerNodes: RunningNode[] = [];
  for (const plan of opts.containerNodes ?? []) {
    containerNodes.push(
      await startNode({
        client: new ApiClient({ ...plan.connection, component: 'node' }),
        name: plan.name,
        runtime: 'container',
        dataDir: plan.dataDir,
        imagesDir: plan.imagesDir,
        // One store for the machine: image GC keeps what any of its nodes uses.
        sharedImagesInUse: () => containerNodes.flatMap((n) => [...n.imagesInUse()]),
        bridge: plan.bridge,
        podCidr: plan.podCidr,
        // Serves logs and exec of its pods to the API server (which holds the CA's kubelet-client certificate).
        clusterCa: plan.connection.ca,
        insecureRegistries: plan.insecureRegistries,
        signal,
        out: (line) => process.stdout.write(`${line}\n`),
        logger: opts.logger,
      }),
    );
  }
  return { scheduler, manager, nodes, containerNodes };
}
