import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { send, type TlsCredentials, type Via } from './http-client.js';

export interface WatchStream {
  /** Resolves when the server answered the watch with its headers. */
  opened: Promise<void>;
  /** ADDED events seen for pods named `<prefix><index>`, by index: the receipt time (performance.now()), 0 if none. */
  received: Float64Array;
  /** How many ADDED events matched, duplicates included. */
  added: number;
  duplicates: number;
  /** Events of other types (MODIFIED, DELETED, BOOKMARK, ERROR) and lines that could not be read. */
  other: { type: string; line: string }[];
  /** An error or an early end of the stream. */
  failure?: string;
  close(): void;
}

/**
 * One watch (`?watch=true&resourceVersion=rv`) reading the newline-delimited JSON events. Only the event type
 * and the object's name are picked out of each line: parsing 200,000 events fully would load the benchmark's
 * own CPU (which shares the machine with the server) and inflate the measured lag.
 */
export function openWatch(url: string, tls: TlsCredentials | undefined, namePrefix: string, expected: number): WatchStream {
  const stream: WatchStream = {
    opened: Promise.resolve(),
    received: new Float64Array(expected),
    added: 0,
    duplicates: 0,
    other: [],
    close: () => undefined,
  };
  const needle = `"name":"${namePrefix}`;
  const lines = streamLines(
    url,
    { tls },
    (line, now) => {
      const type = line.startsWith('{"type":"') ? line.slice(9, line.indexOf('"', 9)) : '?';
      const at = line.indexOf(needle);
      if (type !== 'ADDED' || at < 0) {
        if (stream.other.length < 20) stream.other.push({ type, line: line.slice(0, 300) });
        return;
      }
      const start = at + needle.length;
      const index = Number(line.slice(start, line.indexOf('"', start)));
      if (!Number.isInteger(index) || index < 0 || index >= expected) {
        if (stream.other.length < 20) stream.other.push({ type, line: line.slice(0, 300) });
        return;
      }
      stream.added++;
      if (stream.received[index]! > 0) stream.duplicates++;
      else stream.received[index] = now;
    },
    (message) => {
      stream.failure ??= message;
    },
  );
  stream.opened = lines.opened.catch((e: unknown) => {
    stream.failure ??= e instanceof Error ? e.message : String(e);
    throw e;
  });
  stream.close = lines.close;
  return stream;
}

/** Reads a watch's newline-delimited events, handing each complete line to `onLine`. */
export function streamLines(url: string, via: Via, onLine: (line: string, now: number) => void, onFailure: (m: string) => void): { close(): void; opened: Promise<void> } {
  let req: ClientRequest | undefined;
  let closing = false;
  const opened = new Promise<void>((resolve, reject) => {
    req = send(url, { method: 'GET', headers: { accept: 'application/json' } }, via, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`watch ${url} answered ${res.statusCode}`));
        return;
      }
      resolve();
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.length) onLine(line, now);
        }
      });
      res.on('end', () => !closing && onFailure('watch stream ended early'));
      res.on('error', (e) => !closing && onFailure(e.message));
    });
    req.on('error', (e) => {
      if (!closing) onFailure(e.message);
      reject(e);
    });
    req.end();
  });
  opened.catch(() => undefined);
  return {
    opened,
    close: () => {
      closing = true;
      req?.destroy();
    },
  };
}
