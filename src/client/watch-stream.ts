import { StringDecoder } from 'node:string_decoder';
import type { KubeObject, Status } from '../api/index.js';

/** The object of a BOOKMARK event: only the kind and the resourceVersion the stream has reached. */
export interface BookmarkObject {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
}

/** One event of a watch stream, as the server sends it. ERROR carries a Status (410 Expired, ...). */
export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: BookmarkObject }
  | { type: 'ERROR'; object: Status };

const eventTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

function toEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) throw new TypeError(`Watch event is not an object: ${line.slice(0, 100)}`);
  const { type, object } = parsed as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !eventTypes.has(type)) throw new TypeError(`Unknown watch event type ${JSON.stringify(type)}`);
  if (typeof object !== 'object' || object === null) throw new TypeError(`Watch event ${type} has no object`);
  return { type, object } as WatchEvent<T>;
}

/**
 * Splits a newline-delimited JSON byte stream into watch events. Chunks may cut lines (and UTF-8
 * characters) anywhere; a final line without a newline is still an event.
 */
export async function* parseWatchEvents<T extends KubeObject = KubeObject>(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<WatchEvent<T>> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) yield toEvent<T>(line);
    }
  }
  const rest = (pending + decoder.end()).trim();
  if (rest) yield toEvent<T>(rest);
}

/**
 * An open watch: iterate it once with `for await`. Iteration ends when the server closes the stream
 * or `stop()` (or the caller's abort signal) ends it; a connection that breaks mid-stream throws.
 */
export class WatchStream<T extends KubeObject = KubeObject> implements AsyncIterable<WatchEvent<T>> {
  private stopped = false;
  private iterated = false;

  constructor(
    private readonly body: AsyncIterable<Buffer | string>,
    private readonly cancel: () => void,
  ) {}

  /** Closes the connection; a loop over the stream ends without an error. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancel();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<T>> {
    if (this.iterated) throw new TypeError('A watch stream can be iterated only once');
    this.iterated = true;
    try {
      for await (const ev of parseWatchEvents<T>(this.body)) {
        if (this.stopped) return;
        yield ev;
        // The consumer may have stopped the stream while handling the event: read no further.
        if (this.stopped) return;
      }
    } catch (e) {
      if (this.stopped) return;
      throw e;
    } finally {
      // A consumer that breaks out early must not leave the connection open.
      if (!this.stopped) this.stop();
    }
  }
}
