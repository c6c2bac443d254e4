/**
 * An in-process OSB 2.17 broker over HTTP(S) for tests and examples: the catalog of
 * `example-catalog.ts`, instances and bindings in memory (or a JSON file), synchronous and
 * asynchronous operations, and controls to make it misbehave (`inject`, `failNextOperation`,
 * `behaviour.stallOperations`). It checks `X-Broker-API-Version` (412 below 2.14) and the
 * configured authentication (401), echoes `X-Broker-API-Request-Identity`, and records every request.
 *
 * @example
 * const broker = await startExampleBroker({ auth: { basic: { username: 'admin', password: 'secret' } } });
 * const client = new OsbClient({ url: broker.url, auth: { basic: { username: 'admin', password: 'secret' } } });
 * broker.inject({ endpoint: 'provision', status: 500, afterHandling: true }); // creates, then answers 500
 * await broker.close();
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { timingSafeEqual } from 'node:crypto';
import { decodeOriginatingIdentity } from '../osb/originating-identity.js';
import type { Catalog, JsonValue, OsbAuth } from '../osb/types.js';
import { bindingKey, BrokerState, type BindingRecord, type InstanceRecord } from './broker-state.js';
import { exampleCatalog } from './example-catalog.js';
import { ExampleHandlers, type BrokerAnswer, type BrokerBehaviour, type OperationFailure, type RequestFacts } from './example-handlers.js';
import { FaultQueue, type BrokerEndpoint, type Fault } from './faults.js';

export type { BrokerBehaviour, OperationFailure } from './example-handlers.js';
export type { BrokerEndpoint, Fault } from './faults.js';

export interface ExampleBrokerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Required authentication; none when absent. */
  auth?: OsbAuth;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  /** Every plan works asynchronously (the `large` plan always does). Default false. */
  async?: boolean;
  /** `in progress` answers before an asynchronous operation ends. Default 1. */
  asyncPolls?: number;
  /** Retry-After seconds on `in progress` answers. */
  retryAfterSeconds?: number;
  /** Bind requires an app (answers RequiresApp without `bind_resource.app_guid`). */
  requiresApp?: boolean;
  /** Bindings expire this many seconds after creation (`metadata.expires_at`). */
  bindingTtlSeconds?: number;
  /** Keep instances and bindings in this JSON file across restarts. */
  stateFile?: string;
  /** Serve another catalog (the handlers still assume the example plans' ids for async behaviour). */
  catalog?: Catalog;
}

export interface RecordedRequest {
  endpoint: BrokerEndpoint | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: JsonValue | undefined;
}

export interface ExampleBroker {
  /** Base URL to register, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Settings that may be changed while the broker runs. */
  readonly behaviour: BrokerBehaviour;
  /** Queue a fault; the first fault matching a request strikes it. */
  inject(fault: Fault): void;
  clearFaults(): void;
  /** The next asynchronous operation to finish ends `"state": "failed"`. */
  failNextOperation(failure?: OperationFailure): void;
  /**
   * Serve another catalog from now on (e.g. `exampleCatalog()` with a plan removed). Requests naming
   * ids the new catalog lacks get 400; existing instances stay.
   */
  setCatalog(catalog: Catalog): void;
  instance(id: string): InstanceRecord | undefined;
  instances(): InstanceRecord[];
  binding(instanceId: string, bindingId: string): BindingRecord | undefined;
  bindings(): BindingRecord[];
  close(): Promise<void>;
}

const MIN_MINOR_VERSION = 14;
const MAX_REQUEST_BYTES = 1024 * 1024;

interface Route {
  endpoint: BrokerEndpoint;
  instanceId?: string;
  bindingId?: string;
}

function route(method: string, path: string): Route | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'v2') return undefined;
  let ids: string[];
  try {
    ids = parts.map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [, a, instanceId, c, bindingId, e] = ids;
  if (parts.length === 2 && a === 'catalog' && method === 'GET') return { endpoint: 'catalog' };
  if (a !== 'service_instances' || instanceId === undefined) return undefined;
  if (parts.length === 3) {
    const byMethod: Record<string, BrokerEndpoint> = { PUT: 'provision', PATCH: 'update', DELETE: 'deprovision', GET: 'getInstance' };
    const endpoint = byMethod[method];
    return endpoint ? { endpoint, instanceId } : undefined;
  }
  if (parts.length === 4 && c === 'last_operation' && method === 'GET') return { endpoint: 'lastOperation', instanceId };
  if (c !== 'service_bindings' || bindingId === undefined) return undefined;
  if (parts.length === 5) {
    const byMethod: Record<string, BrokerEndpoint> = { PUT: 'bind', DELETE: 'unbind', GET: 'getBinding' };
    const endpoint = byMethod[method];
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

function authorized(auth: OsbAuth | undefined, header: string | undefined): boolean {
  if (!auth) return true;
  if (!header) return false;
  if ('basic' in auth) {
    const expected = `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`;
    return safeEqual(header, expected);
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

export async function startExampleBroker(opts: ExampleBrokerOptions = {}): Promise<ExampleBroker> {
  const state = new BrokerState(opts.stateFile);
  const behaviour: BrokerBehaviour = {
    async: opts.async ?? false,
    asyncPolls: opts.asyncPolls ?? 1,
    ...(opts.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: opts.retryAfterSeconds }),
    stallOperations: false,
    requiresApp: opts.requiresApp ?? false,
    ...(opts.bindingTtlSeconds === undefined ? {} : { bindingTtlSeconds: opts.bindingTtlSeconds }),
    credentialHost: opts.host ?? '127.0.0.1',
    credentialPort: 0,
  };
  const handlers = new ExampleHandlers(opts.catalog ?? exampleCatalog(), state, behaviour);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];

  const answer = (res: http.ServerResponse, a: BrokerAnswer, requestIdentity: string | undefined, raw?: string): void => {
    if (res.destroyed) return;
    const text = raw ?? JSON.stringify(a.body);
    res.writeHead(a.status, {
      'content-type': 'application/json',
      ...(requestIdentity ? { 'x-broker-api-request-identity': requestIdentity } : {}),
      ...(a.status === 401 ? { 'www-authenticate': 'Basic realm="example-broker"' } : {}),
      ...a.headers,
    });
    res.end(text);
  };

  /** Applies a fault's answer; false when the fault only delays and the normal answer should follow. */
  const strike = async (fault: Fault, res: http.ServerResponse, normal: BrokerAnswer | undefined, requestIdentity: string | undefined): Promise<boolean> => {
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.hang) return true; // the socket stays open until the client leaves or close() ends it
    if (fault.status === undefined && !fault.garbage) return false;
    const status = fault.status ?? normal?.status ?? 200;
    const body: JsonValue = fault.status !== undefined ? ((fault.body as JsonValue | undefined) ?? {}) : (normal?.body ?? {});
    const raw = fault.garbage ? '<html>this is not JSON' : typeof body === 'string' ? body : undefined;
    answer(res, { status, body, ...(fault.headers ? { headers: fault.headers } : {}) }, requestIdentity, raw);
    return true;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://broker');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const requestIdentity = req.headers['x-broker-api-request-identity'] as string | undefined;
    const r = route(method, url.pathname);
    let body: JsonValue | undefined;
    let bodyOk = true;
    if (text !== undefined && text !== '') {
      try {
        body = JSON.parse(text) as JsonValue;
      } catch {
        bodyOk = false;
      }
    }
    requests.push({
      endpoint: r?.endpoint ?? 'unknown',
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    });
    if (!r) return answer(res, { status: 404, body: { description: `No such endpoint: ${method} ${url.pathname}` } }, requestIdentity);

    const fault = faults.take(r.endpoint, r.instanceId);
    if (fault && !fault.afterHandling && (await strike(fault, res, undefined, requestIdentity))) return;

    const version = req.headers['x-broker-api-version'];
    const m = typeof version === 'string' ? /^2\.(\d+)$/.exec(version.trim()) : null;
    if (!m || Number(m[1]) < MIN_MINOR_VERSION) {
      return answer(res, { status: 412, body: { description: `X-Broker-API-Version 2.${MIN_MINOR_VERSION} or later is required, got ${JSON.stringify(version ?? null)}` } }, requestIdentity);
    }
    if (!authorized(opts.auth, req.headers.authorization)) {
      return answer(res, { status: 401, body: { description: 'Authentication failed' } }, requestIdentity);
    }
    if (!bodyOk || text === undefined) return answer(res, { status: 400, body: { description: 'The request body is not valid JSON' } }, requestIdentity);

    const facts: RequestFacts = { query: url.searchParams, body };
    const identity = decodeOriginatingIdentity(req.headers['x-broker-api-originating-identity'] as string | undefined);
    if (identity) facts.originatingIdentity = { platform: identity.platform, ...identity.value };
    const iid = r.instanceId ?? '';
    const bid = r.bindingId ?? '';
    let a: BrokerAnswer;
    switch (r.endpoint) {
      case 'catalog': a = handlers.getCatalog(); break;
      case 'provision': a = handlers.provision(iid, facts); break;
      case 'update': a = handlers.update(iid, facts); break;
      case 'deprovision': a = handlers.deprovision(iid, facts); break;
      case 'lastOperation': a = handlers.lastOperation(iid, facts); break;
      case 'getInstance': a = handlers.getInstance(iid); break;
      case 'bind': a = handlers.bind(iid, bid, facts); break;
      case 'unbind': a = handlers.unbind(iid, bid, facts); break;
      case 'lastBindingOperation': a = handlers.lastBindingOperation(iid, bid, facts); break;
      case 'getBinding': a = handlers.getBinding(iid, bid); break;
    }
    if (fault?.afterHandling && (await strike(fault, res, a, requestIdentity))) return;
    answer(res, a, requestIdentity);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) answer(res, { status: 500, body: { description: `Broker bug: ${(e as Error).message}` } }, undefined);
    });
  };
  const server: http.Server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  behaviour.credentialPort = port;
  const host = opts.host ?? '127.0.0.1';
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    requests,
    behaviour,
    inject: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    failNextOperation: (f) => handlers.failNextOperation(f),
    setCatalog: (c) => handlers.setCatalog(c),
    instance: (id) => state.instances.get(id),
    instances: () => [...state.instances.values()],
    binding: (i, b) => state.bindings.get(bindingKey(i, b)),
    bindings: () => [...state.bindings.values()],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
