import { createConnection, type Socket } from 'node:net';
import { Readable } from 'node:stream';

/** A complete answer to a request: its status and its body as text. */
export interface SocketResponse {
  statusCode: number;
  body: string;
}

/** A streamed answer (a watch): its status, and its body as it arrives. */
export interface SocketStream {
  statusCode: number;
  body: Readable;
  /** Closes the connection; the body ends. */
  cancel(): void;
}

export interface SocketRequestOptions {
  /** 0 for none. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Idle connections are closed before the server would close them (kube-apiserver and Wharf wait 65 s). */
const idleTimeoutMs = 55_000;

/**
 * HTTP/1.1 over a Unix socket, written for the API server's local socket (see `ApiServer.listenLocal`):
 * kept-alive connections, Content-Length and chunked bodies. Node's HTTP client does the same with far
 * more work per request (an agent, outgoing and incoming message objects, a stream per response), which
 * was a fifth of the components thread of `wharf up` under load.
 *
 * What it does not do, because the API server never needs it: request bodies that are streamed, `Expect`,
 * informational (1xx) answers, upgrades, and pipelining (one request at a time per connection).
 */
export class SocketTransport {
  private readonly idle: Connection[] = [];
  private busy = 0;
  /** Requests waiting for a connection while `maxConnections` are busy. */
  private readonly waiting: { resolve: (c: Connection) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  constructor(
    private readonly socketPath: string,
    private readonly maxConnections: number,
  ) {}

  /** Sends one request and reads its whole answer. `head` is the header lines after Host, each ending in CRLF. */
  async request(method: string, path: string, head: string, payload: string | Buffer | undefined, opts: SocketRequestOptions): Promise<SocketResponse> {
    const message = requestMessage(method, path, head, payload);
    if (opts.signal?.aborted) throw abortError();
    const conn = await this.acquire();
    if (opts.signal?.aborted) {
      // Aborted while waiting for a connection: give it to the next request unused.
      this.release(conn, true);
      throw abortError();
    }
    return new Promise<SocketResponse>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let statusCode = 0;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => conn.fail(abortError());
      const settle = (): void => {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      conn.begin({
        onHead: (code) => (statusCode = code),
        onData: (chunk) => chunks.push(chunk),
        onEnd: (reusable) => {
          settle();
          this.release(conn, reusable);
          resolve({ statusCode, body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
        },
        onError: (e) => {
          settle();
          this.release(conn, false);
          reject(e);
        },
      });
      if (opts.timeoutMs > 0) timer = setTimeout(() => conn.fail(new Error(`${method} ${path} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      conn.write(message);
    });
  }

  /** Sends one request on a connection of its own and streams the answer: for watches, which hold it. */
  stream(method: string, path: string, head: string, opts: { signal?: AbortSignal }): Promise<SocketStream> {
    const message = requestMessage(method, path, head, undefined);
    if (opts.signal?.aborted) return Promise.reject(abortError());
    if (this.closed) return Promise.reject(new Error('the transport is closed'));
    const conn = this.connect();
    return new Promise<SocketStream>((resolve, reject) => {
      let body: Readable | undefined;
      const onAbort = (): void => conn.fail(abortError());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      conn.begin({
        onHead: (statusCode) => {
          // From here the caller stops the stream (ApiClient.watch listens to the same signal).
          opts.signal?.removeEventListener('abort', onAbort);
          body = new Readable({ read: () => conn.resume() });
          body.once('close', () => conn.destroy());
          resolve({ statusCode, body, cancel: () => body!.destroy() });
        },
        onData: (chunk) => {
          if (body && !body.push(chunk)) conn.pause();
        },
        onEnd: () => {
          body?.push(null);
          conn.destroy();
        },
        onError: (e) => {
          if (body) body.destroy(e);
          else {
            opts.signal?.removeEventListener('abort', onAbort);
            reject(e);
          }
        },
      });
      conn.write(message);
    });
  }

  /** Closes idle connections and takes no more requests; streams end when their callers stop them. */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.destroy();
    for (const w of this.waiting.splice(0)) w.reject(new Error('the transport is closed'));
  }

  private connect(): Connection {
    return new Connection(createConnection(this.socketPath));
  }

  private acquire(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('the transport is closed'));
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.usable) {
        this.busy++;
        c.leaveIdle();
        return Promise.resolve(c);
      }
    }
    if (this.busy < this.maxConnections) {
      this.busy++;
      return Promise.resolve(this.connect());
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(conn: Connection, reusable: boolean): void {
    const next = this.waiting.shift();
    if (reusable && conn.usable && !this.closed) {
      if (next) return next.resolve(conn);
      this.busy--;
      conn.enterIdle(idleTimeoutMs, () => {
        const at = this.idle.indexOf(conn);
        if (at >= 0) this.idle.splice(at, 1);
      });
      this.idle.push(conn);
      return;
    }
    conn.destroy();
    // The slot passes to the next waiter with a fresh connection.
    if (next) next.resolve(this.connect());
    else this.busy--;
  }
}

function requestMessage(method: string, path: string, head: string, payload: string | Buffer | undefined): string | Buffer {
  if (/[\s]/.test(path) || /[\r\n]/.test(method)) throw new TypeError(`Invalid request target: ${JSON.stringify(`${method} ${path}`)}`);
  const start = `${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${head}`;
  if (payload === undefined) return `${start}\r\n`;
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const lines = `${start}Content-Length: ${length}\r\n\r\n`;
  return typeof payload === 'string' ? lines + payload : Buffer.concat([Buffer.from(lines, 'latin1'), payload]);
}

function abortError(): Error {
  return new DOMException('The operation was aborted', 'AbortError');
}

interface ResponseHandler {
  onHead(statusCode: number): void;
  onData(chunk: Buffer): void;
  /** `reusable`: the connection may carry another request. */
  onEnd(reusable: boolean): void;
  onError(e: Error): void;
}

type ParseState = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close' | 'done';

/** Largest response head accepted, as Node's default. */
const maxHeadBytes = 16 * 1024;

/** One connection and the parser of the answer it is reading. */
class Connection {
  private handler: ResponseHandler | undefined;
  private pending: Buffer | undefined;
  private state: ParseState = 'done';
  private remaining = 0;
  private keepAlive = true;
  private dead = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private onIdleClose: (() => void) | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.closed());
  }

  get usable(): boolean {
    return !this.dead && !this.socket.destroyed;
  }

  begin(handler: ResponseHandler): void {
    this.handler = handler;
    this.state = 'head';
    this.keepAlive = true;
    this.pending = undefined;
  }

  write(message: string | Buffer): void {
    if (this.dead) return;
    this.socket.write(message);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  enterIdle(ms: number, onClose: () => void): void {
    this.onIdleClose = onClose;
    this.idleTimer = setTimeout(() => this.destroy(), ms);
    this.idleTimer.unref();
  }

  leaveIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.onIdleClose = undefined;
  }

  destroy(): void {
    this.dead = true;
    this.socket.destroy();
  }

  /** Ends the answer under way with an error and drops the connection. */
  fail(e: Error): void {
    const h = this.handler;
    this.handler = undefined;
    this.state = 'done';
    this.destroy();
    h?.onError(e);
  }

  private closed(): void {
    this.dead = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.onIdleClose?.();
    this.onIdleClose = undefined;
    if (!this.handler) return;
    if (this.state === 'until-close') return this.finish();
    this.fail(new Error('the API server closed the connection before the answer was complete'));
  }

  private finish(): void {
    const h = this.handler;
    this.handler = undefined;
    this.state = 'done';
    h?.onEnd(this.keepAlive && !this.dead);
  }

  private receive(chunk: Buffer): void {
    if (!this.handler) {
      // Bytes nobody asked for: the connection is out of step; drop it.
      this.destroy();
      return;
    }
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    try {
      while (data.length > 0 && this.handler) {
        const used = this.step(data);
        if (used < 0) {
          // Needs more bytes than have come.
          this.pending = data;
          if (this.state === 'head' && data.length > maxHeadBytes) throw new Error('the answer\'s head is too large');
          return;
        }
        data = data.subarray(used);
      }
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Consumes the start of `data` for the current state; the bytes used, or -1 to wait for more. */
  private step(data: Buffer): number {
    const h = this.handler!;
    switch (this.state) {
      case 'head': {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return -1;
        this.readHead(data.toString('latin1', 0, end));
        return end + 4;
      }
      case 'length': {
        const n = Math.min(this.remaining, data.length);
        this.remaining -= n;
        h.onData(data.subarray(0, n));
        if (this.remaining === 0) this.finish();
        return n;
      }
      case 'until-close':
        h.onData(data);
        return data.length;
      case 'chunk-size': {
        const eol = data.indexOf('\r\n');
        if (eol < 0) return -1;
        const size = parseInt(data.toString('latin1', 0, eol).split(';')[0]!.trim(), 16);
        if (!Number.isInteger(size) || size < 0) throw new Error('malformed chunk size in the answer');
        this.remaining = size;
        this.state = size === 0 ? 'trailer' : 'chunk-data';
        return eol + 2;
      }
      case 'chunk-data': {
        const n = Math.min(this.remaining, data.length);
        this.remaining -= n;
        h.onData(data.subarray(0, n));
        if (this.remaining === 0) this.state = 'chunk-end';
        return n;
      }
      case 'chunk-end': {
        if (data.length < 2) return -1;
        if (data[0] !== 13 || data[1] !== 10) throw new Error('malformed chunk end in the answer');
        this.state = 'chunk-size';
        return 2;
      }
      case 'trailer': {
        const eol = data.indexOf('\r\n');
        if (eol < 0) return -1;
        if (eol === 0) this.finish();
        return eol + 2;
      }
      default:
        throw new Error('answer bytes after the answer ended');
    }
  }

  private readHead(head: string): void {
    const lines = head.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!status) throw new Error(`malformed status line in the answer: ${JSON.stringify(lines[0]?.slice(0, 100))}`);
    const code = Number(status[1]);
    let length: number | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').map((v) => v.trim()).includes('chunked');
      else if (name === 'connection') this.keepAlive = !value.toLowerCase().split(',').map((v) => v.trim()).includes('close');
    }
    if (!lines[0]!.startsWith('HTTP/1.1')) this.keepAlive = false;
    this.handler!.onHead(code);
    if (chunked) this.state = 'chunk-size';
    else if (length !== undefined) {
      if (!Number.isInteger(length) || length < 0) throw new Error('malformed Content-Length in the answer');
      this.remaining = length;
      this.state = 'length';
      if (length === 0) this.finish();
    } else if (code === 204 || code === 304) this.finish();
    else {
      this.keepAlive = false;
      this.state = 'until-close';
    }
  }
}
