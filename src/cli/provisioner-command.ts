import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ResourceRegistry } from '../api/index.js';
import { ApiClient, EventRecorder, resourceFor, SharedInformerFactory } from '../client/index.js';
import { DriverProvisioner, ProvisionController } from '../provisioner/index.js';

export interface ProvisionerCommandOptions {
  name: string;
  driver: string;
  kubeconfig?: string;
  timeout: number;
  workers: number;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
}

/**
 * `wharf provisioner`: runs an out-of-tree provisioner program against a cluster, from this machine or
 * another: claims naming `--name` are provisioned by `DRIVER provision <json>`, Released volumes with
 * reclaim policy Delete removed by `DRIVER delete <json>`, grown claims resized by `DRIVER expand <json>`.
 */
export async function runProvisionerCommand(opts: ProvisionerCommandOptions, signal: AbortSignal): Promise<void> {
  const driver = path.resolve(opts.driver);
  try {
    accessSync(driver, constants.X_OK);
  } catch {
    throw new Error(`driver ${driver} is not an executable file`);
  }
  const kubeconfig = opts.kubeconfig ?? process.env.KUBECONFIG ?? './.wharf/kubeconfig';
  const client = ApiClient.fromKubeconfig(kubeconfig, { component: 'provisioner' });
  const registry = new ResourceRegistry();
  const informers = new SharedInformerFactory(client);
  const controller = new ProvisionController({
    client,
    informers,
    resources: {
      claims: resourceFor(registry, '', 'v1', 'persistentvolumeclaims'),
      volumes: resourceFor(registry, '', 'v1', 'persistentvolumes'),
      classes: resourceFor(registry, 'storage.k8s.io', 'v1', 'storageclasses'),
      nodes: resourceFor(registry, '', 'v1', 'nodes'),
    },
    provisioner: new DriverProvisioner({ name: opts.name, driver, timeoutMs: opts.timeout * 1000 }),
    recorder: new EventRecorder(client, { component: opts.name }),
    workers: opts.workers,
  });
  console.log(`Provisioner ${opts.name} running ${driver}`);
  informers.start(signal);
  await controller.start(signal);
  client.close();
}

/** Adds `wharf provisioner` to the program. */
export function registerProvisionerCommand(program: Command): void {
  program
    .command('provisioner')
    .description('run an out-of-tree volume provisioner program (DRIVER provision|delete|expand <json>) for a provisioner name')
    .requiredOption('--name <name>', 'the provisioner name StorageClasses give (example.com/foo)')
    .requiredOption('--driver <path>', 'the executable that makes and removes volumes')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG or ./.wharf/kubeconfig)')
    .option('--timeout <seconds>', 'kill a driver call after this long', seconds, 60)
    .option('--workers <n>', 'claims handled at once', positive, 4)
    .action(async (opts: ProvisionerCommandOptions) => {
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      await runProvisionerCommand(opts, ac.signal);
    });
}
