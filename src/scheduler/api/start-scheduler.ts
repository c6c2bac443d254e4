import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { defaultLogger, deletedObject, EventRecorder, LeaderElector, objectKey, SharedInformerFactory, type ApiClient, type Logger } from '../../client/index.js';
import { parseSchedulerConfig } from '../config/parse-config.js';
import type { KubeSchedulerConfiguration, ResolvedConfiguration } from '../config/types.js';
import type { PluginFactory } from '../framework/interfaces.js';
import { Scheduler } from '../scheduler.js';
import { ClusterWriter } from './cluster-writer.js';
import { EventSink } from './event-sink.js';
import { feedScheduler, type SchedulerInformers } from './informer-feed.js';

/** Where the scheduler's leader election lease lives, as kube-scheduler's. */
export const SCHEDULER_LEASE = { namespace: 'kube-system', name: 'kube-scheduler' } as const;

export interface LeaderElectionSettings {
  namespace?: string;
  name?: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface StartSchedulerOptions {
  client: ApiClient;
  /** A KubeSchedulerConfiguration object (or one already resolved), or the text of one (YAML or JSON). */
  config?: KubeSchedulerConfiguration | ResolvedConfiguration | string;
  /** Stops the scheduler when it aborts. */
  signal?: AbortSignal;
  /** Schedule only while holding the kube-system/kube-scheduler Lease (true), or a Lease of your own. */
  leaderElection?: boolean | LeaderElectionSettings;
  logger?: Logger;
  /** Out-of-tree plugins by name. */
  plugins?: Readonly<Record<string, PluginFactory>>;
  /** Bindings and status writes in flight at once; 256 by default. */
  maxInFlightWrites?: number;
  /**
   * Read the cluster through these informers (a controller manager's in the same process) instead of
   * opening the scheduler's own: one cache of every pod where there would be two. Their owner stops them.
   */
  informers?: SharedInformerFactory;
}

/** A running scheduler. */
export interface SchedulerHandle {
  readonly scheduler: Scheduler;
  readonly informers: SchedulerInformers;
  /** Resolves once this instance schedules (at once without leader election, else on winning the lease). */
  readonly leading: Promise<void>;
  /** Resolves once the scheduler has stopped: stop(), the signal, or a lost lease. */
  readonly done: Promise<void>;
  isLeader(): boolean;
  /** Events dropped because too many were waiting to be written (best effort, as upstream). */
  droppedEvents(): number;
  /** Resolves when the bindings, evictions, status writes and events started so far have finished. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function resolveConfig(config: StartSchedulerOptions['config']): KubeSchedulerConfiguration | ResolvedConfiguration | undefined {
  return typeof config === 'string' ? parseSchedulerConfig(config) : config;
}

/**
 * Starts a scheduler as an API client: informers fill its snapshot and queue, it binds through
 * `pods/<name>/binding` (asynchronously, so binding latency never limits throughput), evicts preemption
 * victims with DELETE, and reports failures as the PodScheduled condition, `status.nominatedNodeName`
 * and FailedScheduling events. Resolves once the informers have synced.
 *
 * @example
 * const handle = await startScheduler({ client: ApiClient.fromKubeconfig(file, { component: 'scheduler' }), signal });
 * await handle.done;
 */
export async function startScheduler(opts: StartSchedulerOptions): Promise<SchedulerHandle> {
  const log = opts.logger ?? defaultLogger;
  const config = resolveConfig(opts.config);
  const abort = new AbortController();
  // One listener per informer, the elector and the writer's requests: more than the default ten.
  setMaxListeners(100, abort.signal);
  const onOuterAbort = (): void => abort.abort();
  if (opts.signal?.aborted) abort.abort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const ownsInformers = !opts.informers;
  const factory = opts.informers ?? new SharedInformerFactory(opts.client, { logger: log });
  const recorders = new Map<string, EventRecorder>();
  const recorder = (component: string): EventRecorder => {
    let r = recorders.get(component);
    if (!r) recorders.set(component, (r = new EventRecorder(opts.client, { component, host: hostname(), logger: log })));
    return r;
  };
  // The writer reads current objects from the informers, which exist only after the scheduler does.
  let informers: SchedulerInformers | undefined;
  const events = new EventSink(recorder);
  const writer = new ClusterWriter({
    client: opts.client,
    events,
    logger: log,
    maxInFlight: opts.maxInFlightWrites,
    signal: abort.signal,
    currentPod: (ns, name) => informers?.pods.store.getByName(ns, name) as Pod | undefined,
    currentClaim: (ns, name) => informers?.objects.get('PersistentVolumeClaim')?.store.getByName(ns, name),
    currentVolume: (name) => informers?.objects.get('PersistentVolume')?.store.getByName(undefined, name),
  });
  const scheduler = new Scheduler({
    config,
    plugins: opts.plugins,
    bind: (pod, node) => writer.bind(pod, node),
    evict: (victim, preemptor) => writer.evict(victim, preemptor),
    bindVolumes: (pod, node, decision) => writer.bindVolumes(pod, node, decision),
    onScheduled: (pod, node, message) => writer.onScheduled(pod, node, message),
    onFailure: (pod, failure) => writer.onFailure(pod, failure),
  });
  for (const name of scheduler.profiles.keys()) recorder(name);
  informers = feedScheduler(factory, scheduler);
  // Bindings waiting for their claims to be bound wake on the claims' changes.
  const claimWakeups = informers.objects.get('PersistentVolumeClaim')?.addEventHandler({
    onUpdate: (_old, claim) => writer.claimChanged(objectKey(claim)),
    onDelete: (claim) => writer.claimChanged(objectKey(deletedObject(claim))),
  });

  let leader = false;
  let startLeading!: () => void;
  const leading = new Promise<void>((resolve) => (startLeading = resolve));
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      abort.abort();
      opts.signal?.removeEventListener('abort', onOuterAbort);
      scheduler.stop();
      leader = false;
      informers?.detach();
      claimWakeups?.remove();
      if (ownsInformers) await factory.stop();
      await scheduler.waitForBindings();
      await writer.flush();
      await Promise.all([...recorders.values()].map((r) => r.flush()));
      finish();
    })());
  abort.signal.addEventListener('abort', () => void stop(), { once: true });

  const used = [informers.pods, informers.nodes, ...informers.objects.values()];
  if (ownsInformers) factory.start(abort.signal);
  // Shared ones run for their owner: starting one already running does nothing, and starting one here
  // (its owner not yet leading) ties it to the outer signal, not to this scheduler's lifetime.
  else for (const informer of used) informer.start(opts.signal);
  await Promise.all(used.map((informer) => informer.waitForSync(abort.signal)));

  const run = (): void => {
    leader = true;
    startLeading();
    void scheduler.run().catch((e) => {
      log('the scheduling loop failed', e);
      void stop();
    });
  };
  if (!opts.leaderElection) {
    if (!abort.signal.aborted) run();
  } else {
    const le: LeaderElectionSettings = opts.leaderElection === true ? {} : opts.leaderElection;
    const elector = new LeaderElector(opts.client, {
      namespace: le.namespace ?? SCHEDULER_LEASE.namespace,
      name: le.name ?? SCHEDULER_LEASE.name,
      identity: le.identity ?? `${hostname()}_${randomUUID()}`,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      logger: log,
      onStartedLeading: () => run(),
      // A scheduler that lost its lease may hold stale assumptions; it stops, as kube-scheduler exits.
      onStoppedLeading: () => {
        if (!abort.signal.aborted) log('leader election lost; the scheduler stops');
        void stop();
      },
    });
    void elector.run(abort.signal).catch((e) => {
      log('leader election failed', e);
      void stop();
    });
  }

  return {
    scheduler,
    informers,
    leading,
    done,
    isLeader: () => leader,
    droppedEvents: () => events.dropped,
    async flush() {
      await scheduler.waitForBindings();
      await writer.flush();
      await Promise.all([...recorders.values()].map((r) => r.flush()));
    },
    stop,
  };
}
