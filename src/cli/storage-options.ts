import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SqliteStore, StorageUnavailableError, type Store } from '../storage/index.js';

/** Where the API server keeps its state: SQLite in the data directory, or etcd when `etcd` names servers. */
export interface StorageOptions {
  /** etcd client URLs; absent: SQLite. */
  etcd?: string[];
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  /** Put before every key, so several clusters can share one etcd. */
  etcdPrefix?: string;
}

function endpointList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^[a-z]+:\/\//.test(s) ? s : `http://${s}`));
}

/** Adds `--etcd` and its TLS and prefix options to a command. */
export function addStorageOptions(command: Command): Command {
  return command
    .option('--etcd <urls>', 'keep state in etcd at these client URLs (http://HOST:PORT[,...]; https for TLS) instead of SQLite', endpointList)
    .option('--etcd-cafile <file>', "CA certificate that signed the etcd servers' certificates")
    .option('--etcd-certfile <file>', 'client certificate for etcd (with --etcd-keyfile)')
    .option('--etcd-keyfile <file>', 'client key for etcd')
    .option('--etcd-prefix <prefix>', 'prefix for every etcd key (e.g. /cluster-a), so clusters can share one etcd');
}

/**
 * Opens the store the options ask for. etcd that does not answer yet (started at the same time, or still
 * electing a leader) is tried again for `waitMs`; then startup fails saying why.
 */
export async function openStorage(opts: StorageOptions, dataDir: string, waitMs = 30_000): Promise<Store> {
  if (!opts.etcd || opts.etcd.length === 0) return new SqliteStore(path.join(dataDir, 'state.db'));
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
  if ((opts.etcdCertfile === undefined) !== (opts.etcdKeyfile === undefined)) {
    throw new Error('--etcd-certfile and --etcd-keyfile go together');
  }
  const storeOptions = {
    endpoints: opts.etcd,
    ca: read(opts.etcdCafile),
    cert: read(opts.etcdCertfile),
    key: read(opts.etcdKeyfile),
    keyPrefix: opts.etcdPrefix,
  };
  // Loaded only here: the etcd client library costs a tenth of a second at every start of a SQLite server.
  const { EtcdStore } = await import('../storage/etcd/index.js');
  const deadline = Date.now() + waitMs;
  for (let said = false; ; said = true) {
    try {
      return await EtcdStore.open(storeOptions);
    } catch (e) {
      if (!(e instanceof StorageUnavailableError) || Date.now() >= deadline) throw e;
      if (!said) console.error(`wharf: waiting for etcd: ${e.message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
