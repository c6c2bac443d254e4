import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createAuditor } from '../apiserver/audit/index.js';
import { createAuthenticator } from '../apiserver/authn/index.js';
import { ensurePki, issueClientCertificate } from '../apiserver/pki/index.js';
import type { Connection, FleetOptions } from './components.js';
import { startComponentsThread, type ComponentsThread } from './components-thread.js';
import { ApiServer, type ApiServerOptions } from '../apiserver/server.js';
import { SIMULATED_FLEET_GROUP } from '../apiserver/node-authz/index.js';
import { openStorage, type StorageOptions } from './storage-options.js';
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
}

export const authorizationModes = ['Node,RBAC', 'RBAC', 'AlwaysAllow'] as const;
export type AuthorizationMode = (typeof authorizationModes)[number];

export interface RunningCluster {
  port: number;
  url: string;
  kubeconfig: string;
  stop: () => Promise<void>;
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
  const serverOptions: Omit<ApiServerOptions, 'store'> = { auditor };
  let kubeconfigFor: (url: string) => string;
  let connectionFor: (url: string, user: string, groups: string[]) => Promise<Connection>;
  if (opts.insecureHttp) {
    kubeconfigFor = (server) => renderKubeconfig({ server });
    connectionFor = async (url) => ({ baseUrl: url });
  } else {
    const pki = await ensurePki(dataDir, [hostname(), opts.host, '10.96.0.1']);
    // Wharf's own components act with full rights, each under its own name for the audit log.
    connectionFor = async (url, user, groups) => {
      const { cert, key } = await issueClientCertificate(pki, user, [...groups, 'system:masters']);
      return { baseUrl: url, ca: pki.ca.cert, cert, key };
    };
    serverOptions.tls = { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert };
    serverOptions.authenticator = createAuthenticator({
      clientCaPem: pki.ca.cert,
      tokenFile: opts.tokenAuthFile,
      serviceAccount: { publicKeyPem: pki.serviceAccount.publicKey, issuer: serviceAccountIssuer },
    });
    const mode = opts.authorizationMode ?? 'Node,RBAC';
    serverOptions.rbac = mode !== 'AlwaysAllow';
    serverOptions.nodeAuthorization = mode === 'Node,RBAC';
    serverOptions.tokenIssuer = { privateKeyPem: pki.serviceAccount.privateKey, issuer: serviceAccountIssuer };
    serverOptions.nodeCertificateSigner = pki.ca;
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
  const stopGc = collectGarbageWhenIdle(() => server.requestCount);
  const displayHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `${opts.insecureHttp ? 'http' : 'https'}://${displayHost}:${port}`;
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(url), { mode: 0o600 });
  let components: ComponentsThread | undefined;
  if (!opts.apiServerOnly) {
    // Components reach the server on loopback whatever address it listens on.
    const local = `${opts.insecureHttp ? 'http' : 'https'}://127.0.0.1:${port}`;
    // In their own thread, so the API server and its clients each have a core.
    components = await startComponentsThread(
      {
        connections: {
          scheduler: await connectionFor(local, 'system:kube-scheduler', []),
          controllerManager: await connectionFor(local, 'system:kube-controller-manager', []),
          // One identity acts for every simulated node; its fleet group exempts it from the Node
          // authorizer and NodeRestriction, which confine each real node to itself.
          nodes: await connectionFor(local, 'system:node:wharf-nodes', ['system:nodes', SIMULATED_FLEET_GROUP]),
        },
        nodes: opts.nodes,
        zones: opts.zones,
        nodeCpu: opts.nodeCpu,
        nodeMemory: opts.nodeMemory,
        nodePods: opts.nodePods,
        nodeLabels: opts.nodeLabels,
        nodeTaints: opts.nodeTaints,
        controllers: opts.controllers,
        // The local-path provisioner keeps volumes under the data directory.
        controllerSettings: { 'local-path-provisioner': { dataDir } },
      },
      onComponentsFailure,
    );
  }
  return {
    port,
    url,
    kubeconfig,
    stop: async () => {
      stopGc();
      await components?.stop();
      await server.close();
      await store.close();
    },
  };
}
