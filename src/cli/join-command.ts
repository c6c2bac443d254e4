/**
 * Adding a node from another machine, in two halves, as `kubeadm token create --print-join-command`
 * and `kubeadm join` do:
 * - `wharf join` (on the control plane, as an admin) creates a bootstrap token, publishes the CA in
 *   kube-public/cluster-info, and prints the `wharf node --server ... --token ... --ca-cert-hash ...`
 *   command to run on the new machine;
 * - that command (`joinNodeKubeconfig`) downloads the CA, checks it against the pinned hash, trades the
 *   token for the node's own client certificate (its key stays on the node), writes the node's
 *   kubeconfig and then runs the node as `wharf node --kubeconfig` would.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { isAlreadyExists, type KubeObject } from '../api/index.js';
import { bootstrapTokenSecret, formatBootstrapToken, generateBootstrapToken } from '../apiserver/authn/index.js';
import {
  caCertHash,
  caOfClusterInfo,
  CLUSTER_INFO,
  clusterInfoConfigMap,
  createNodeCertificateRequest,
  joinRbacObjects,
  matchesCaCertHash,
  NODE_CERTIFICATE_PATH,
  NODE_USER_PREFIX,
  type NodeCertificateResponseBody,
} from '../apiserver/node-certificates/index.js';
import { ApiClient, loadKubeconfig, type ResourceDescriptor } from '../client/index.js';
import { parseGoDuration } from '../node/index.js';
import { renderKubeconfig } from './kubeconfig.js';

const descriptors: Record<string, ResourceDescriptor> = {
  Secret: { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', namespaced: true, kind: 'Role' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', namespaced: true, kind: 'RoleBinding' },
  ClusterRole: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', namespaced: false, kind: 'ClusterRole' },
  ClusterRoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', namespaced: false, kind: 'ClusterRoleBinding' },
};

/** Creates the object, or replaces what is there with it. */
async function createOrReplace(client: ApiClient, obj: KubeObject): Promise<void> {
  const r = descriptors[obj.kind];
  try {
    await client.create(r, obj);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    const current = await client.get(r, obj.metadata.name!, { namespace: obj.metadata.namespace });
    await client.update(r, { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
  }
}

export interface JoinOptions {
  /** An admin's kubeconfig. */
  kubeconfig: string;
  /** How long the token works, a Go duration (`24h`); `0` for ever. */
  ttl?: string;
  /** The API server URL other machines use; the kubeconfig's by default. */
  server?: string;
  /** The new node's name, for the printed command. */
  name?: string;
  /** Extra groups for the token (`system:bootstrappers:<something>`). */
  groups?: string[];
  description?: string;
  now?: Date;
}

export interface JoinCommand {
  token: string;
  caCertHash: string;
  server: string;
  /** Null when the token never expires. */
  expires: Date | null;
  /** The `wharf node ...` arguments to run on the new machine. */
  args: string[];
}

/** Makes a bootstrap token (and what joining needs) and returns the command a new node runs. */
export async function createJoinCommand(opts: JoinOptions): Promise<JoinCommand> {
  const conn = loadKubeconfig(opts.kubeconfig);
  if (!conn.ca) throw new Error(`${opts.kubeconfig} names no certificate authority: joining needs a TLS cluster`);
  const caPem = conn.ca.toString();
  const server = (opts.server ?? conn.baseUrl).replace(/\/+$/, '');
  const ttlMs = parseGoDuration(opts.ttl ?? '24h');
  if (ttlMs === undefined || ttlMs < 0) throw new RangeError(`Invalid --ttl "${opts.ttl}": expected a duration such as 24h or 90m, or 0 for no expiry`);
  const expires = ttlMs === 0 ? null : new Date((opts.now ?? new Date()).getTime() + ttlMs);
  const token = generateBootstrapToken();
  const client = new ApiClient({ ...conn, component: 'join' });
  try {
    for (const obj of joinRbacObjects()) await createOrReplace(client, obj);
    await createOrReplace(client, clusterInfoConfigMap(server, caPem));
    await client.create(descriptors.Secret, bootstrapTokenSecret(token, {
      expires: expires ?? undefined,
      description: opts.description ?? `wharf join${opts.name ? ` for node ${opts.name}` : ''}`,
      extraGroups: opts.groups,
    }));
  } finally {
    client.close();
  }
  const hash = caCertHash(caPem);
  const text = formatBootstrapToken(token);
  return { token: text, caCertHash: hash, server, expires, args: ['node', '--server', server, '--token', text, '--ca-cert-hash', hash, '--name', opts.name ?? 'NODE_NAME'] };
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}

export interface NodeJoinOptions {
  server: string;
  /** `<id>.<secret>`. */
  token: string;
  /** `sha256:<hex>` of the cluster CA's public key. */
  caCertHash: string;
  name: string;
  /** Where the node's kubeconfig is written (and found on later starts). */
  kubeconfig: string;
  /** Progress lines; stderr by default. */
  log?: (line: string) => void;
}

/** A node certificate this close to its end is renewed when the node starts (as kubeadm renews within 30 days). */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** The node's stored credentials for this server, while its certificate is still valid; else undefined. */
function storedCredentials(file: string, name: string, server: string): { ca: string; cert: string; key: string; validTo: number } | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const conn = loadKubeconfig(file);
    if (!conn.cert || !conn.key || !conn.ca || conn.baseUrl.replace(/\/+$/, '') !== server) return undefined;
    const cert = new X509Certificate(conn.cert);
    const validTo = new Date(cert.validTo).getTime();
    if (!cert.subject.split('\n').includes(`CN=${NODE_USER_PREFIX}${name}`) || validTo <= Date.now()) return undefined;
    return { ca: conn.ca.toString(), cert: conn.cert.toString(), key: conn.key.toString(), validTo };
  } catch {
    return undefined;
  }
}

/** Sends a fresh key's certificate request, authenticated as `auth`; returns the new certificate and key. */
async function obtainCertificate(server: string, caPem: string, name: string, auth: { token?: string; cert?: string; key?: string }): Promise<{ cert: string; key: string }> {
  const { csr, key } = await createNodeCertificateRequest(name);
  const client = new ApiClient({ baseUrl: server, ca: caPem, ...auth, component: 'join', timeoutMs: 30_000 });
  try {
    const answer = await client.request<NodeCertificateResponseBody>('POST', NODE_CERTIFICATE_PATH, { request: Buffer.from(csr).toString('base64') });
    return { cert: Buffer.from(answer.certificate, 'base64').toString('utf8'), key };
  } finally {
    client.close();
  }
}

function writeNodeKubeconfig(file: string, server: string, caPem: string, name: string, pair: { cert: string; key: string }): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, renderKubeconfig({ server, caPem, clientCertPem: pair.cert, clientKeyPem: pair.key, user: `${NODE_USER_PREFIX}${name}` }), { mode: 0o600 });
}

/**
 * The joining node's half: returns the path of a kubeconfig holding the node's own client certificate.
 * A certificate an earlier join left there is reused (so a node restarts after its token expired); one
 * within 30 days of its end is renewed with itself, a new key and all; only without one is the bootstrap
 * token used.
 */
export async function joinNodeKubeconfig(opts: NodeJoinOptions): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const server = opts.server.replace(/\/+$/, '');
  const stored = storedCredentials(opts.kubeconfig, opts.name, server);
  if (stored && stored.validTo - Date.now() > RENEW_BEFORE_MS) {
    log(`using the node credentials in ${opts.kubeconfig}`);
    return opts.kubeconfig;
  }
  if (stored) {
    try {
      writeNodeKubeconfig(opts.kubeconfig, server, stored.ca, opts.name, await obtainCertificate(server, stored.ca, opts.name, { cert: stored.cert, key: stored.key }));
      log(`node ${opts.name} renewed its client certificate (the old one ended ${new Date(stored.validTo).toISOString()}); kubeconfig written to ${opts.kubeconfig}`);
      return opts.kubeconfig;
    } catch (e) {
      log(`renewing the node certificate failed (${(e as Error).message}); joining again with the bootstrap token`);
    }
  }
  // The CA comes over an unverified connection; the hash given out of band is what makes it trusted.
  const discovery = new ApiClient({ baseUrl: server, insecureSkipTlsVerify: true, component: 'join', timeoutMs: 30_000 });
  let caPem: string;
  try {
    const info = await discovery.get(descriptors.ConfigMap, CLUSTER_INFO.name, { namespace: CLUSTER_INFO.namespace });
    caPem = caOfClusterInfo(info);
  } catch (e) {
    throw new Error(`Cannot read ${CLUSTER_INFO.namespace}/${CLUSTER_INFO.name} from ${server} (was it made by wharf join?): ${(e as Error).message}`);
  } finally {
    discovery.close();
  }
  if (!matchesCaCertHash(caPem, opts.caCertHash)) {
    throw new Error(`The cluster CA served by ${server} does not match --ca-cert-hash ${opts.caCertHash} (it is ${caCertHash(caPem)}): refusing to trust it`);
  }
  writeNodeKubeconfig(opts.kubeconfig, server, caPem, opts.name, await obtainCertificate(server, caPem, opts.name, { token: opts.token }));
  log(`node ${opts.name} has its client certificate; kubeconfig written to ${opts.kubeconfig}`);
  return opts.kubeconfig;
}

/** Registers `wharf join` on the program. */
export function registerJoinCommand(program: Command): void {
  program
    .command('join')
    .description('create a bootstrap token and print the command that joins a node from another machine')
    .option('--kubeconfig <file>', 'an admin kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
    .option('--ttl <duration>', 'how long the token works (0: never expires)', '24h')
    .option('--server <url>', "the API server URL the new machine uses (default: the kubeconfig's)")
    .option('--name <node>', 'the new node name to put in the printed command')
    .option('--groups <groups>', 'extra groups for the token, comma-separated (system:bootstrappers:...)', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--description <text>', 'a note kept with the token')
    .action(async (opts: Omit<JoinOptions, 'kubeconfig'> & { kubeconfig?: string }) => {
      const kubeconfig = opts.kubeconfig ?? process.env.KUBECONFIG ?? './.wharf/kubeconfig';
      const join = await createJoinCommand({ ...opts, kubeconfig });
      if (isLoopback(join.server)) process.stderr.write(`note: ${join.server} is a loopback address; pass --server with an address the new machine can reach\n`);
      process.stderr.write(`bootstrap token ${join.token.split('.')[0]} ${join.expires ? `expires ${join.expires.toISOString()}` : 'never expires'}; run on the new machine:\n`);
      process.stdout.write(`wharf ${join.args.join(' ')}\n`);
    });
}

/** `wharf node`'s credentials flags: a kubeconfig, or a bootstrap token to obtain one with. */
export interface NodeCredentialFlags {
  kubeconfig?: string;
  name: string;
  server?: string;
  token?: string;
  caCertHash?: string;
}

/**
 * The kubeconfig `wharf node` runs with: the one given, or (with --token) the one joining writes, at
 * --kubeconfig or `./.wharf-node/<name>/kubeconfig`.
 */
export async function nodeKubeconfig(flags: NodeCredentialFlags): Promise<string> {
  if (flags.token === undefined) {
    if (!flags.kubeconfig) throw new Error('wharf node needs --kubeconfig, or --server, --token and --ca-cert-hash to join with a bootstrap token');
    return flags.kubeconfig;
  }
  if (!flags.server || !flags.caCertHash) throw new Error('joining with --token needs --server and --ca-cert-hash too (wharf join prints them)');
  const kubeconfig = flags.kubeconfig ?? path.join('.wharf-node', flags.name, 'kubeconfig');
  return joinNodeKubeconfig({ server: flags.server, token: flags.token, caCertHash: flags.caCertHash, name: flags.name, kubeconfig });
}
