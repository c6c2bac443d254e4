/**
 * One HTTP(S) exchange with a broker, told apart the way orphan mitigation needs: an answer, a timeout
 * after the request may have reached the broker, or a failure before it could (DNS, refused
 * connection, TLS verification). Node's http/https modules rather than fetch, because a broker's
 * `caBundle` and `insecureSkipTLSVerify` need an agent of their own.
 */
import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  url: URL;
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type TransportOutcome =
  | { type: 'response'; response: TransportResponse }
  /** The connection was up and the request written (or being written) when time ran out or it broke. */
  | { type: 'timeout'; message: string }
  /** The request cannot have reached the broker. */
  | { type: 'unreachable'; message: string };

/** Catalogs with many plans and schemas are big, but nothing a broker sends should be larger. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface TlsOptions {
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
}

/** One agent per client: no keep-alive, so a client dropped without closing never holds the process open. */
export function agentFor(url: URL, tls: TlsOptions): http.Agent {
  if (url.protocol === 'https:') {
    return new https.Agent({
      keepAlive: false,
      ...(tls.caBundle ? { ca: tls.caBundle } : {}),
      rejectUnauthorized: !tls.insecureSkipTLSVerify,
    });
  }
  return new http.Agent({ keepAlive: false });
}

export function send(req: TransportRequest, agent: http.Agent): Promise<TransportOutcome> {
  if (req.signal?.aborted) return Promise.resolve({ type: 'unreachable', message: 'request aborted before it was sent' });
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const finish = (outcome: TransportOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const lost = (message: string): void => {
      finish(connected ? { type: 'timeout', message } : { type: 'unreachable', message });
    };

    const mod = req.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const request = mod.request(req.url, { method: req.method, headers, agent });

    const timer = setTimeout(() => {
      lost(
        connected
          ? `no answer within ${req.timeoutMs} ms`
          : `could not connect within ${req.timeoutMs} ms`,
      );
      request.destroy();
    }, req.timeoutMs);
    const onAbort = (): void => {
      lost('request aborted');
      request.destroy();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });

    request.on('socket', (socket) => {
      // Only once TLS is up can the broker have read a byte of the request.
      const event = req.url.protocol === 'https:' ? 'secureConnect' : 'connect';
      if (!(socket as { connecting?: boolean }).connecting && req.url.protocol !== 'https:') connected = true;
      socket.once(event, () => {
        connected = true;
      });
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      lost(err.code ? `${err.code}: ${err.message}` : err.message);
    });
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          // Read as an answer with an unusable body: the status still says what the broker did.
          finish({ type: 'response', response: { status: res.statusCode ?? 0, headers: res.headers, body: '\u0000too large' } });
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        finish({
          type: 'response',
          response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
        });
      });
      res.on('error', (err) => lost(`answer broke off: ${err.message}`));
      res.on('aborted', () => lost('answer broke off'));
    });
    request.end(req.body);
  });
}
