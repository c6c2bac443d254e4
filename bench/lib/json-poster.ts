import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { httpRequest, keepAliveAgent, type HttpResult, type TlsCredentials } from './http-client.js';

/**
 * Which HTTP client a benchmark's load generator uses. `undici` is the HTTP/1.1 client Node's own fetch is
 * built on; on this 2-core machine the load generator's CPU is taken from the server it measures, and undici
 * spends well under half of what `node:https` does per request. `node` is Node's `http`/`https` agent.
 */
export type HttpClientKind = 'undici' | 'node';
export const httpClientKinds: readonly HttpClientKind[] = ['undici', 'node'];

/** POSTs JSON bodies to one server over `connections` kept-alive connections, and reads each whole answer. */
export interface JsonPoster {
  post(path: string, body: string): Promise<HttpResult>;
  /** Closes the connections; later calls do nothing. */
  close(): Promise<void>;
}

/** A poster for `baseUrl` (http or https; with https, `tls` is the CA and the client certificate to present). */
export function jsonPoster(kind: HttpClientKind, baseUrl: string, connections: number, tls: TlsCredentials | undefined): JsonPoster {
  return kind === 'undici' ? undiciPoster(baseUrl, connections, tls) : nodePoster(baseUrl, connections, tls);
}

function nodePoster(baseUrl: string, connections: number, tls: TlsCredentials | undefined): JsonPoster {
  const agent = keepAliveAgent(connections, tls);
  return {
    post: (path, body) => httpRequest({ agent }, 'POST', baseUrl + path, body),
    close: async () => agent.destroy(),
  };
}

const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

function undiciPoster(baseUrl: string, connections: number, tls: TlsCredentials | undefined): JsonPoster {
  // One request at a time per connection, as the Node agent does: HTTP pipelining would change what is measured.
  // Idle connections are kept for a minute, as the Node agent keeps them until the server's 65 s timeout (undici
  // would close them after 4 s, and a phase after a pause would start with new TLS handshakes).
  const pool = new Pool(baseUrl, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    connect: tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : undefined,
  });
  return {
    post: async (path, body) => {
      const started = performance.now();
      const res = await pool.request({ path, method: 'POST', headers: jsonHeaders, body });
      const text = await res.body.text();
      return { status: res.statusCode, body: text, ms: performance.now() - started };
    },
    close: async () => {
      if (!pool.closed) await pool.close();
    },
  };
}
