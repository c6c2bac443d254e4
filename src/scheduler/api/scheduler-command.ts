import { readFileSync } from 'node:fs';
import { ApiClient, type Logger } from '../../client/index.js';
import { parseSchedulerConfig } from '../config/parse-config.js';
import { startScheduler } from './start-scheduler.js';

export interface SchedulerCommandOptions {
  /** The kubeconfig whose current context names the API server and credentials. */
  kubeconfig: string;
  /** A KubeSchedulerConfiguration file (YAML or JSON). */
  config?: string;
  /** Schedule only while holding the kube-system/kube-scheduler Lease. */
  leaderElect: boolean;
  /** Stops the scheduler; SIGINT and SIGTERM do too. */
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * `wharf scheduler --kubeconfig F [--config C] [--leader-elect]`: runs the scheduler against a cluster
 * until SIGINT/SIGTERM (or the signal); resolves when it has stopped. Configuration errors reject before
 * anything connects.
 */
export async function runSchedulerCommand(opts: SchedulerCommandOptions): Promise<void> {
  const log: Logger = opts.logger ?? ((message, error) => console.error(`wharf scheduler: ${message}${error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`}`));
  // A bad file fails here, with ConfigError's list of problems, before anything connects.
  const config = opts.config === undefined ? undefined : parseSchedulerConfig(readFileSync(opts.config, 'utf8'));
  const client = ApiClient.fromKubeconfig(opts.kubeconfig, { component: 'scheduler' });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  opts.signal?.addEventListener('abort', onSignal, { once: true });
  try {
    const handle = await startScheduler({ client, config, signal: abort.signal, leaderElection: opts.leaderElect, logger: log });
    void handle.leading.then(() => log(`scheduling with profiles ${[...handle.scheduler.profiles.keys()].join(', ')}`));
    await handle.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    opts.signal?.removeEventListener('abort', onSignal);
    client.close();
  }
}
