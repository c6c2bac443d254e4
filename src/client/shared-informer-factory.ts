import type { KubeObject } from '../api/index.js';
import type { ApiClient } from './api-client.js';
import { compactForCache, Informer, listerWatcherFor, type InformerOptions, type Selection } from './informer.js';
import { resourceId, type ResourceDescriptor } from './resource-descriptor.js';

export interface SharedInformerFactoryOptions extends Omit<InformerOptions, 'name'> {
  /** Limit every informer to one namespace unless it asks otherwise. */
  namespace?: string;
  /** Keep cached objects as the server sent them; by default managedFields are dropped and strings shared (`compactForCache`). */
  keepManagedFields?: boolean;
}

/**
 * Hands out one informer per resource and selection, so every controller in a process shares one
 * LIST and one watch per resource. Informers asked for after `start()` start at once.
 *
 * @example
 * const factory = new SharedInformerFactory(client);
 * const pods = factory.informerFor(resourceFor(registry, '', 'v1', 'pods'));
 * factory.start(signal);
 * await factory.waitForSync(signal);
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;
  private signal: AbortSignal | undefined;

  constructor(
    readonly client: ApiClient,
    private readonly opts: SharedInformerFactoryOptions = {},
  ) {}

  informerFor<T extends KubeObject = KubeObject>(resource: ResourceDescriptor, selection: Selection = {}): Informer<T> {
    const sel: Selection = { namespace: this.opts.namespace, ...selection };
    const key = `${resourceId(resource)}?ns=${sel.namespace ?? ''}&l=${sel.labelSelector ?? ''}&f=${sel.fieldSelector ?? ''}`;
    let informer = this.informers.get(key);
    if (!informer) {
      const { namespace: _ns, keepManagedFields, ...informerOpts } = this.opts;
      informer = new Informer<KubeObject>(listerWatcherFor(this.client, resource, sel), {
        transform: keepManagedFields ? undefined : compactForCache,
        ...informerOpts,
        name: resource.group ? `${resource.plural}.${resource.group}` : resource.plural,
      });
      this.informers.set(key, informer);
      if (this.started) informer.start(this.signal);
    }
    // One informer serves every caller; T only narrows how callers see its objects.
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer made so far, and any made later. */
  start(signal?: AbortSignal): void {
    this.started = true;
    this.signal = signal;
    for (const informer of this.informers.values()) informer.start(signal);
  }

  /** Resolves true once every informer made so far has synced; false if the signal aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
