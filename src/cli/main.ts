import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient, ControllerManager, controllerManagerConnections, loadKubeconfig } from '../client/index.js';
import { selectControllers } from '../controllers/index.js';
import { registerCatalogCommands } from '../catalog/cli/index.js';
import { parseGoDuration, parseNodeLabels, parseNodeTaints, runNodeCommand } from '../node/index.js';
import { explainPod, runSchedulerCommand } from '../scheduler/api/index.js';
import { addApiServerOptions, registerApiserverCommand, stopOnSignal } from './apiserver-command.js';
import { registerImageCommand } from './image-command.js';
import { nodeKubeconfig, registerJoinCommand, type NodeCredentialFlags } from './join-command.js';
import { registerProvisionerCommand } from './provisioner-command.js';
import { addConcurrentSyncsOptions, controllerWorkers, withControllerWorkers } from './controller-flags.js';
import { up, type UpOptions } from './up.js';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function duration(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration such as 40s or 1m30s');
  return ms;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Runs until SIGINT or SIGTERM; the signal given to `run` aborts then. */
function untilSignalled(): AbortController {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return ac;
}

const program = new Command('wharf').description('A Kubernetes-compatible control plane for bare-metal clusters');

const upCommand = addApiServerOptions(
  program
    .command('up')
    .description('start an all-in-one cluster (API server, scheduler, controllers, real or simulated nodes) and write an admin kubeconfig'),
  'where the cluster keeps its state',
)
  .option('--nodes <n>', 'simulated nodes to run (alone: no real node)', count)
  .option('--container-nodes <m>', 'real nodes (runc containers) to run on this machine; with neither flag, one real node if the machine can run containers, else one simulated node', count)
  .option('--insecure-registry <host:port...>', 'registries the real nodes reach over plain HTTP (loopback ones always are)')
  .option('--zones <n>', 'spread the nodes over zones zone-0..zone-(n-1)', count)
  .option('--node-cpu <cpus>', 'CPU capacity of each simulated node', '4')
  .option('--node-memory <bytes>', 'memory capacity of each simulated node', '32Gi')
  .option('--node-pods <n>', 'pod capacity of each simulated node', count, 110)
  .option('--node-labels <k=v,...>', 'labels for every simulated node', parseNodeLabels)
  .option('--node-taints <k=v:Effect,...>', 'taints for every simulated node', parseNodeTaints)
  .option('--node-startup-delay <duration>', 'how long a new pod shows ContainerCreating on a simulated node before it runs (default 1s; 0s: at once, one status write per pod instead of two)', duration)
  .option('--controllers <names>', 'controllers to run: * for all, a name to add, -name to leave out', list)
  .option('--api-server-only', 'run only the API server (no scheduler, controllers or nodes)');
addConcurrentSyncsOptions(upCommand)
  .action(async (opts: UpOptions & { nodeStartupDelay?: number }) => {
    const { nodeStartupDelay, ...rest } = opts;
    const cluster = await up({
      ...rest,
      insecureRegistry: opts.insecureRegistry?.flatMap(list),
      nodeStartupDelayMs: nodeStartupDelay,
      controllerWorkers: controllerWorkers(opts),
    });
    for (const notice of cluster.notices) console.log(notice);
    console.log(`Wharf API server listening on ${cluster.url}`);
    console.log(`To use kubectl with this cluster:\n\n  export KUBECONFIG=${cluster.kubeconfig}\n  kubectl get nodes\n`);
    stopOnSignal(cluster);
  });

program
  .command('scheduler')
  .description('run the scheduler against a cluster')
  .requiredOption('--kubeconfig <file>', 'kubeconfig naming the API server and credentials')
  .option('--config <file>', 'a KubeSchedulerConfiguration file')
  .option('--leader-elect', 'schedule only while holding the kube-system/kube-scheduler Lease')
  .action(async (opts: { kubeconfig: string; config?: string; leaderElect?: boolean }) => {
    await runSchedulerCommand({ kubeconfig: opts.kubeconfig, config: opts.config, leaderElect: Boolean(opts.leaderElect) });
  });

const controllerManagerCommand = program
  .command('controller-manager')
  .description('run the controllers against a cluster')
  .requiredOption('--kubeconfig <file>', 'kubeconfig naming the API server and credentials')
  .option('--controllers <names>', 'controllers to run: * for all, a name to add, -name to leave out', list)
  .option('--leader-elect', 'act only while holding the kube-system/kube-controller-manager Lease', true)
  .option('--no-leader-elect', 'act without leader election')
  .option('--identity <id>', 'this instance in leader election', `${process.pid}`)
  .option('--node-monitor-grace-period <duration>', 'how long a node may be silent before it is marked unreachable', duration)
  .option('--node-monitor-period <duration>', 'how often node health is checked', duration);
addConcurrentSyncsOptions(controllerManagerCommand)
  .action(async (opts: { kubeconfig: string; controllers?: string[]; leaderElect: boolean; identity: string; nodeMonitorGracePeriod?: number; nodeMonitorPeriod?: number }) => {
    const ac = untilSignalled();
    const client = ApiClient.fromKubeconfig(opts.kubeconfig, { component: 'controller-manager', maxConnections: controllerManagerConnections });
    const nodeLifecycle = { nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriod, nodeMonitorPeriodMs: opts.nodeMonitorPeriod };
    const manager = new ControllerManager({
      client,
      settings: withControllerWorkers({ serviceaccount: { rootCaPem: loadKubeconfig(opts.kubeconfig).ca?.toString() }, 'node-lifecycle': nodeLifecycle }, controllerWorkers(opts)),
      leaderElection: opts.leaderElect ? { namespace: 'kube-system', name: 'kube-controller-manager', identity: opts.identity } : undefined,
    });
    for (const c of selectControllers(opts.controllers)) c.setup(manager);
    await manager.start(ac.signal);
  });

program
  .command('node')
  .description('join a node (or a simulated fleet) to a cluster')
  .option('--kubeconfig <file>', 'kubeconfig naming the API server and credentials (with --token: where to write the one joining makes)')
  .requiredOption('--name <name>', 'the node name (with --simulated N: <name>-0..<name>-(N-1))')
  .option('--server <url>', 'join with a bootstrap token (see wharf join): the API server URL')
  .option('--token <id.secret>', 'join with this bootstrap token, traded for the node client certificate')
  .option('--ca-cert-hash <sha256:hex>', 'the cluster CA public key hash the joining node pins')
  .option('--node-lease-duration-seconds <n>', 'node Lease duration, renewed every quarter of it (40)', count)
  .option('--simulated <n>', 'run N simulated nodes', count)
  .option('--startup-delay <duration>', 'simulated runtime: how long a new pod shows ContainerCreating before it runs (default 1s; 0s: at once)', duration)
  .addOption(new Option('--runtime <runtime>', 'what runs the pods: simulated (timers) or container (runc; needs root, iproute2 and runc)').choices(['simulated', 'container']).default('simulated'))
  .option('--data-dir <dir>', 'container runtime: images, pods and logs (default /var/lib/wharf/nodes/<name>)')
  .option('--bridge <name>', 'container runtime: the node bridge pods attach to (default wharf0)')
  .option('--pod-cidr <cidr>', 'the pods\' addresses, e.g. 10.244.1.0/24 (default: derived from the name; a Node that exists keeps its own)')
  .option('--cluster-dns <ips>', 'container runtime: cluster DNS server IPs for pods\' resolv.conf', list)
  .option('--cluster-domain <domain>', 'container runtime: the cluster domain for pods\' DNS search list')
  .option('--insecure-registry <host:port...>', 'container runtime: registries reached over plain HTTP (loopback ones always are)')
  .option('--zone <zone>', 'topology.kubernetes.io/zone label')
  .option('--region <region>', 'topology.kubernetes.io/region label')
  .option('--cpu <cpus>', 'CPU capacity (default 4, or the machine\'s with --runtime container)')
  .option('--memory <bytes>', 'memory capacity (default 32Gi, or the machine\'s with --runtime container)')
  .option('--pods <n>', 'pod capacity', count, 110)
  .option('--labels <k=v,...>', 'node labels', parseNodeLabels)
  .option('--taints <k=v:Effect,...>', 'node taints', parseNodeTaints)
  .action(async (opts: Omit<Parameters<typeof runNodeCommand>[0], 'kubeconfig' | 'insecureRegistries' | 'clusterDNS'> & NodeCredentialFlags & { nodeLeaseDurationSeconds?: number; insecureRegistry?: string[]; clusterDns?: string[]; startupDelay?: number }) => {
    const lease = opts.nodeLeaseDurationSeconds;
    const timings = lease ? { leaseDurationSeconds: lease, renewIntervalMs: lease * 250 } : {};
    const { insecureRegistry, clusterDns, startupDelay, ...rest } = opts;
    if (rest.simulated !== undefined && rest.runtime === 'container') throw new InvalidArgumentError('--simulated runs simulated nodes; leave out --runtime container');
    if (startupDelay !== undefined && rest.runtime === 'container') throw new InvalidArgumentError('--startup-delay is for the simulated runtime; leave out --runtime container');
    await runNodeCommand({ ...rest, ...timings, startupDelayMs: startupDelay, clusterDNS: clusterDns, insecureRegistries: insecureRegistry?.flatMap(list), kubeconfig: await nodeKubeconfig(opts) });
  });

registerJoinCommand(program);

const explain = program.command('explain').description('explain scheduling decisions');
explain
  .command('pod <name>')
  .description("each plugin's filter verdict and score per node for a pod, pending or placed")
  .option('-n, --namespace <ns>', 'the pod namespace', 'default')
  .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
  .option('--top <n>', 'nodes to show scores for', count, 10)
  .action(async (name: string, opts: { namespace: string; kubeconfig?: string; top: number }) => {
    const kubeconfig = opts.kubeconfig ?? process.env.KUBECONFIG ?? './.wharf/kubeconfig';
    const client = ApiClient.fromKubeconfig(kubeconfig, { component: 'explain' });
    try {
      console.log(await explainPod(client, opts.namespace, name, opts.top));
    } finally {
      client.close();
    }
  });

registerProvisionerCommand(program);
registerImageCommand(program);
registerApiserverCommand(program);
registerCatalogCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`wharf: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
