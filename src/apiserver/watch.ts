import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf, badRequest, gone, type KubeObject } from '../api/index.js';
import { CompactedError } from '../storage/index.js';
import type { ResourceStore } from './resource-store.js';
import type { Selection } from './selection.js';
import { partialObjectMetadata, toTable, type IncludeObject } from './table.js';
import type { CachedEvent, CachedObject, WatchEventType } from './watch-cache.js';

export interface WatchRequest {
  namespace?: string;
  selection: Selection;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  /** Render objects as Table rows or metadata only, as the Accept header asked. */
  as?: 'Table' | 'PartialObjectMetadata';
  includeObject: IncludeObject;
}

/** A watcher whose unsent output passes this is too slow to keep up and is cut off. */
const maxBufferedBytes = 64 * 1024 * 1024;
const bookmarkIntervalMs = 10_000;

/**
 * Streams watch events as newline-delimited JSON. Events come from the resource's watch cache, each
 * written from the object's cached serialization; selectors turn a change that moves an object into or out
 * of the selection into ADDED or DELETED, as Kubernetes does.
 */
export async function serveWatch(store: ResourceStore, req: WatchRequest, httpReq: IncomingMessage, res: ServerResponse): Promise<void> {
  const cache = store.cache;
  await cache.start();
  const rvText = req.resourceVersion ?? '';
  if (rvText !== '' && !/^\d+$/.test(rvText)) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  const requested = rvText === '' ? undefined : Number(rvText);
  if (requested === undefined) await cache.sync();
  else if (requested > cache.currentRevision()) {
    try {
      await cache.waitFor(requested);
    } catch {
      throw badRequest(`Too large resource version: ${requested}, current: ${cache.currentRevision()}`);
    }
  }

  const prefix = store.listPrefix(req.namespace);
  const def = store.def;
  const sel = req.selection;
  let columnsSent = false;
  let lastSent = cache.currentRevision();
  let closed = false;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  const render = (type: WatchEventType | 'ERROR' | 'BOOKMARK', o: CachedObject): string => {
    if (req.as === 'Table') {
      const table = toTable(def, [o.obj], { resourceVersion: String(o.revision) }, req.includeObject, !columnsSent);
      columnsSent = true;
      return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
    }
    if (req.as === 'PartialObjectMetadata') return `{"type":"${type}","object":${JSON.stringify(partialObjectMetadata(o.obj))}}\n`;
    return `{"type":"${type}","object":${o.json}}\n`;
  };

  const write = (text: string): void => {
    if (closed) return;
    res.write(text);
    if (res.writableLength > maxBufferedBytes) finish();
  };

  const inScope = (o: CachedObject) => o.key.startsWith(prefix) && (sel.name === undefined || o.name === sel.name);

  const onEvents = (events: readonly CachedEvent[]): void => {
    let out = '';
    for (const ev of events) {
      if (!inScope(ev.object)) continue;
      const now = sel.matchesCached(ev.object);
      const before = (ev.type === 'MODIFIED' || ev.type === 'DELETED') && ev.prev ? sel.matchesCached(ev.prev) : false;
      let type: WatchEventType | undefined;
      if (ev.type === 'ADDED') type = now ? 'ADDED' : undefined;
      else if (ev.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
      else if (now && before) type = 'MODIFIED';
      else if (now) type = 'ADDED';
      else if (before) type = 'DELETED';
      if (!type) continue;
      out += render(type, ev.object);
    }
    if (events.length > 0) lastSent = events[events.length - 1].revision;
    if (out) write(out);
  };

  const bookmark = (): void => {
    const revision = cache.currentRevision();
    const obj = { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(revision) } } as KubeObject;
    write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
    lastSent = revision;
  };

  // Initial state: without a resourceVersion (or with 0) the watch starts with every matching object.
  const sendInitial = req.sendInitialEvents ?? (requested === undefined || requested === 0);
  let unregister: (() => void) | undefined;
  const start = requested === undefined || requested === 0 ? cache.currentRevision() : requested;
  if (sendInitial) {
    let out = '';
    for (const o of sel.name !== undefined && (!def.namespaced || req.namespace) ? [cache.get(store.key(req.namespace, sel.name))].filter((x): x is CachedObject => x !== undefined) : cache.list(prefix)) {
      if (sel.matchesCached(o)) out += render('ADDED', o);
    }
    if (out) write(out);
    if (req.sendInitialEvents && req.allowBookmarks) {
      const obj = { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(start), annotations: { 'k8s.io/initial-events-end': 'true' } } };
      write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
    }
  }
  try {
    unregister = cache.watch(
      {
        namespace: def.namespaced ? req.namespace : undefined,
        deliver: onEvents,
        close: () => finish(),
      },
      start,
    );
  } catch (e) {
    if (e instanceof CompactedError) {
      const status = gone(`too old resource version: ${start} (${e.compacted})`).status;
      write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      res.end();
      return;
    }
    throw e;
  }

  const timers: NodeJS.Timeout[] = [];
  const timeoutMs = (req.timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800)) * 1000;
  timers.push(setTimeout(() => {
    if (req.allowBookmarks) bookmark();
    finish();
  }, timeoutMs));
  if (req.allowBookmarks) {
    timers.push(setInterval(() => {
      if (cache.currentRevision() > lastSent) bookmark();
    }, bookmarkIntervalMs));
  }

  function finish(): void {
    if (closed) return;
    closed = true;
    unregister?.();
    for (const t of timers) clearTimeout(t);
    res.end();
  }
  httpReq.on('close', finish);
  res.on('close', finish);
}
