/**
 * The HTTP side of an OSB 2.17 broker, apart from what the broker does: routing of the spec's
 * endpoints, the `X-Broker-API-Version` check (412 below 2.14), basic or bearer authentication (401),
 * JSON bodies (400 when malformed, 413 when too large), and the echo of
 * `X-Broker-API-Request-Identity`. The handler gets one parsed request and returns the answer to send.
 * Both of Wharf's brokers serve through it; the example broker adds fault injection with `intercept`
 * and request recording with `observe`.
 *
 * @example
 * const server = await startOsbServer({
 *   auth: { basic: { username: 'broker', password: 'secret' } },
 *   handler: async (req) => (req.endpoint === 'catalog' ? { status: 200, body: { services: [] } } : { status: 404, body: {} }),
 * });
 * await server.close();
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { decodeOriginatingIdentity } from '../osb/originating-identity.js';
import type { JsonValue, OsbAuth } from '../osb/types.js';

/** The broker's endpoints, as routing (and a fault) names them. */
export type BrokerEndpoint =
  | 'catalog'
  | 'provision'
  | 'update'
  | 'deprovision'
  | 'lastOperation'
  | 'getInstance'
  | 'bind'
  | 'unbind'
  | 'lastBindingOperation'
  | 'getBinding';

/** What a broker answers: a status, a JSON body and extra headers. */
export interface BrokerAnswer {
  status: number;
  body: JsonValue;
  headers?: Record<string, string>;
}

/** An endpoint and the ids in its path. */
export interface OsbRoute {
  endpoint: BrokerEndpoint;
  /** Empty for the catalog. */
  instanceId: string;
  /** Empty but for binding endpoints. */
  bindingId: string;
}

export interface OsbRequest extends OsbRoute {
  query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  body: JsonValue | undefined;
  /** The decoded `X-Broker-API-Originating-Identity`, when sent in the spec's format. */
  originatingIdentity?: { platform: string; value: Record<string, unknown> };
}

export type OsbHandler = (req: OsbRequest) => Promise<BrokerAnswer>;

/** A request as it arrived, before any check: what `observe` sees. */
export interface ArrivedRequest {
  /** Undefined for a path that is no OSB endpoint. */
  route: OsbRoute | undefined;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The parsed body; undefined when there was none or it was not JSON. */
  body: JsonValue | undefined;
}

/**
 * What `intercept` may answer instead: a normal answer, one whose body is sent as these exact bytes
 * (`raw`, e.g. not JSON at all), or no answer (`hang`: the connection stays open until the client
 * leaves or the server closes).
 */
export type InterceptedAnswer = (BrokerAnswer & { raw?: string }) | { hang: true };

export interface OsbServerOptions {
  handler: OsbHandler;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Required authentication; none when absent. */
  auth?: OsbAuth;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Named in `WWW-Authenticate`. */
  realm?: string;
  /** Called once per answered request. */
  onRequest?: (method: string, path: string, status: number) => void;
  /** Sees every request as it arrives, before the checks. */
  observe?: (req: ArrivedRequest) => void;
  /**
   * Wraps each routed request: `proceed()` runs the checks and the handler and returns their answer.
   * A test broker answers something else before or after the real work here.
   */
  intercept?: (route: OsbRoute, proceed: () => Promise<BrokerAnswer>) => Promise<InterceptedAnswer>;
}

export interface OsbServer {
  /** e.g. `http://127.0.0.1:43121` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MIN_MINOR_VERSION = 14;
const MAX_REQUEST_BYTES = 1024 * 1024;

/** The endpoint a method and path name, with the ids in the path; undefined for anything else. */
export function routeOsbRequest(method: string, pathname: string): OsbRoute | undefined {
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts[0] !== 'v2') return undefined;
  let ids: string[];
  try {
    ids = parts.map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [, a, instanceId = '', c, bindingId = '', e] = ids;
  if (parts.length === 2 && a === 'catalog' && method === 'GET') return { endpoint: 'catalog', instanceId: '', bindingId: '' };
  if (a !== 'service_instances' || instanceId === '') return undefined;
  const pick = (table: Record<string, BrokerEndpoint>) => table[method];
  if (parts.length === 3) {
    const endpoint = pick({ PUT: 'provision', PATCH: 'update', DELETE: 'deprovision', GET: 'getInstance' });
    return endpoint ? { endpoint, instanceId, bindingId: '' } : undefined;
  }
  if (parts.length === 4 && c === 'last_operation' && method === 'GET') return { endpoint: 'lastOperation', instanceId, bindingId: '' };
  if (c !== 'service_bindings' || bindingId === '') return undefined;
  if (parts.length === 5) {
    const endpoint = pick({ PUT: 'bind', DELETE: 'unbind', GET: 'getBinding' });
    return endpoint ? { endpoint, instanceId, bindingId } : undefined;
  }
  if (parts.length === 6 && e === 'last_operation' && method === 'GET') return { endpoint: 'lastBindingOperation', instanceId, bindingId };
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether an Authorization header satisfies the configured authentication. */
export function osbAuthorized(auth: OsbAuth | undefined, header: string | undefined): boolean {
  if (!auth) return true;
  if (!header) return false;
  if ('basic' in auth) {
    return safeEqual(header, `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`);
  }
  return safeEqual(header, `Bearer ${auth.bearer.token}`);
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

/** The body as JSON: undefined when empty, `invalid` when it does not parse. */
function parseBody(text: string | undefined): { body: JsonValue | undefined; invalid: boolean } {
  if (text === undefined || text === '') return { body: undefined, invalid: false };
  try {
    return { body: JSON.parse(text) as JsonValue, invalid: false };
  } catch {
    return { body: undefined, invalid: true };
  }
}

export async function startOsbServer(opts: OsbServerOptions): Promise<OsbServer> {
  const realm = opts.realm ?? 'wharf-broker';

  const send = (req: http.IncomingMessage, res: http.ServerResponse, a: BrokerAnswer, raw?: string): void => {
    if (res.destroyed) return;
    const identity = req.headers['x-broker-api-request-identity'];
    res.writeHead(a.status, {
      'content-type': 'application/json',
      ...(typeof identity === 'string' ? { 'x-broker-api-request-identity': identity } : {}),
      ...(a.status === 401 ? { 'www-authenticate': `Basic realm="${realm}"` } : {}),
      ...a.headers,
    });
    res.end(raw ?? JSON.stringify(a.body));
    opts.onRequest?.(req.method ?? 'GET', req.url ?? '/', a.status);
  };

  /** The spec's checks, in the order a broker makes them, then the handler. */
  const checkAndHandle = async (req: http.IncomingMessage, route: OsbRoute, query: URLSearchParams, text: string | undefined): Promise<BrokerAnswer> => {
    const version = req.headers['x-broker-api-version'];
    const m = typeof version === 'string' ? /^2\.(\d+)$/.exec(version.trim()) : null;
    if (!m || Number(m[1]) < MIN_MINOR_VERSION) {
      return { status: 412, body: { description: `X-Broker-API-Version 2.${MIN_MINOR_VERSION} or later is required, got ${JSON.stringify(version ?? null)}` } };
    }
    if (!osbAuthorized(opts.auth, req.headers.authorization)) return { status: 401, body: { description: 'Authentication failed' } };
    if (text === undefined) return { status: 413, body: { description: `The request body is larger than ${MAX_REQUEST_BYTES} bytes` } };
    const { body, invalid } = parseBody(text);
    if (invalid) return { status: 400, body: { description: 'The request body is not valid JSON' } };
    const identity = decodeOriginatingIdentity(req.headers['x-broker-api-originating-identity'] as string | undefined);
    return opts.handler({ ...route, query, body, ...(identity ? { originatingIdentity: identity } : {}) });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://broker');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const route = routeOsbRequest(method, url.pathname);
    opts.observe?.({ route, method, path: url.pathname, query: url.searchParams, headers: req.headers, body: parseBody(text).body });
    if (!route) return send(req, res, { status: 404, body: { description: `No such endpoint: ${method} ${url.pathname}` } });
    const proceed = () => checkAndHandle(req, route, url.searchParams, text);
    if (!opts.intercept) return send(req, res, await proceed());
    const answer = await opts.intercept(route, proceed);
    if ('hang' in answer) return;
    send(req, res, answer, answer.raw);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(req, res, { status: 500, body: { description: `Broker error: ${(e as Error).message}` } });
    });
  };
  const server: http.Server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : http.createServer(listener);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
