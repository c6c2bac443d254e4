import { cpus, networkInterfaces, totalmem } from 'node:os';
import { readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiClient, EventRecorder, loadKubeconfig, type Logger } from '../client/index.js';
import { NodeAgent } from './agent.js';
import { NodeHost } from './node-host.js';
import type { NodePressure, NodeTaint } from './node-object.js';
import { fleetNodeIp, hashedNodeIndex, podCidrFor } from './pod-ip-allocator.js';
import type { Runtime } from './runtime.js';
import { apiPodResources, checkHostSupport, createContainerRuntime, type ContainerRuntime } from './runtimes/container/index.js';
import { ImageService } from './runtimes/container/image/index.js';
import { SimulatedRuntime } from './runtimes/simulated-runtime.js';
import { NodeServer, selfSignedServingCertificate } from './server/index.js';
import { startSimulatedNodes } from './simulated-nodes.js';

/** `wharf node` options, as parsed from its flags. */
export interface NodeCommandOptions {
  kubeconfig: string;
  /** The node's name; with `simulated` the nodes are `<name>-0`..`<name>-(N-1)`. */
  name: string;
  /** Run N simulated nodes. Without it one node runs, through `runtime`. */
  simulated?: number;
  /**
   * What runs the one node's pods: `simulated` (the default) or `container` (real containers through
   * runc, each pod in its own network namespace; needs root, iproute2 and runc).
   */
  runtime?: 'simulated' | 'container';
  /** The container runtime's data dir (images, pods, logs); `/var/lib/wharf/nodes/<name>` by default. */
  dataDir?: string;
  /** The container runtime's node bridge; `wharf0` by default. */
  bridge?: string;
  /** Cluster DNS service IPs and domain written into pods' resolv.conf (container runtime). */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** Registries the container runtime reaches over plain HTTP (loopback ones always are). */
  insecureRegistries?: string[];
  zone?: string;
  region?: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: NodeTaint[];
  /** `10.x.y.0/24`; derived from the name when absent (a fleet's from its first node's). */
  podCidr?: string;
  startupDelayMs?: number;
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
  /** Stops the node(s); SIGINT and SIGTERM do when absent. */
  signal?: AbortSignal;
  /** Progress lines ("node x registered"); stdout by default. */
  out?: (line: string) => void;
  logger?: Logger;
}

/**
 * Runs `wharf node`: joins one node (or a simulated fleet) to the cluster a kubeconfig points at, from
 * this process or another machine, until the signal aborts. Resolves once stopped.
 *
 * @example
 * await runNodeCommand({ kubeconfig: '/etc/wharf/admin.conf', name: 'edge-1', simulated: 10 });
 */
export async function runNodeCommand(opts: NodeCommandOptions): Promise<void> {
  const out = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const client = ApiClient.fromKubeconfig(opts.kubeconfig, { component: 'node' });
  const abort = new AbortController();
  let removeSignals = (): void => {};
  if (opts.signal) {
    if (opts.signal.aborted) abort.abort();
    else opts.signal.addEventListener('abort', () => abort.abort(), { once: true });
  } else {
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    removeSignals = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  }
  const stopped = new Promise<void>((resolve) => (abort.signal.aborted ? resolve() : abort.signal.addEventListener('abort', () => resolve(), { once: true })));
  try {
    if (opts.simulated !== undefined) {
      const fleet = startSimulatedNodes({
        client,
        leaseClient: ApiClient.fromKubeconfig(opts.kubeconfig, { component: 'node' }),
        count: opts.simulated,
        namePrefix: `${opts.name}-`,
        zones: opts.zone ? [opts.zone] : undefined,
        region: opts.region,
        cpu: opts.cpu,
        memory: opts.memory,
        pods: opts.pods,
        labels: opts.labels,
        taints: opts.taints,
        startupDelayMs: opts.startupDelayMs,
        renewIntervalMs: opts.renewIntervalMs,
        leaseDurationSeconds: opts.leaseDurationSeconds,
        // Joined fleets take indexes from the name so two fleets' pod CIDRs rarely meet.
        firstIndex: Math.max(0, Math.min(hashedNodeIndex(opts.name) & ~1023, (1 << 15) - opts.simulated)),
        logger: opts.logger,
        signal: abort.signal,
      });
      await fleet.ready().catch((e) => {
        if (!abort.signal.aborted) throw e;
      });
      if (!abort.signal.aborted) out(`${opts.simulated} simulated nodes ${opts.name}-0..${opts.name}-${opts.simulated - 1} registered`);
      await stopped;
      await fleet.stop();
      return;
    }
    const clusterCa = opts.runtime === 'container' ? loadKubeconfig(opts.kubeconfig).ca?.toString() : undefined;
    const node = await startNode({ ...opts, client, clusterCa, signal: abort.signal, out });
    out(`node ${opts.name} registered`);
    await stopped;
    await node.stop();
  } finally {
    removeSignals();
    client.close();
  }
}

/** One node agent run in this process: what `wharf node` runs, and `wharf up` for its real nodes. */
export interface StartNodeOptions extends Omit<NodeCommandOptions, 'kubeconfig' | 'simulated' | 'signal'> {
  client: ApiClient;
  /** Stops the node; `stop()` does too. */
  signal: AbortSignal;
  /** How often a container node reports its images in Node status; 30 s by default. */
  imageReportIntervalMs?: number;
  /**
   * The container node's image store; `<dataDir>/images` by default. Nodes on one machine may share one
   * (as `wharf up`'s do), each then also keeping what `sharedImagesInUse` names from image GC.
   */
  imagesDir?: string;
  /** Images the other nodes sharing `imagesDir` use. */
  sharedImagesInUse?: () => Iterable<string>;
  /**
   * The cluster CA (PEM): with it a container node serves the node API (logs, exec, attach,
   * port-forward) to the API server's client certificate, on `nodeApiPort` (0, any free port, by
   * default; the Node publishes it).
   */
  clusterCa?: string;
  nodeApiPort?: number;
}

/** A started node: registered, its Lease renewed, its pods run. */
export interface RunningNode {
  readonly name: string;
  readonly agent: NodeAgent;
  /** The images this node's pods use (container nodes; empty for simulated ones). */
  imagesInUse(): Set<string>;
  /** Stops the agent and its watches; a container node's containers keep running, as kubelet's do. */
  stop(): Promise<void>;
}

/** Where a container node writes what its cgroups cannot enforce (a JSON list of sentences). */
export const notEnforcedAnnotation = 'node.wharf.dev/not-enforced';
/** kubelet's `--node-status-max-images`. */
const maxNodeImages = 50;

/**
 * Starts one node in this process, watching only its own pods and Node, and resolves once it is
 * registered. With `runtime: 'container'` its pods are real containers (see `checkHostSupport`), its
 * capacity the machine's unless given, and it also keeps house as kubelet does: clears what earlier runs
 * left of pods it no longer has, reports its images in Node status and collects unused images.
 */
export async function startNode(opts: StartNodeOptions): Promise<RunningNode> {
  const { client, signal } = opts;
  const out = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const host = new NodeHost({
    client,
    podSelection: { fieldSelector: `spec.nodeName=${opts.name}` },
    nodeSelection: { fieldSelector: `metadata.name=${opts.name}` },
    renewIntervalMs: opts.renewIntervalMs,
    leaseDurationSeconds: opts.leaseDurationSeconds,
    workers: 8,
    logger: opts.logger,
  });
  const index = hashedNodeIndex(opts.name);
  let podCIDR = opts.podCidr ?? podCidrFor(index);
  let runtime: Runtime;
  let internalIP = fleetNodeIp(index);
  let osImage = 'Wharf node (simulated runtime)';
  let cpu = opts.cpu ?? '4';
  let memory = opts.memory ?? '32Gi';
  let container: { runtime: ContainerRuntime; images: ImageService; measure: () => Promise<NodePressure> } | undefined;
  let pressure: NodePressure = {};
  if (opts.runtime === 'container') {
    const support = await checkHostSupport();
    if (!support.ok) throw new Error(`node ${opts.name} cannot run containers: ${support.reason}`);
    cpu = opts.cpu ?? String(cpus().length);
    memory = opts.memory ?? `${Math.floor(totalmem() / 1024)}Ki`;
    internalIP = machineIPv4() ?? '127.0.0.1';
    osImage = 'Wharf node (runc)';
    // A Node that exists keeps its pod CIDR (the agent adopts it); the bridge must hold that one.
    const existing = await client.get(host.nodes, opts.name, { signal }).catch(() => undefined);
    podCIDR = (existing?.spec as { podCIDR?: string } | undefined)?.podCIDR || podCIDR;
    const dataDir = opts.dataDir ?? join('/var/lib/wharf/nodes', opts.name);
    const imagesDir = opts.imagesDir ?? join(dataDir, 'images');
    const images = new ImageService({ root: imagesDir, insecureRegistries: opts.insecureRegistries });
    const rt = await createContainerRuntime({
      dataDir,
      images,
      resources: apiPodResources(client),
      podCIDR,
      bridge: opts.bridge,
      clusterDNS: opts.clusterDNS,
      clusterDomain: opts.clusterDomain,
      nodeAllocatable: { cpu, memory },
      events: new EventRecorder(client, { component: 'kubelet', host: opts.name, logger: opts.logger }),
      log: opts.logger,
    });
    for (const note of rt.capabilities.notEnforced) out(`node ${opts.name}: ${note}`);
    const measure = (): Promise<NodePressure> => measurePressure(dataDir, imagesDir);
    pressure = await measure().catch(() => ({}));
    container = { runtime: rt, images, measure };
    runtime = rt;
  } else {
    runtime = new SimulatedRuntime({ startupDelayMs: opts.startupDelayMs });
  }
  let nodeServer: NodeServer | undefined;
  if (container && opts.clusterCa) {
    nodeServer = new NodeServer({ clientCa: opts.clusterCa, tls: await selfSignedServingCertificate([internalIP, opts.name]), logger: opts.logger });
    await nodeServer.listen(opts.nodeApiPort ?? 0, '0.0.0.0');
  }
  const agent = new NodeAgent({
    host,
    runtime,
    nodeServer,
    pressure: () => pressure,
    config: {
      name: opts.name,
      cpu,
      memory,
      pods: opts.pods ?? 110,
      ephemeralStorage: '100Gi',
      arch: process.arch === 'arm64' ? 'arm64' : 'amd64',
      zone: opts.zone,
      region: opts.region,
      labels: opts.labels ?? {},
      taints: opts.taints ?? [],
      podCIDR,
      internalIP,
      osImage,
    },
  });
  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) abort.abort();
  host.start(abort.signal);
  try {
    await agent.register(abort.signal);
  } catch (e) {
    abort.abort();
    agent.stop();
    await host.stop();
    await nodeServer?.close();
    throw e;
  }
  const inUse = (): Set<string> => {
    const own = container?.runtime.imagesInUse() ?? new Set<string>();
    for (const i of opts.sharedImagesInUse?.() ?? []) own.add(i);
    return own;
  };
  const upkeep = container
    ? keepContainerNode({
        ...container,
        inUse,
        host,
        name: opts.name,
        intervalMs: opts.imageReportIntervalMs ?? 30_000,
        signal: abort.signal,
        log: opts.logger ?? host.log,
        onPressure: (next) => {
          if (JSON.stringify(next) === JSON.stringify(pressure)) return;
          pressure = next;
          agent.reportStatusSoon();
        },
      })
    : Promise.resolve();
  return {
    name: opts.name,
    agent,
    imagesInUse: () => container?.runtime.imagesInUse() ?? new Set<string>(),
    stop: async () => {
      signal.removeEventListener('abort', onAbort);
      abort.abort();
      agent.stop();
      await upkeep;
      await host.stop();
      await nodeServer?.close();
    },
  };
}

interface ContainerNodeUpkeep {
  runtime: ContainerRuntime;
  images: ImageService;
  /** What image GC keeps: this node's images and those of nodes sharing its store. */
  inUse: () => Set<string>;
  host: NodeHost;
  name: string;
  intervalMs: number;
  signal: AbortSignal;
  log: Logger;
  /** Measures what the machine is short of, every 10 s, for `onPressure`. */
  measure: () => Promise<NodePressure>;
  onPressure: (pressure: NodePressure) => void;
}

/**
 * What kubelet does beside running pods, for a container node until the signal aborts: once its pods
 * are known, removes the containers, volumes and sandboxes of pods it no longer has; publishes what
 * cgroups cannot enforce (annotation `node.wharf.dev/not-enforced`, absent when all is) and its images
 * (`status.images`, the 50 largest, written when they change, looked at soon after pod changes and every
 * interval); and collects unused images every 5
 * minutes above 85 % disk use down to 80 % (kubelet's defaults).
 */
async function keepContainerNode(u: ContainerNodeUpkeep): Promise<void> {
  const { client, nodes } = u.host;
  const timers: NodeJS.Timeout[] = [];
  const stopped = new Promise<void>((resolve) => (u.signal.aborted ? resolve() : u.signal.addEventListener('abort', () => resolve(), { once: true })));
  const fail = (what: string) => (e: unknown) => {
    if (!u.signal.aborted) u.log(`node ${u.name}: ${what} failed`, e);
  };
  let lastImages = '';
  let reporting = false;
  const reportImages = async (): Promise<void> => {
    if (reporting || u.signal.aborted) return;
    reporting = true;
    try {
      const images = (await u.images.listImages()).slice(0, maxNodeImages);
      const text = JSON.stringify(images);
      if (text === lastImages) return;
      // An empty list is left out, as kubelet's omitempty field is.
      await client.patch(nodes, u.name, { status: { images: images.length > 0 ? images : null } }, { type: 'merge', subresource: 'status', signal: u.signal });
      lastImages = text;
    } finally {
      reporting = false;
    }
  };
  const notes = u.runtime.capabilities.notEnforced;
  await client
    .patch(nodes, u.name, { metadata: { annotations: { [notEnforcedAnnotation]: notes.length > 0 ? JSON.stringify(notes) : null } } }, { type: 'merge', signal: u.signal })
    .catch(fail('writing what cgroups cannot enforce'));
  await reportImages().catch(fail('reporting images'));
  timers.push(setInterval(() => void reportImages().catch(fail('reporting images')), u.intervalMs));
  // A pull happens while a pod starts: look again shortly after pod changes, not only every interval.
  let soon: NodeJS.Timeout | undefined;
  const unsubscribe = u.runtime.onPodChange(() => {
    soon ??= setTimeout(() => {
      soon = undefined;
      void reportImages().catch(fail('reporting images'));
    }, 2000);
  });
  timers.push(
    setInterval(() => {
      void u.images.removeUnused(u.inUse(), 85, 80).catch(fail('image garbage collection'));
    }, 5 * 60_000),
  );
  timers.push(setInterval(() => void u.measure().then(u.onPressure, fail('measuring memory and disk')), 10_000));
  for (const t of timers) t.unref();
  if (await u.host.waitForSync(u.signal).catch(() => false)) {
    const known = u.host.podsOn(u.name).map((p) => p.metadata.uid ?? '');
    const removed = await u.runtime.removeOrphans(known).catch((e: unknown) => {
      fail('removing what is left of old pods')(e);
      return [] as string[];
    });
    if (removed.length > 0) u.log(`node ${u.name}: removed what was left of ${removed.length} pod(s) it no longer has`);
  }
  await stopped;
  unsubscribe();
  if (soon) clearTimeout(soon);
  for (const t of timers) clearInterval(t);
}

/** Free and total bytes of a filesystem. */
export interface FsSpace {
  availableBytes: number;
  capacityBytes: number;
}

/**
 * What a real node reports as pressure, by kubelet's default hard eviction thresholds:
 * `memory.available<100Mi` (MemoryPressure), `nodefs.available<10%` and `imagefs.available<15%`
 * (DiskPressure). kubelet sets no PID threshold by default, nor does Wharf.
 */
export function machinePressure(memAvailableBytes: number, nodefs: FsSpace, imagefs: FsSpace): NodePressure {
  const share = (fs: FsSpace): number => (fs.capacityBytes > 0 ? fs.availableBytes / fs.capacityBytes : 1);
  return { memory: memAvailableBytes < 100 * 1024 * 1024, disk: share(nodefs) < 0.1 || share(imagefs) < 0.15 };
}

/** Reads the machine: MemAvailable from /proc/meminfo, and the filesystems of the data and image dirs. */
async function measurePressure(dataDir: string, imagesDir: string): Promise<NodePressure> {
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  const kib = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo);
  const space = async (dir: string): Promise<FsSpace> => {
    const s = await statfs(dir);
    return { availableBytes: s.bavail * s.bsize, capacityBytes: s.blocks * s.bsize };
  };
  return machinePressure(kib ? Number(kib[1]) * 1024 : Number.POSITIVE_INFINITY, await space(dataDir), await space(imagesDir).catch(() => space(dataDir)));
}

/** The machine's first non-loopback IPv4 address: a real node's InternalIP. */
function machineIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
