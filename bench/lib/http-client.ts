import { Agent as HttpAgent, request as httpSend, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsSend } from 'node:https';
import { performance } from 'node:perf_hooks';

/** The CA to trust and the client certificate to present, PEM (from a kubeconfig's *-data fields). */
export interface TlsCredentials {
  ca: string;
  cert: string;
  key: string;
}

/**
 * How requests reach the server: through a keep-alive agent (which carries the TLS credentials for its own
 * connections), or one connection per request, with `tls` for an https URL.
 */
export interface Via {
  agent?: HttpAgent;
  tls?: TlsCredentials;
}

export interface HttpResult {
  status: number;
  body: string;
  /** Milliseconds from sending the request to the last byte of the response. */
  ms: number;
}

/** A keep-alive agent for `sockets` concurrent clients; an https one presenting `tls` when given. */
export function keepAliveAgent(sockets: number, tls?: TlsCredentials): HttpAgent {
  const common = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets };
  return tls ? new HttpsAgent({ ...common, ca: tls.ca, cert: tls.cert, key: tls.key }) : new HttpAgent(common);
}

/** Starts a request over http or https by the URL's scheme. */
export function send(url: string, options: RequestOptions, via: Via, onResponse: (res: IncomingMessage) => void): ClientRequest {
  const secure = url.startsWith('https:');
  // The agent's own options hold the credentials; repeating them per request would only cost client CPU.
  const opts: RequestOptions = via.agent ? { ...options, agent: via.agent } : { ...options, agent: false, ...(secure && via.tls ? via.tls : {}) };
  return secure ? httpsSend(url, opts, onResponse) : httpSend(url, opts, onResponse);
}

/** One request with a JSON body (if any); the whole response body is read. */
export function httpRequest(via: Via, method: string, url: string, body?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = send(url, { method, headers }, via, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Like httpRequest, but only counts the body bytes (for large LIST responses whose text is not needed). */
export function httpGetBytes(via: Via, url: string): Promise<{ status: number; bytes: number; ms: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = send(url, { method: 'GET', headers: { accept: 'application/json' } }, via, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
