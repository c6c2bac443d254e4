import type { ResourceStore } from '../resource-store.js';
import type { CachedEvent } from '../watch-cache.js';
import type { NodeGraph } from './node-graph.js';

/**
 * Keeps a NodeGraph up to date from the API server's own watch caches of pods and PersistentVolumes, as
 * upstream's graph populator does from informers: everything once at start, then every event.
 */
export class NodeGraphFeed {
  private readonly stops: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly graph: NodeGraph,
    private readonly pods: ResourceStore,
    private readonly volumes: ResourceStore | undefined,
  ) {}

  async start(): Promise<void> {
    await this.follow(this.pods, (ev) => {
      if (ev.type === 'DELETED') this.graph.deletePod(ev.object.namespace ?? '', ev.object.name);
      else this.graph.setPod(ev.object.obj);
    });
    if (this.volumes) {
      await this.follow(this.volumes, (ev) => {
        if (ev.type === 'DELETED') this.graph.deleteVolume(ev.object.name);
        else this.graph.setVolume(ev.object.obj);
      });
    }
  }

  private async follow(store: ResourceStore, apply: (ev: CachedEvent) => void): Promise<void> {
    await store.cache.sync();
    if (this.stopped) return;
    // Listing and subscribing with no await between them: no event falls in a gap.
    for (const c of store.cache.list(store.prefix)) apply({ type: 'ADDED', revision: c.revision, object: c });
    this.stops.push(
      store.cache.watch(
        {
          deliver: (events) => {
            for (const ev of events) apply(ev);
          },
          close: (err) => console.error(`wharf apiserver: the node authorizer stopped following ${store.def.plural}:`, err),
        },
        store.cache.currentRevision(),
      ),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.stops.splice(0)) s();
  }
}
