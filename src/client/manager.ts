import { setMaxListeners } from 'node:events';
import { ResourceRegistry } from '../api/index.js';
import type { ApiClient } from './api-client.js';
import { EventRecorder } from './event-recorder.js';
import { defaultLogger, type Logger } from './informer.js';
import { LeaderElector } from './leader-election.js';
import { resourceFor, type ResourceDescriptor } from './resource-descriptor.js';
import { SharedInformerFactory } from './shared-informer-factory.js';

/**
 * Request connections for a controller manager's client: its dozens of controllers share one client,
 * and 64 let the volume binder and provisioners keep their workers busy (32 left claims waiting on
 * connections) without the hundreds of handshakes an uncapped client opens in a burst.
 */
export const controllerManagerConnections = 64;

/** Something the manager starts once it leads and stops on shutdown: a controller, a periodic task. */
export interface Runnable {
  name: string;
  start(signal: AbortSignal): Promise<unknown> | void;
}

/**
 * What a controller's `setup(manager)` is given: one API client and one shared informer factory for the
 * whole process, event recorders, resource descriptors, and a place to register what it runs.
 */
export interface Manager {
  readonly client: ApiClient;
  readonly informers: SharedInformerFactory;
  readonly logger: Logger;
  /** Settings by controller name (durations shortened in tests, feature switches). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The descriptor of a served resource; throws RangeError for an unknown one. */
  resource(group: string, version: string, plural: string): ResourceDescriptor;
  recorder(component: string): EventRecorder;
  add(runnable: Runnable): void;
}

export interface ControllerManagerOptions {
  client: ApiClient;
  registry?: ResourceRegistry;
  logger?: Logger;
  settings?: Record<string, unknown>;
  /** Run only while holding this Lease, so several managers can run and one acts. */
  leaderElection?: { namespace: string; name: string; identity: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
}

/**
 * Runs a set of controllers in one process, as kube-controller-manager does: shared informers, one
 * client, optional leader election; controllers start when it leads and stop when it stops leading.
 */
export class ControllerManager implements Manager {
  readonly client: ApiClient;
  readonly informers: SharedInformerFactory;
  readonly logger: Logger;
  readonly settings: Readonly<Record<string, unknown>>;
  private readonly registry: ResourceRegistry;
  private readonly runnables: Runnable[] = [];
  private readonly recorders = new Map<string, EventRecorder>();

  constructor(private readonly opts: ControllerManagerOptions) {
    this.client = opts.client;
    this.registry = opts.registry ?? new ResourceRegistry();
    this.logger = opts.logger ?? defaultLogger;
    this.settings = opts.settings ?? {};
    this.informers = new SharedInformerFactory(opts.client, { logger: this.logger });
  }

  resource(group: string, version: string, plural: string): ResourceDescriptor {
    return resourceFor(this.registry, group, version, plural);
  }

  recorder(component: string): EventRecorder {
    let r = this.recorders.get(component);
    if (!r) {
      r = new EventRecorder(this.client, { component, logger: this.logger });
      this.recorders.set(component, r);
    }
    return r;
  }

  add(runnable: Runnable): void {
    this.runnables.push(runnable);
  }

  /** Runs until `signal` aborts: everything added so far, under leader election when configured. */
  async start(signal: AbortSignal): Promise<void> {
    const le = this.opts.leaderElection;
    if (!le) {
      await this.runAll(signal);
      return;
    }
    while (!signal.aborted) {
      const elector = new LeaderElector(this.client, { ...le, logger: this.logger, onStartedLeading: (leading) => void this.runAll(leading) });
      await elector.run(signal);
    }
  }

  private async runAll(signal: AbortSignal): Promise<void> {
    // Every informer and worker of every controller listens for this one signal.
    setMaxListeners(0, signal);
    this.informers.start(signal);
    await Promise.all(
      this.runnables.map(async (r) => {
        try {
          await r.start(signal);
        } catch (e) {
          this.logger(`${r.name} stopped with an error`, e);
        }
      }),
    );
  }

  async flushEvents(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((r) => r.flush()));
  }
}
