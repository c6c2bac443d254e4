import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpResult {
  status: number;
  body: string;
  /** Milliseconds from sending the request to the last byte of the response. */
  ms: number;
}

/** A keep-alive agent for `sockets` concurrent clients. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** One HTTP request to 127.0.0.1 with a JSON body (if any); the whole response body is read. */
export function httpRequest(agent: Agent | undefined, method: string, url: string, body?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request(url, { method, agent, headers }, (res) => {
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
export function httpGetBytes(agent: Agent | undefined, url: string): Promise<{ status: number; bytes: number; ms: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'GET', agent, headers: { accept: 'application/json' } }, (res) => {
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
