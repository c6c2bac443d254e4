import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { StatusError, type KubeObject } from '../../api/index.js';

/** Where a node's API listens, as its Node publishes it. */
export interface NodeEndpoint {
  host: string;
  port: number;
}

/**
 * The node API's address from a Node: the first InternalIP, else ExternalIP, else Hostname (kube-apiserver's
 * `--kubelet-preferred-address-types` minus the DNS kinds Wharf never sets), and
 * `status.daemonEndpoints.kubeletEndpoint.Port`. Undefined when the port is 0 or missing: nothing serves it.
 */
export function nodeEndpoint(node: KubeObject): NodeEndpoint | undefined {
  const status = (node.status ?? {}) as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const addresses = status.addresses ?? [];
  for (const type of ['InternalIP', 'ExternalIP', 'Hostname']) {
    const found = addresses.find((a) => a.type === type && a.address);
    if (found) return { host: found.address, port };
  }
  return undefined;
}

/** Brackets an IPv6 address for a URL or a Host header. */
function hostPort(e: NodeEndpoint): string {
  return `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
}

/** Headers the API server never forwards: the client's credentials, and hop-by-hop ones it rewrites. */
const dropped = new Set(['authorization', 'host', 'cookie', 'content-length']);

/**
 * How the API server reaches node APIs: HTTPS with its own client certificate (which node APIs
 * demand). As kube-apiserver without `--kubelet-certificate-authority`, it does not verify the node's
 * serving certificate; the client certificate is what keeps others out of the node API.
 */
export class KubeletClient {
  constructor(private readonly credentials: { cert: string; key: string }, private readonly timeoutMs = 10_000) {}

  /** A GET to the node API; resolves with the response (any status) once its headers arrived. */
  get(endpoint: NodeEndpoint, path: string, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: endpoint.host, port: endpoint.port, path, method: 'GET', cert: this.credentials.cert, key: this.credentials.key, rejectUnauthorized: false, signal },
        resolve,
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error('timed out waiting for the node to answer')));
      req.on('error', (e) => reject(dialError(endpoint, e)));
      req.end();
    });
  }

  /**
   * Forwards an upgrade request (WebSocket or SPDY) to the node API at `path` and then joins the two
   * connections byte for byte: the node's answer (101 or an error) and every frame after it reach the
   * client unchanged, as kube-apiserver's upgrade-aware proxy does.
   */
  proxyUpgrade(endpoint: NodeEndpoint, path: string, req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const node: TLSSocket = tlsConnect({ host: endpoint.host, port: endpoint.port, cert: this.credentials.cert, key: this.credentials.key, rejectUnauthorized: false });
      const timer = setTimeout(() => node.destroy(new Error('timed out connecting to the node')), this.timeoutMs);
      node.once('error', (e) => {
        clearTimeout(timer);
        reject(dialError(endpoint, e));
      });
      node.once('secureConnect', () => {
        clearTimeout(timer);
        node.removeAllListeners('error');
        const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${hostPort(endpoint)}`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          const name = req.rawHeaders[i];
          const lower = name.toLowerCase();
          if (dropped.has(lower) || lower.startsWith('impersonate-')) continue;
          lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
        }
        node.write(lines.join('\r\n') + '\r\n\r\n');
        if (head.length > 0) node.write(head);
        const end = (): void => {
          client.destroy();
          node.destroy();
        };
        node.on('error', end);
        client.on('error', end);
        node.on('close', () => client.end());
        client.on('close', () => node.end());
        node.pipe(client);
        client.pipe(node);
        resolve();
      });
    });
  }
}

function dialError(endpoint: NodeEndpoint, e: Error): StatusError {
  return new StatusError(500, 'InternalError', `error dialing backend: dial tcp ${hostPort(endpoint)}: ${e.message}`);
}
