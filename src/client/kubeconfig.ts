import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** Where and how to reach an API server; what `ApiClient` is built from. */
export interface ConnectionConfig {
  /** `https://host:6443` or `http://127.0.0.1:8080`; a path prefix is kept. */
  baseUrl: string;
  /** PEM certificate authority bundle that signed the server's certificate. */
  ca?: string | Buffer;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Bearer token sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Skip verifying the server's certificate (kubeconfig's insecure-skip-tls-verify). */
  insecureSkipTlsVerify?: boolean;
  /**
   * A Unix socket to send plain HTTP through instead of connecting to `baseUrl`'s host (whose scheme
   * must then be `http:`): the local listener `wharf up` gives the components it runs itself.
   */
  socketPath?: string;
}

type Entry = Record<string, unknown>;

function record(v: unknown): Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Entry) : {};
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Finds `{ name, <field>: {...} }` in a kubeconfig list (clusters, users, contexts). */
function named(list: unknown, name: string, field: string): Entry | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const item of list) {
    const e = record(item);
    if (e.name === name) return record(e[field]);
  }
  return undefined;
}

/** Inline `<x>-data` (base64) wins over the file path `<x>`, which is relative to the kubeconfig. */
function material(e: Entry, fieldName: string, dir: string): Buffer | undefined {
  const data = text(e[`${fieldName}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = text(e[fieldName]);
  if (file) return readFileSync(path.resolve(dir, file));
  return undefined;
}

/**
 * Reads a kubeconfig document: the current (or named) context's cluster and user. `dir` resolves
 * relative file references as kubectl does, against the kubeconfig's own directory.
 */
export function parseKubeconfig(source: string, dir: string, context?: string): ConnectionConfig {
  const doc = record(parse(source));
  const ctxName = context ?? text(doc['current-context']);
  if (!ctxName) throw new TypeError('kubeconfig has no current-context and none was given');
  const ctx = named(doc.contexts, ctxName, 'context');
  if (!ctx) throw new TypeError(`kubeconfig has no context "${ctxName}"`);
  const clusterName = text(ctx.cluster) ?? '';
  const cluster = named(doc.clusters, clusterName, 'cluster');
  if (!cluster) throw new TypeError(`kubeconfig has no cluster "${clusterName}"`);
  const server = text(cluster.server);
  if (!server) throw new TypeError(`kubeconfig cluster "${clusterName}" has no server`);
  const user = named(doc.users, text(ctx.user) ?? '', 'user') ?? {};

  const config: ConnectionConfig = { baseUrl: server };
  const ca = material(cluster, 'certificate-authority', dir);
  if (ca) config.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTlsVerify = true;
  const cert = material(user, 'client-certificate', dir);
  const key = material(user, 'client-key', dir);
  if (cert) config.cert = cert;
  if (key) config.key = key;
  const token = text(user.token) ?? (text(user.tokenFile) ? readFileSync(path.resolve(dir, text(user.tokenFile)!), 'utf8').trim() : undefined);
  if (token) config.token = token;
  return config;
}

/** Reads and parses a kubeconfig file. */
export function loadKubeconfig(file: string, context?: string): ConnectionConfig {
  return parseKubeconfig(readFileSync(file, 'utf8'), path.dirname(path.resolve(file)), context);
}
