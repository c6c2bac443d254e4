import type { Readable, Writable } from 'node:stream';

/** `kubectl logs` options as kubelet's `/containerLogs` takes them. */
export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only lines at or after this time (ms since the epoch): `sinceSeconds` or `sinceTime`. */
  sinceMs?: number;
  tailLines?: number;
  limitBytes?: number;
}

/** Kubernetes' query booleans: present and not "false"/"0". */
function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== 'false' && v !== '0';
}

function nonNegativeInt(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new RangeError(`${name}: invalid value "${v}": must be an integer`);
  const n = Number(v);
  if (n < min) throw new RangeError(`${name}: Invalid value: ${n}: must be ${min === 0 ? 'greater than or equal to 0' : 'greater than 0'}`);
  return n;
}

/** Reads the query of a `/containerLogs` request; a bad value throws a RangeError with the message to show. */
export function parseLogQuery(q: URLSearchParams, now = Date.now()): LogOptions {
  const opts: LogOptions = { follow: flag(q, 'follow'), previous: flag(q, 'previous'), timestamps: flag(q, 'timestamps') };
  const sinceSeconds = nonNegativeInt(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new RangeError('at most one of sinceTime or sinceSeconds may be specified');
  if (sinceSeconds !== undefined) opts.sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    const t = parseRfc3339(sinceTime);
    if (t === undefined) throw new RangeError(`sinceTime: invalid value "${sinceTime}": must be an RFC 3339 time`);
    opts.sinceMs = t;
  }
  opts.tailLines = nonNegativeInt(q, 'tailLines', 0);
  opts.limitBytes = nonNegativeInt(q, 'limitBytes', 1);
  return opts;
}

/** RFC 3339 with any number of fraction digits, to milliseconds. */
export function parseRfc3339(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}.${(m[2] ?? '').slice(0, 3).padEnd(3, '0')}${m[3]}`);
  return Number.isNaN(t) ? undefined : t;
}

/** One parsed CRI log line. */
export interface LogEntry {
  /** The line's own timestamp text (RFC 3339 with nanoseconds). */
  stamp: string;
  timeMs: number;
  stream: string;
  /** `F`: a whole line (output gets its newline back); `P`: part of a longer one. */
  full: boolean;
  text: string;
}

/** Parses `<time> <stream> <F|P> <text>`; undefined for a line that is not one. */
export function parseCriLine(line: string): LogEntry | undefined {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const stamp = line.slice(0, a);
  const timeMs = parseRfc3339(stamp);
  if (timeMs === undefined) return undefined;
  const stream = line.slice(a + 1, b);
  const c = line.indexOf(' ', b + 1);
  // A tag may be absent in very old files; then everything after the stream is text.
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  if (tag === 'F' || tag === 'P') return { stamp, timeMs, stream, full: tag === 'F', text: c < 0 ? '' : line.slice(c + 1) };
  return { stamp, timeMs, stream, full: true, text: line.slice(b + 1) };
}

/** What `kubectl logs` prints for an entry. */
export function formatEntry(e: LogEntry, timestamps: boolean): string {
  return (timestamps ? `${e.stamp} ` : '') + e.text + (e.full ? '\n' : '');
}

/** Calls `fn` for each complete line of a readable; resolves when it ends (or `signal` aborts). */
async function eachLine(src: Readable, signal: AbortSignal, fn: (line: string) => boolean | void): Promise<void> {
  let pending = '';
  const onAbort = (): void => void src.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of src) {
      pending += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (fn(line) === false) {
          src.destroy();
          return;
        }
      }
    }
    if (pending) fn(pending);
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Writes a container's log to `out` as kubelet does: lines since `sinceMs`, the last `tailLines`,
 * at most `limitBytes`, with or without timestamps, and with `follow` what comes after. `open` gives
 * the runtime's CRI log (following or not).
 */
export async function writeLogs(open: (follow: boolean) => Promise<Readable>, opts: LogOptions, out: Writable, signal: AbortSignal): Promise<void> {
  let budget = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  const emit = (e: LogEntry): boolean => {
    if (opts.sinceMs !== undefined && e.timeMs < opts.sinceMs) return true;
    let text = formatEntry(e, opts.timestamps);
    if (Buffer.byteLength(text) > budget) text = Buffer.from(text).subarray(0, budget).toString('utf8');
    budget -= Buffer.byteLength(text);
    out.write(text);
    return budget > 0;
  };
  const entries = (line: string): LogEntry | undefined => parseCriLine(line);
  if (opts.tailLines === undefined) {
    await eachLine(await open(opts.follow), signal, (line) => {
      const e = entries(line);
      return e ? emit(e) : true;
    });
    return;
  }
  const tail = opts.tailLines;
  if (!opts.follow) {
    const last: LogEntry[] = [];
    await eachLine(await open(false), signal, (line) => {
      const e = entries(line);
      if (!e || (opts.sinceMs !== undefined && e.timeMs < opts.sinceMs)) return;
      last.push(e);
      if (last.length > tail) last.shift();
    });
    for (const e of last) if (!emit(e)) break;
    return;
  }
  // Following from the last N lines: count what is there now, then skip all but N of them.
  let existing = 0;
  await eachLine(await open(false), signal, (line) => {
    if (entries(line)) existing++;
  });
  let skip = Math.max(0, existing - tail);
  await eachLine(await open(true), signal, (line) => {
    const e = entries(line);
    if (!e) return true;
    if (skip > 0) {
      skip--;
      return true;
    }
    return emit(e);
  });
}
