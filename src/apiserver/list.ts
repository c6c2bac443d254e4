import { apiVersionOf, badRequest, field, gone, invalid, StatusError, type FieldError, type KubeObject } from '../api/index.js';
import type { ServerResponse } from 'node:http';
import { CompactedError, FutureRevisionError } from '../storage/index.js';
import { sendRaw } from './http-io.js';
import type { ResourceStore } from './resource-store.js';
import type { Selection } from './selection.js';
import { encodeStored } from './serialization.js';
import { toTable, type IncludeObject } from './table.js';
import type { CachedObject } from './watch-cache.js';

export interface ListRequest {
  namespace?: string;
  selection: Selection;
  limit: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListPage {
  items: { obj: KubeObject; json: string }[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinuePosition {
  /** The revision to read at; -1 asks for the current state (the fresh token an expired one is answered with). */
  revision: number;
  /** The key the previous page ended at. */
  after: string;
}

function encodeContinue(revision: number, key: string, prefix: string): string {
  const token = { v: 'meta.k8s.io/v1', rv: revision, start: `${key.slice(prefix.length)}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(token: string, prefix: string): ContinuePosition {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || !Number.isInteger(parsed.rv) || parsed.rv === 0 || typeof parsed.start !== 'string' || !parsed.start.endsWith('\u0000')) {
      throw new Error('bad token');
    }
    const start = parsed.start.slice(0, -1);
    if (start.includes('..') || start.startsWith('/')) throw new Error('bad token');
    return { revision: parsed.rv! < 0 ? -1 : parsed.rv!, after: prefix + start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function parseRevision(rv: string, what = 'resourceVersion'): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`${what}: Invalid value: "${rv}": must be a non-negative integer`);
  return Number(rv);
}

/**
 * Serves a LIST from the watch cache when it can (every read of the current state, and continue pages
 * while nothing changed), and from storage at a past revision otherwise.
 */
export async function listObjects(store: ResourceStore, req: ListRequest): Promise<ListPage> {
  const prefix = store.listPrefix(req.namespace);
  const problems = validateListOptions(req);
  if (problems.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', problems);
  let position: ContinuePosition | undefined;
  if (req.continueToken) {
    position = decodeContinue(req.continueToken, prefix);
    // "0" means "any state" and so does not conflict with the token's own revision.
    if (req.resourceVersion && req.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
  }
  const match = req.resourceVersionMatch;
  const rv = req.resourceVersion ? parseRevision(req.resourceVersion) : undefined;

  await store.cache.start();
  let atRevision: number | undefined;
  if (position && position.revision > 0) atRevision = position.revision;
  else if (position) await store.cache.sync();
  else if (match === 'Exact') atRevision = rv;
  else if (rv !== undefined && rv > 0) await waitNotOlder(store, rv);
  else if (rv === undefined) await store.cache.sync();

  if (atRevision === undefined || atRevision === store.cache.currentRevision()) {
    return pageFromCache(store, req, prefix, position?.after);
  }
  return pageFromStorage(store, req, prefix, atRevision, position?.after);
}

/** The checks kube-apiserver makes on a list's options before reading anything (answered as 422 Invalid). */
function validateListOptions(req: ListRequest): FieldError[] {
  const errors: FieldError[] = [];
  const match = req.resourceVersionMatch;
  if (!match) return errors;
  if (!req.resourceVersion) errors.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
  if (req.continueToken) errors.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(field.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
  if (match === 'Exact' && req.resourceVersion === '0') errors.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  return errors;
}

function tooLargeResourceVersion(rv: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

async function waitNotOlder(store: ResourceStore, rv: number): Promise<void> {
  try {
    await store.cache.waitFor(rv);
  } catch {
    throw tooLargeResourceVersion(rv, store.cache.currentRevision());
  }
}

function pageFromCache(store: ResourceStore, req: ListRequest, prefix: string, after: string | undefined): ListPage {
  const revision = store.cache.currentRevision();
  let candidates: CachedObject[];
  const name = req.selection.name;
  if (name !== undefined && (!store.def.namespaced || req.namespace)) {
    const one = store.cache.get(store.key(req.namespace, name));
    candidates = one && (after === undefined || one.key > after) ? [one] : [];
  } else {
    candidates = store.cache.list(prefix, after);
  }
  const items: CachedObject[] = [];
  const limit = req.limit > 0 ? req.limit : Infinity;
  let i = 0;
  for (; i < candidates.length && items.length < limit; i++) {
    if (req.selection.matchesCached(candidates[i])) items.push(candidates[i]);
  }
  const page: ListPage = { items, resourceVersion: String(revision) };
  if (items.length === limit && i < candidates.length) {
    page.continueToken = encodeContinue(revision, items[items.length - 1].key, prefix);
    if (req.selection.labels.empty && req.selection.fields.empty) page.remainingItemCount = candidates.length - i;
  }
  return page;
}

async function pageFromStorage(
  store: ResourceStore,
  req: ListRequest,
  prefix: string,
  revision: number,
  after: string | undefined,
): Promise<ListPage> {
  const items: { obj: KubeObject; json: string }[] = [];
  const limit = req.limit > 0 ? req.limit : 0;
  let cursor = after;
  let more = false;
  let remaining = 0;
  let lastKey = '';
  try {
    for (;;) {
      const batch = await store.storage.list(prefix, { revision, after: cursor, limit: limit > 0 ? Math.max(limit, 100) : 0 });
      let stoppedEarly = false;
      for (let i = 0; i < batch.kvs.length; i++) {
        const kv = batch.kvs[i];
        const json = encodeStored(kv.value, kv.revision);
        const obj = JSON.parse(json) as KubeObject;
        cursor = kv.key;
        if (!req.selection.matches(obj)) continue;
        items.push({ obj, json });
        lastKey = kv.key;
        if (limit > 0 && items.length === limit) {
          remaining = batch.kvs.length - 1 - i + (batch.more ? batch.remaining : 0);
          more = remaining > 0;
          stoppedEarly = true;
          break;
        }
      }
      if (stoppedEarly || !batch.more) break;
    }
  } catch (e) {
    if (e instanceof CompactedError) {
      if (after !== undefined) throw expiredContinue(after, prefix);
      throw gone(`too old resource version: ${revision} (${e.compacted})`);
    }
    if (e instanceof FutureRevisionError) throw tooLargeResourceVersion(e.requested, e.current);
    throw e;
  }
  const page: ListPage = { items, resourceVersion: String(revision) };
  if (more) {
    page.continueToken = encodeContinue(revision, lastKey, prefix);
    // As for etcd, what is left is only counted when every key is an item (no selector filters them).
    if (req.selection.labels.empty && req.selection.fields.empty) page.remainingItemCount = remaining;
  }
  return page;
}

/**
 * The 410 for a continue token whose revision was compacted away. Like Kubernetes it carries a fresh token
 * that continues from the same key at the current state, for clients that accept an inconsistent list.
 */
function expiredContinue(after: string, prefix: string): StatusError {
  const err = gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
  Object.assign(err.status.metadata, { continue: encodeContinue(-1, after, prefix) });
  return err;
}

/** Everything of a list response's JSON before its first item. */
function listHead(store: ResourceStore, page: ListPage): string {
  const d = store.def;
  const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continueToken) meta.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
  return `{"kind":"${d.listKind}","apiVersion":"${apiVersionOf(d)}","metadata":${JSON.stringify(meta)},"items":[`;
}

/** The JSON text of a list response, built from each item's cached serialization. */
export function listJson(store: ResourceStore, page: ListPage): string {
  return `${listHead(store, page)}${page.items.map((i) => i.json).join(',')}]}`;
}

/** Lists longer than this are streamed rather than built as one string. */
const streamAboveItems = 1000;
/** Items joined into one write when streaming. */
const itemsPerWrite = 1000;

/**
 * Sends a list as JSON. A long one is written a thousand items at a time (chunked encoding): one string
 * cannot exceed about 512 MiB, which 150,000 pods do, and a response built whole would sit in memory
 * twice. Between writes it waits for the socket to drain or, when the socket took everything at once
 * (a fast reader on loopback), for the event loop to serve what else is waiting: written in one go,
 * 40,000 pods held every other request for most of a second.
 */
export async function sendListJson(res: ServerResponse, store: ResourceStore, page: ListPage): Promise<void> {
  if (page.items.length <= streamAboveItems) return sendRaw(res, 200, listJson(store, page), 'application/json');
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write(listHead(store, page));
  for (let i = 0; i < page.items.length; i += itemsPerWrite) {
    if (res.destroyed) return;
    if (!res.write(encodeItems(page.items, i, Math.min(i + itemsPerWrite, page.items.length)))) await drainedOrClosed(res);
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!res.destroyed) res.end(']}');
}

/**
 * Items `from` up to `to` as comma-separated UTF-8 JSON (a leading comma unless `from` is the first),
 * encoded straight into one buffer. A joined string would be copied again to flatten it, scanned for its
 * byte length and encoded once more on the way to the socket: for a list of 150,000 pods, a second of the
 * event loop.
 */
function encodeItems(items: readonly { json: string }[], from: number, to: number): Buffer {
  let size = from === 0 ? -1 : 0;
  for (let i = from; i < to; i++) size += Buffer.byteLength(items[i].json) + 1;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = from; i < to; i++) {
    if (i > 0) out[at++] = 0x2c; // ','
    at += out.write(items[i].json, at);
  }
  return out;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function listTable(store: ResourceStore, page: ListPage, include: IncludeObject): object {
  return toTable(
    store.def,
    page.items.map((i) => i.obj),
    { resourceVersion: page.resourceVersion, ...(page.continueToken ? { continue: page.continueToken } : {}), ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}) },
    include,
  );
}
