import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiServer } from '../apiserver/server.js';
import { SqliteStore } from '../storage/index.js';
import { collectGarbageWhenIdle } from './idle-gc.js';
import { renderKubeconfig } from './kubeconfig.js';

export interface UpOptions {
  dataDir: string;
  port: number;
  host: string;
}

/** `wharf up`: the all-in-one cluster on one data directory. Resolves with a function that stops it. */
export async function up(opts: UpOptions): Promise<{ port: number; kubeconfig: string; stop: () => Promise<void> }> {
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = new SqliteStore(path.join(dataDir, 'state.db'));
  const server = new ApiServer({ store });
  let port: number;
  try {
    port = await server.listen(opts.port, opts.host);
  } catch (e) {
    await store.close();
    throw e;
  }
  const stopGc = collectGarbageWhenIdle(() => server.requestCount);
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: `http://${opts.host}:${port}` }), { mode: 0o600 });
  return {
    port,
    kubeconfig,
    stop: async () => {
      stopGc();
      await server.close();
      await store.close();
    },
  };
}
