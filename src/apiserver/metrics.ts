import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResourceDefinition } from '../api/index.js';
import type { ResourceStore } from './resource-store.js';

/**
 * The API server's Prometheus metrics, named as kube-apiserver names them where one exists, so the
 * usual dashboards work; Wharf's own carry a `wharf_` prefix.
 */
export class ApiServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'code'>;
  private readonly latency: Histogram<'verb' | 'group' | 'resource' | 'subresource'>;

  constructor(stores: () => Iterable<[ResourceDefinition, ResourceStore]>) {
    this.requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, group, version, resource and HTTP response code.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'code'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, group, resource and subresource.',
      labelNames: ['verb', 'group', 'resource', 'subresource'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 5, 10, 30, 60],
      registers: [this.registry],
    });
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind.',
      labelNames: ['resource'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [def, store] of stores()) this.set({ resource: qualified(def) }, store.cache.size());
      },
    });
    new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Number of currently registered watchers for a given resource.',
      labelNames: ['group', 'kind'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [def, store] of stores()) this.set({ group: def.group, kind: def.kind }, store.cache.watcherCount());
      },
    });
    new Gauge({
      name: 'wharf_storage_watches',
      help: 'Watches open on the storage backend: one per resource whose watch cache is running, however many clients watch it.',
      registers: [this.registry],
      collect() {
        let n = 0;
        for (const [, store] of stores()) if (store.cache.watching()) n++;
        this.set(n);
      },
    });
  }

  /** Records one finished request. */
  observe(r: { verb: string; group: string; version: string; resource: string; subresource: string; code: number; seconds: number }): void {
    this.requests.inc({ verb: r.verb, group: r.group, version: r.version, resource: r.resource, subresource: r.subresource, code: String(r.code) });
    // Watches last as long as the client keeps them; their duration says nothing about latency.
    if (r.verb !== 'WATCH') this.latency.observe({ verb: r.verb, group: r.group, resource: r.resource, subresource: r.subresource }, r.seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function qualified(def: ResourceDefinition): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}
