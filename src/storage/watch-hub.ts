import type { StoreEvent, Watch, WatchHandlers } from './store.js';

interface Watcher {
  prefix: string;
  handlers: WatchHandlers;
  stopped: boolean;
}

/**
 * Fans committed events out to watchers by key prefix. Backends call `publish` once per commit, in
 * revision order; a watcher gets one call per commit with the events under its prefix.
 *
 * Almost every watch is on a folder (`/registry/pods/`, one per resource), so watchers whose prefix ends
 * in `/` are found through the folders of an event's key instead of trying each watcher's prefix against
 * it: with a watch cache on each of some forty resources, that was forty comparisons per write.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  /** Watchers by their prefix, for prefixes that end in `/`. */
  private readonly byFolder = new Map<string, Watcher[]>();
  /** Watchers whose prefix does not end in `/`, tried one by one. */
  private readonly others: Watcher[] = [];

  /** Registers a watcher after delivering `history` (events it missed) to it, in the same turn. */
  add(prefix: string, history: StoreEvent[], handlers: WatchHandlers): Watch {
    const watcher: Watcher = { prefix, handlers, stopped: false };
    if (history.length > 0) handlers.onEvents(history);
    this.watchers.add(watcher);
    if (prefix.endsWith('/')) addTo(this.byFolder, prefix, watcher);
    else this.others.push(watcher);
    return { stop: () => this.remove(watcher) };
  }

  private remove(watcher: Watcher): void {
    watcher.stopped = true;
    if (!this.watchers.delete(watcher)) return;
    const list = this.byFolder.get(watcher.prefix) ?? this.others;
    list.splice(list.indexOf(watcher), 1);
    if (list.length === 0 && list !== this.others) this.byFolder.delete(watcher.prefix);
  }

  publish(events: StoreEvent[]): void {
    if (events.length === 0 || this.watchers.size === 0) return;
    const matched = new Map<Watcher, StoreEvent[]>();
    // Events of one commit mostly share a folder: its watchers are looked up once.
    let folder: string | undefined;
    let folderWatchers: Watcher[] = [];
    for (const e of events) {
      const key = e.kv.key;
      const eventFolder = key.slice(0, key.lastIndexOf('/') + 1);
      if (eventFolder !== folder) {
        folder = eventFolder;
        folderWatchers = this.watchersOfFolder(folder);
      }
      for (const w of folderWatchers) addTo(matched, w, e);
      for (const w of this.others) if (key.startsWith(w.prefix)) addTo(matched, w, e);
    }
    for (const [w, mine] of matched) {
      // A watcher stopped by an earlier delivery of this commit gets nothing more.
      if (w.stopped) continue;
      try {
        w.handlers.onEvents(mine);
      } catch (err) {
        // A faulty watcher must not stop delivery to the others.
        this.remove(w);
        w.handlers.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /** The watchers of `folder` and of every folder above it. */
  private watchersOfFolder(folder: string): Watcher[] {
    const found: Watcher[] = [];
    for (let end = folder.indexOf('/'); end >= 0; end = folder.indexOf('/', end + 1)) {
      const here = this.byFolder.get(folder.slice(0, end + 1));
      if (here) found.push(...here);
    }
    return found;
  }

  /** Tells every watcher the store has committed up to `revision`. */
  progress(revision: number): void {
    for (const w of this.watchers) w.handlers.onProgress?.(revision);
  }

  closeAll(err: Error): void {
    for (const w of this.watchers) {
      w.stopped = true;
      w.handlers.onError?.(err);
    }
    this.watchers.clear();
    this.byFolder.clear();
    this.others.length = 0;
  }
}

/** Appends `value` to the list of `key`, starting the list if there is none. */
function addTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
