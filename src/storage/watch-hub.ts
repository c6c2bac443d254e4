import type { StoreEvent, Watch, WatchHandlers } from './store.js';

interface Watcher {
  prefix: string;
  handlers: WatchHandlers;
  stopped: boolean;
}

/**
 * Fans committed events out to watchers by key prefix. Backends call `publish` once per commit, in
 * revision order; a watcher gets one call per commit with the events under its prefix.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  /** Registers a watcher after delivering `history` (events it missed) to it, in the same turn. */
  add(prefix: string, history: StoreEvent[], handlers: WatchHandlers): Watch {
    const watcher: Watcher = { prefix, handlers, stopped: false };
    if (history.length > 0) handlers.onEvents(history);
    this.watchers.add(watcher);
    return {
      stop: () => {
        watcher.stopped = true;
        this.watchers.delete(watcher);
      },
    };
  }

  publish(events: StoreEvent[]): void {
    if (events.length === 0 || this.watchers.size === 0) return;
    for (const w of this.watchers) {
      let matched: StoreEvent[] | undefined;
      for (const e of events) {
        if (e.kv.key.startsWith(w.prefix)) (matched ??= []).push(e);
      }
      if (!matched) continue;
      try {
        w.handlers.onEvents(matched);
      } catch (err) {
        // A faulty watcher must not stop delivery to the others.
        w.stopped = true;
        this.watchers.delete(w);
        w.handlers.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /** Tells every watcher the store has committed up to `revision`. */
  progress(revision: number): void {
    for (const w of this.watchers) w.handlers.onProgress?.(revision);
  }

  closeAll(err: Error): void {
    for (const w of this.watchers) w.handlers.onError?.(err);
    this.watchers.clear();
  }
}
