import { InvalidArgumentError, Option, type Command } from 'commander';
import { controllers } from '../controllers/index.js';

/** A commander argument parser for counts that must be at least 1 (worker counts). */
export function positiveCount(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** One kube-controller-manager flag that sets a controller's work-queue workers. */
export interface ConcurrentSyncsFlag {
  /** The flag as kube-controller-manager spells it, without dashes in front. */
  flag: string;
  /** Other spellings accepted but not shown in help. */
  aliases?: string[];
  /** The controller whose `settings.workers` it sets (a name in src/controllers/index.ts). */
  controller: string;
  /** What the workers do at once, for the help text. */
  what: string;
  /** kube-controller-manager's default, where it differs from Wharf's. */
  kubeDefault?: number;
}

/**
 * The `--concurrent-*-syncs` flags of kube-controller-manager that Wharf has a controller for. Wharf keeps its
 * own defaults; where kube-controller-manager's differ the help says so.
 */
export const concurrentSyncsFlags: readonly ConcurrentSyncsFlag[] = [
  { flag: 'concurrent-deployment-syncs', controller: 'deployment', what: 'Deployments synced at once' },
  { flag: 'concurrent-replicaset-syncs', controller: 'replicaset', what: 'ReplicaSets synced at once' },
  // kube-controller-manager registers this one with underscores and also takes it with dashes.
  { flag: 'concurrent_rc_syncs', aliases: ['concurrent-rc-syncs'], controller: 'replication-controller', what: 'ReplicationControllers synced at once' },
  { flag: 'concurrent-statefulset-syncs', controller: 'statefulset', what: 'StatefulSets synced at once', kubeDefault: 5 },
  { flag: 'concurrent-daemonset-syncs', controller: 'daemonset', what: 'DaemonSets synced at once', kubeDefault: 2 },
  { flag: 'concurrent-job-syncs', controller: 'job', what: 'Jobs synced at once', kubeDefault: 5 },
  { flag: 'concurrent-endpoint-syncs', controller: 'endpoints', what: "Services whose Endpoints are synced at once" },
  { flag: 'concurrent-service-endpoint-syncs', controller: 'endpointslice', what: "Services whose EndpointSlices are synced at once" },
  { flag: 'concurrent-gc-syncs', controller: 'garbage-collector', what: 'objects the garbage collector handles at once' },
  { flag: 'concurrent-namespace-syncs', controller: 'namespace', what: 'deleted Namespaces emptied at once' },
];

/** The workers a controller runs when no flag says otherwise, from its own entry. */
export function defaultWorkersOf(controller: string): number {
  const entry = controllers.find((c) => c.name === controller);
  if (entry?.defaultWorkers === undefined) throw new RangeError(`controller "${controller}" has no default worker count`);
  return entry.defaultWorkers;
}

function concurrentSyncsOption(flag: string, description: string): Option {
  return new Option(`--${flag} <n>`, description).argParser(positiveCount);
}

/** Adds the `--concurrent-*-syncs` flags to a command (`wharf up`, `wharf controller-manager`); read them with `controllerWorkers`. */
export function addConcurrentSyncsOptions(command: Command): Command {
  for (const f of concurrentSyncsFlags) {
    const kube = f.kubeDefault === undefined ? '' : `; kube-controller-manager's is ${f.kubeDefault}`;
    command.addOption(concurrentSyncsOption(f.flag, `${f.what}: the controller's workers (default ${defaultWorkersOf(f.controller)}${kube})`));
    for (const alias of f.aliases ?? []) command.addOption(concurrentSyncsOption(alias, `same as --${f.flag}`).hideHelp());
  }
  return command;
}

/** The workers by controller name that the parsed `--concurrent-*-syncs` flags ask for; the shown spelling wins over an alias. */
export function controllerWorkers(opts: object): Record<string, number> {
  const workers: Record<string, number> = {};
  for (const f of concurrentSyncsFlags) {
    for (const flag of [f.flag, ...(f.aliases ?? [])]) {
      const value = (opts as Record<string, unknown>)[new Option(`--${flag} <n>`).attributeName()];
      if (typeof value === 'number') {
        workers[f.controller] = value;
        break;
      }
    }
  }
  return workers;
}

/** Controller settings with `workers` set for each controller named in `workers`, beside what each already has. */
export function withControllerWorkers(settings: Readonly<Record<string, unknown>>, workers: Readonly<Record<string, number>> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...settings };
  for (const [controller, n] of Object.entries(workers)) merged[controller] = { ...(settings[controller] as object | undefined), workers: n };
  return merged;
}
