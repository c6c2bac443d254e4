import type { ResourceStore } from '../resource-store.js';
import type { CachedEvent } from '../watch-cache.js';
import type { NodeGraph } from './node-graph.js';

interface Source {
  store: ResourceStore;
  /** Forgets every object of this source before a full reload. */
  reset: () => void;
  apply: (ev: CachedEvent) => void;
}

/**
 * Keeps a NodeGraph up to date from the API server's own watch caches of pods and PersistentVolumes, as
 * upstream's graph populator does from informers: everything once at start, then every event. When a
 * cache loses its storage watch (a storage outage) it closes this watcher; the feed then reloads that
 * resource in full and follows it again, so the graph does not rest on a cache that stopped hearing.
 */
export class NodeGraphFeed {
  private readonly stops: (() => void)[] = [];
  private stopped = false;
  private readonly sources: Source[];

  constructor(graph: NodeGraph, pods: ResourceStore, volumes: ResourceStore | undefined) {
    this.sources = [
      {
        store: pods,
        reset: () => graph.clearPods(),
        apply: (ev) => {
          if (ev.type === 'DELETED') graph.deletePod(ev.object.namespace ?? '', ev.object.name);
          else graph.setPod(ev.object.obj);
        },
      },
    ];
    if (volumes) {
      this.sources.push({
        store: volumes,
        reset: () => graph.clearVolumes(),
        apply: (ev) => {
          if (ev.type === 'DELETED') graph.deleteVolume(ev.object.name);
          else graph.setVolume(ev.object.obj);
        },
      });
    }
  }

  async start(): Promise<void> {
    for (const s of this.sources) await this.follow(s);
  }

  private async follow(source: Source): Promise<void> {
    const { store } = source;
    await store.cache.sync();
    if (this.stopped) return;
    // Reloading and subscribing with no await between them: no event falls in a gap, and no decision
    // sees a half-loaded graph.
    source.reset();
    for (const c of store.cache.list(store.prefix)) source.apply({ type: 'ADDED', revision: c.revision, object: c });
    this.stops.push(
      store.cache.watch(
        {
          deliver: (events) => {
            for (const ev of events) source.apply(ev);
          },
          close: () => void this.followAgain(source),
        },
        store.cache.currentRevision(),
      ),
    );
  }

  private async followAgain(source: Source): Promise<void> {
    for (let delayMs = 200; !this.stopped; delayMs = Math.min(delayMs * 2, 5000)) {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        await this.follow(source);
        return;
      } catch {
        // Storage still unreachable: try again later.
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.stops.splice(0)) s();
  }
}
