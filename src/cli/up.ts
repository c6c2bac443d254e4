import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createAuditor } from '../apiserver/audit/index.js';
import { createAuthenticator } from '../apiserver/authn/index.js';
import { ensurePki, issueClientCertificate } from '../apiserver/pki/index.js';
import type { Connection, ContainerNodePlan, FleetOptions } from './components.js';
import { startComponentsThread, type ComponentsThread } from './components-thread.js';
import { ApiServer, type ApiServerOptions } from '../apiserver/server.js';
import type { UserInfo } from '../apiserver/request-context.js';
import { SIMULATED_FLEET_GROUP } from '../apiserver/node-authz/index.js';
import { checkHostSupport } from '../node/runtimes/container/index.js';
import { hashedNodeIndex, podCidrFor } from '../node/pod-ip-allocator.js';
import { openStorage, type StorageOptions } from './storage-options.js';
import { withControllerWorkers } from './controller-flags.js';
import { collectGarbageWhenIdle } from './idle-gc.js';
import { renderKubeconfig } from './kubeconfig.js';

export interface UpOptions extends FleetOptions, StorageOptions {
  dataDir: string;
  port: number;
  host: string;
  /** Plain HTTP without authentication or authorization, for those who ask. */
  insecureHttp?: boolean;
  tokenAuthFile?: string;
  /** Start no scheduler, controllers or nodes: the API server alone. */
  apiServerOnly?: boolean;
  /**
   * `Node,RBAC` (default, as kubeadm's): the Node authorizer and NodeRestriction admission confine nodes,
   * RBAC decides the rest; `RBAC` (nodes get the `system:node` role through RBAC alone); or `AlwaysAllow`
   * (authenticate, but let every authenticated request through).
   */
  authorizationMode?: AuthorizationMode;
  auditPolicyFile?: string;
  auditWebhookConfigFile?: string;
  /**
   * Real nodes (container runtime) on this machine. With neither this nor `nodes`, one real node runs
   * where the machine can run containers and one simulated node otherwise; with only `nodes`, none.
   */
  containerNodes?: number;
  /** Registries the real nodes reach over plain HTTP (loopback ones always are). */
  insecureRegistry?: string[];
  /** Work-queue workers by controller name (`--concurrent-*-syncs`); each controller's own default otherwise. */
  controllerWorkers?: Record<string, number>;
}

export const authorizationModes = ['Node,RBAC', 'RBAC', 'AlwaysAllow'] as const;
export type AuthorizationMode = (typeof authorizationModes)[number];

export interface RunningCluster {
  port: number;
  url: string;
  kubeconfig: string;
  /** What `wharf up` should tell its user about the nodes it chose (one line each). */
  notices: string[];
  stop: () => Promise<void>;
}

/** How many simulated and real nodes `wharf up` runs, and why. */
export interface NodeChoice {
  simulated: number;
  real: number;
  notices: string[];
}

/**
 * `--nodes N` alone means N simulated nodes; `--container-nodes M` alone M real ones; both mix them.
 * With neither: one real node where `checkHostSupport()` says the machine can run containers, else one
 * simulated node, saying why. Real nodes asked for on a machine that cannot run them are an error.
 */
export async function chooseNodes(nodes: number | undefined, containerNodes: number | undefined, check = checkHostSupport): Promise<NodeChoice> {
  const imagesNote = "a real node's pods need images from a registry this machine reaches, or loaded with `wharf image import FILE` (same --data-dir)";
  if (nodes === undefined && containerNodes === undefined) {
    const support = await check();
    if (support.ok) return { simulated: 0, real: 1, notices: [`This machine can run containers (runc ${support.runcVersion}): one real node; ${imagesNote}.`] };
    return { simulated: 1, real: 0, notices: [`One simulated node: this machine cannot run containers (${support.reason}).`] };
  }
  const real = containerNodes ?? 0;
  if (real > 0) {
    const support = await check();
    if (!support.ok) throw new Error(`--container-nodes ${real}: this machine cannot run containers: ${support.reason}`);
  }
  return { simulated: nodes ?? 0, real, notices: real > 0 ? [`${real} real node${real > 1 ? 's' : ''}; ${imagesNote}.`] : [] };
}

/** A DNS label from this machine's name, for its real nodes' names. */
function machineNodeName(): string {
  const name = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return name || 'wharf-machine';
}

/**
 * The real nodes of a cluster whose data dir is `dataDir`: named after the machine (`<host>`, or
 * `<host>-<i>` for several), sharing the machine's image store `<dataDir>/images` (where `wharf image
 * import --data-dir <dataDir>` puts images), each with a data dir under `<dataDir>/nodes/`, and a bridge and pod CIDR
 * derived from the data dir, so two clusters on one machine do not share them and a restart finds its own.
 */
export function planContainerNodes(dataDir: string, count: number): Omit<ContainerNodePlan, 'connection'>[] {
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 6);
  const host = machineNodeName();
  const used = new Set<number>();
  const plans: Omit<ContainerNodePlan, 'connection'>[] = [];
  for (let i = 0; i < count; i++) {
    const name = count === 1 ? host : `${host}-${i}`;
    let index = hashedNodeIndex(`${dataDir}#${i}`);
    while (used.has(index)) index = index + 1 < 1 << 15 ? index + 1 : 1 << 14;
    used.add(index);
    plans.push({ name, dataDir: path.join(dataDir, 'nodes', name), imagesDir: path.join(dataDir, 'images'), bridge: `wh-${tag}-${i}`, podCidr: podCidrFor(index) });
  }
  return plans;
}

/** The components thread died after starting: a cluster without its controllers is broken, so stop. */
function onComponentsFailure(message: string): void {
  process.stderr.write(`wharf: the components thread failed: ${message}\n`);
  process.exit(1);
}

const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

/**
 * `wharf up`: the all-in-one cluster on one data directory. By default it serves only TLS, with a cluster
 * CA and certificates made once in the data directory, authenticates every request, enforces RBAC and
 * writes an audit log; the kubeconfig it writes holds the admin's client certificate.
 */
export async function up(opts: UpOptions): Promise<RunningCluster> {
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // A broken policy or webhook file stops startup before anything is opened.
  const auditor = createAuditor({
    logPath: path.join(dataDir, 'audit', 'audit.log'),
    policyFile: opts.auditPolicyFile,
    webhookConfigFile: opts.auditWebhookConfigFile,
  });
  // Decided before anything opens: real nodes the machine cannot run stop startup.
  const choice = opts.apiServerOnly ? { simulated: 0, real: 0, notices: [] } : await chooseNodes(opts.nodes, opts.containerNodes);
  const serverOptions: Omit<ApiServerOptions, 'store'> = { auditor };
  let kubeconfigFor: (url: string) => string;
  // How each of Wharf's own components reaches the server over TCP, if the local socket cannot be had.
  let tcpConnectionFor: (url: string, user: string, groups: string[]) => Promise<Connection>;
  // The components' loopback tokens, when they use the local socket (see localConnection).
  const loopbackTokens = new Map<string, UserInfo>();
  let clusterCa: string | undefined;
  if (opts.insecureHttp) {
    kubeconfigFor = (server) => renderKubeconfig({ server });
    tcpConnectionFor = async (url) => ({ baseUrl: url });
  } else {
    const pki = await ensurePki(dataDir, [hostname(), opts.host, '10.96.0.1']);
    clusterCa = pki.ca.cert;
    tcpConnectionFor = async (url, user, groups) => {
      const { cert, key } = await issueClientCertificate(pki, user, groups);
      return { baseUrl: url, ca: pki.ca.cert, cert, key };
    };
    serverOptions.tls = { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert };
    serverOptions.authenticator = createAuthenticator({
      clientCaPem: pki.ca.cert,
      tokenFile: opts.tokenAuthFile,
      loopbackTokens,
      serviceAccount: { publicKeyPem: pki.serviceAccount.publicKey, issuer: serviceAccountIssuer },
    });
    const mode = opts.authorizationMode ?? 'Node,RBAC';
    serverOptions.rbac = mode !== 'AlwaysAllow';
    serverOptions.nodeAuthorization = mode === 'Node,RBAC';
    serverOptions.tokenIssuer = { privateKeyPem: pki.serviceAccount.privateKey, issuer: serviceAccountIssuer };
    serverOptions.nodeCertificateSigner = pki.ca;
    serverOptions.kubeletClientCertificate = pki.kubeletClient;
    kubeconfigFor = (server) => renderKubeconfig({ server, caPem: pki.ca.cert, clientCertPem: pki.admin.cert, clientKeyPem: pki.admin.key });
  }
  // SQLite in the data directory, or etcd with --etcd.
  const store = await openStorage(opts, dataDir);
  const server = new ApiServer({ store, ...serverOptions });
  let port: number;
  try {
    port = await server.listen(opts.port, opts.host);
  } catch (e) {
    await server.close();
    await store.close();
    throw e;
  }
  const stopGc = collectGarbageWhenIdle(() => server.activity());
  const displayHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `${opts.insecureHttp ? 'http' : 'https'}://${displayHost}:${port}`;
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(url), { mode: 0o600 });
  let components: ComponentsThread | undefined;
  if (!opts.apiServerOnly) {
    const socket = await listenLocal(server, dataDir);
    // Components reach the server on loopback whatever address it listens on: on the local socket with a
    // loopback token each, or over TLS on the TCP port with a client certificate each.
    const tcp = `${opts.insecureHttp ? 'http' : 'https'}://127.0.0.1:${port}`;
    // Wharf's own components act with full rights, each under its own name for the audit log.
    const connectionFor = async (user: string, ownGroups: string[]): Promise<Connection> => {
      const groups = [...ownGroups, 'system:masters'];
      return socket ? localConnection(socket, loopbackTokens, { username: user, groups }, clusterCa) : tcpConnectionFor(tcp, user, groups);
    };
    // In their own thread, so the API server and its clients each have a core.
    components = await startComponentsThread(
      {
        connections: {
          scheduler: await connectionFor('system:kube-scheduler', []),
          controllerManager: await connectionFor('system:kube-controller-manager', []),
          // One identity acts for every simulated node; its fleet group exempts it from the Node
          // authorizer and NodeRestriction, which confine each real node to itself.
          nodes: await connectionFor('system:node:wharf-nodes', ['system:nodes', SIMULATED_FLEET_GROUP]),
        },
        nodes: choice.simulated,
        containerNodes: await Promise.all(
          planContainerNodes(dataDir, choice.real).map(async (plan) => ({
            ...plan,
            // Each real node acts as itself, so the Node authorizer and NodeRestriction see a node.
            connection: await connectionFor(`system:node:${plan.name}`, ['system:nodes']),
            insecureRegistries: opts.insecureRegistry,
          })),
        ),
        zones: opts.zones,
        nodeCpu: opts.nodeCpu,
        nodeMemory: opts.nodeMemory,
        nodePods: opts.nodePods,
        nodeLabels: opts.nodeLabels,
        nodeTaints: opts.nodeTaints,
        nodeStartupDelayMs: opts.nodeStartupDelayMs,
        controllers: opts.controllers,
        // The local-path provisioner keeps volumes under the data directory.
        controllerSettings: withControllerWorkers({ 'local-path-provisioner': { dataDir } }, opts.controllerWorkers),
      },
      onComponentsFailure,
    );
  }
  return {
    port,
    url,
    kubeconfig,
    notices: choice.notices,
    stop: async () => {
      stopGc();
      await components?.stop();
      await server.close();
      await store.close();
    },
  };
}

/** The local socket's name in the data directory. */
const LOCAL_SOCKET_NAME = 'apiserver.sock';
/** Longest path a Unix socket may have on Linux (sun_path is 108 bytes, one of them the terminator). */
const maxSocketPathBytes = 107;

/**
 * Opens the server's local socket in the data directory, for the components `wharf up` runs itself;
 * undefined (they use TCP and TLS instead) when the path is too long for a socket or it cannot be made.
 */
async function listenLocal(server: ApiServer, dataDir: string): Promise<string | undefined> {
  const socketPath = path.join(dataDir, LOCAL_SOCKET_NAME);
  if (Buffer.byteLength(socketPath) > maxSocketPathBytes) return undefined;
  try {
    await server.listenLocal(socketPath);
    return socketPath;
  } catch (e) {
    console.error(`wharf up: components use TCP: no local socket at ${socketPath}: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * A component's connection through the local socket: a fresh random token that stands for `user`, known
 * only to this process (the server and the components thread it hands the token to). `ca` is passed on for
 * components that give it to others (the ServiceAccount controller's `ca.crt`, real nodes).
 */
function localConnection(socketPath: string, tokens: Map<string, UserInfo>, user: UserInfo, ca: string | undefined): Connection {
  const token = randomBytes(32).toString('base64url');
  tokens.set(token, user);
  return { baseUrl: 'http://localhost', socketPath, token, ...(ca ? { ca } : {}) };
}
