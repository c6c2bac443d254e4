import http from 'node:http';
import https from 'node:https';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** How long to wait for the response head. */
  timeoutMs?: number;
}

/**
 * One HTTP(S) exchange with Node's own client, which (unlike fetch) lets a registry client stream bodies
 * to disk and decide itself which redirects may carry credentials. Resolves at the response head.
 */
export function httpRequest(url: URL, opts: HttpRequestOptions = {}): Promise<http.IncomingMessage> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const req = mod.request(url, { method: opts.method ?? 'GET', headers: opts.headers, signal: opts.signal }, (res) => {
      req.setTimeout(0);
      // A body that stops arriving (a stalled blob download) fails instead of holding a pod forever.
      const socket = res.socket;
      const stalled = () => res.destroy(new Error(`no data from ${url.host} for ${timeoutMs} ms`));
      socket.setTimeout(timeoutMs, stalled);
      const done = () => {
        socket.setTimeout(0);
        socket.off('timeout', stalled);
      };
      res.once('end', done);
      res.once('close', done);
      resolve(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout awaiting response headers`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Reads a whole (small) body, refusing more than `limit` bytes so a broken registry cannot fill memory. */
export async function readBody(res: http.IncomingMessage, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      res.destroy();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Drains a body we do not need so the socket can be reused. */
export function discard(res: http.IncomingMessage): void {
  res.resume();
}
