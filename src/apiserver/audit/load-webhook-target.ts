import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** Where and how a webhook backend posts: what a kubeconfig's current context names. */
export interface WebhookTarget {
  url: URL;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify: boolean;
}

type Entry = Record<string, unknown>;

/**
 * Reads an `--audit-webhook-config-file`: a kubeconfig whose cluster `server` is the webhook's URL and whose user
 * holds the client credentials. The current context picks them; without one, the first cluster and user do.
 * Relative file paths are relative to the kubeconfig, as kubectl resolves them.
 */
export function loadWebhookTarget(path: string): WebhookTarget {
  const fail = (why: string): never => {
    throw new Error(`invalid audit webhook config file "${path}": ${why}`);
  };
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return fail((e as Error).message.split('\n')[0]);
  }
  if (typeof doc !== 'object' || doc === null) return fail('not a kubeconfig');
  const config = doc as Record<string, unknown>;
  const list = (key: string): Entry[] => (Array.isArray(config[key]) ? (config[key] as Entry[]) : []);
  const byName = (key: string, name: unknown): Entry | undefined => list(key).find((e) => e.name === name);

  let clusterEntry: Entry | undefined;
  let userEntry: Entry | undefined;
  const current = config['current-context'];
  if (typeof current === 'string' && current !== '') {
    const context = byName('contexts', current)?.context as Record<string, unknown> | undefined;
    if (!context) return fail(`context "${current}" not found`);
    clusterEntry = byName('clusters', context.cluster);
    if (!clusterEntry) return fail(`cluster "${String(context.cluster)}" of context "${current}" not found`);
    if (context.user !== undefined && context.user !== '') userEntry = byName('users', context.user);
  } else {
    clusterEntry = list('clusters')[0];
    userEntry = list('users')[0];
  }
  const cluster = (clusterEntry?.cluster ?? {}) as Record<string, unknown>;
  const user = (userEntry?.user ?? {}) as Record<string, unknown>;
  if (typeof cluster.server !== 'string' || cluster.server === '') return fail('no cluster with a server URL');
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    return fail(`server "${cluster.server}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`server "${cluster.server}" must be http or https`);

  const base = dirname(path);
  const material = (entry: Record<string, unknown>, dataKey: string, fileKey: string): Buffer | undefined => {
    const data = entry[dataKey];
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
    const file = entry[fileKey];
    if (typeof file === 'string' && file !== '') {
      const full = isAbsolute(file) ? file : resolve(base, file);
      try {
        return readFileSync(full);
      } catch (e) {
        return fail(`${fileKey} "${full}": ${(e as Error).message}`);
      }
    }
    return undefined;
  };
  const target: WebhookTarget = { url, insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true };
  const ca = material(cluster, 'certificate-authority-data', 'certificate-authority');
  const cert = material(user, 'client-certificate-data', 'client-certificate');
  const key = material(user, 'client-key-data', 'client-key');
  if (ca) target.ca = ca;
  if (cert) target.cert = cert;
  if (key) target.key = key;
  if (typeof user.token === 'string' && user.token !== '') target.token = user.token;
  else {
    const tokenFile = material(user, '', 'tokenFile');
    if (tokenFile) target.token = tokenFile.toString('utf8').trim();
  }
  return target;
}
