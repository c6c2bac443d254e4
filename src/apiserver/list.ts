import { apiVersionOf, badRequest, gone, StatusError, type KubeObject } from '../api/index.js';
import { CompactedError } from '../storage/index.js';
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
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || !parsed.start.endsWith('\u0000')) {
      throw new Error('bad token');
    }
    const start = parsed.start.slice(0, -1);
    if (start.includes('..') || start.startsWith('/')) throw new Error('bad token');
    return { revision: parsed.rv, after: prefix + start };
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
  const prefix = req.selection.name !== undefined && store.def.namespaced && req.namespace ? store.listPrefix(req.namespace) : store.listPrefix(req.namespace);
  let position: ContinuePosition | undefined;
  if (req.continueToken) {
    if (req.resourceVersion) throw badRequest('specifying resource version is not allowed when using continue');
    position = decodeContinue(req.continueToken, prefix);
  }
  const match = req.resourceVersionMatch;
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && !req.resourceVersion) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  const rv = req.resourceVersion ? parseRevision(req.resourceVersion) : undefined;
  if (match === 'Exact' && rv === 0) throw badRequest('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');

  await store.cache.start();
  let atRevision: number | undefined;
  if (position) atRevision = position.revision;
  else if (match === 'Exact') atRevision = rv;
  else if (rv !== undefined && rv > 0) await waitNotOlder(store, rv);
  else if (rv === undefined) await store.cache.sync();

  if (atRevision === undefined || atRevision === store.cache.currentRevision()) {
    return pageFromCache(store, req, prefix, position?.after);
  }
  return pageFromStorage(store, req, prefix, atRevision, position?.after);
}

async function waitNotOlder(store: ResourceStore, rv: number): Promise<void> {
  try {
    await store.cache.waitFor(rv);
  } catch {
    throw new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${store.cache.currentRevision()}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
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
          more = i < batch.kvs.length - 1 || batch.more;
          stoppedEarly = true;
          break;
        }
      }
      if (stoppedEarly || !batch.more) break;
    }
  } catch (e) {
    if (e instanceof CompactedError) {
      if (after !== undefined) {
        throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw gone(`too old resource version: ${revision} (${e.compacted})`);
    }
    throw e;
  }
  const page: ListPage = { items, resourceVersion: String(revision) };
  if (more) page.continueToken = encodeContinue(revision, lastKey, prefix);
  return page;
}

/** The JSON text of a list response, built from each item's cached serialization. */
export function listJson(store: ResourceStore, page: ListPage): string {
  const d = store.def;
  const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continueToken) meta.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
  const head = `{"kind":"${d.listKind}","apiVersion":"${apiVersionOf(d)}","metadata":${JSON.stringify(meta)},"items":[`;
  return `${head}${page.items.map((i) => i.json).join(',')}]}`;
}

export function listTable(store: ResourceStore, page: ListPage, include: IncludeObject): object {
  return toTable(
    store.def,
    page.items.map((i) => i.obj),
    { resourceVersion: page.resourceVersion, ...(page.continueToken ? { continue: page.continueToken } : {}), ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}) },
    include,
  );
}
