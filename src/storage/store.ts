/**
 * The Store contract: a versioned key-value store in the shape of etcd's v3 API.
 *
 * Keys are `/registry/<group>/<resource>/<namespace>/<name>`; values are opaque serialized objects
 * (backends never parse them). Every write takes the next global revision, which the apiserver exposes
 * as the object's resourceVersion.
 */

export interface KeyValue {
  key: string;
  /** Serialized object, as written. */
  value: string;
  /** Revision of the write that produced this value (the object's resourceVersion). */
  revision: number;
  /** Revision at which the key was created. */
  createRevision: number;
}

export interface StoreEvent {
  type: 'put' | 'delete';
  /** For a put, the new value; for a delete, the value as it was, with `revision` the delete's revision. */
  kv: KeyValue;
  /** For a put that replaced an existing value, that value's revisions (its `value` may be empty). */
  prevKv?: KeyValue;
}

export interface ListOptions {
  /** Most keys to return; 0 or absent means all. */
  limit?: number;
  /** Return keys strictly greater than this one (a continue token's position). */
  after?: string;
  /** Read as of this revision; absent means the current revision. */
  revision?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** Revision the list was read at. */
  revision: number;
  /** Keys remain after the last one returned. */
  more: boolean;
  /** How many keys remain after the last one returned (when `more`). */
  remaining: number;
}

export interface Watch {
  /** Stops delivery; safe to call more than once. */
  stop(): void;
}

export interface WatchHandlers {
  /** Events in revision order, never skipping one that matches the prefix. */
  onEvents(events: StoreEvent[]): void;
  /** The store has committed everything up to `revision` (even if nothing under the prefix changed). */
  onProgress?(revision: number): void;
  /** The watch ended because the store closed or the watcher fell too far behind. */
  onError?(err: Error): void;
}

export interface Store {
  /** The revision of the latest write (0 for an empty store). */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Creates `key`; throws KeyExistsError if it exists. Resolves once durable. */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Replaces `key` if its current revision is `expectedRevision`; throws ConflictError (with the current
   * value) when it differs, KeyNotFoundError when the key is absent.
   */
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue>;
  /** Deletes `key` (only at `expectedRevision` when given); resolves to the deleted value and the delete's revision. */
  delete(key: string, expectedRevision?: number): Promise<StoreEvent>;
  /**
   * Delivers every event under `prefix` with a revision greater than `afterRevision`, then live events.
   * Throws CompactedError when `afterRevision` is older than the compacted revision.
   */
  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch;
  /** Forgets history at and below `revision` (current values are always kept). */
  compact(revision: number): Promise<void>;
  /** The oldest revision a watch or list may still ask for, minus one. */
  compactedRevision(): number;
  close(): Promise<void>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'KeyExistsError';
  }
}

export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = 'KeyNotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(
    readonly key: string,
    readonly current: KeyValue,
  ) {
    super(`revision mismatch for ${key}: current is ${current.revision}`);
    this.name = 'ConflictError';
  }
}

export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`revision ${requested} has been compacted (compacted revision ${compacted})`);
    this.name = 'CompactedError';
  }
}

export class FutureRevisionError extends Error {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`revision ${requested} is newer than the current revision ${current}`);
    this.name = 'FutureRevisionError';
  }
}

/** The key just past every key starting with `prefix`, for range scans. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** How many of `keys` start with `prefix`. */
export function countWithPrefix(keys: Iterable<string>, prefix: string): number {
  let n = 0;
  for (const k of keys) if (k.startsWith(prefix)) n++;
  return n;
}
