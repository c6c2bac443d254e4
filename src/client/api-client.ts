import http, { type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import https from 'node:https';
import tls from 'node:tls';
import type { KubeObject, Status } from '../api/index.js';
import { loadKubeconfig, type ConnectionConfig } from './kubeconfig.js';
import type { ResourceDescriptor } from './resource-descriptor.js';
import { statusErrorFromResponse } from './response-error.js';
import { SocketTransport } from './socket-transport.js';
import { WatchStream } from './watch-stream.js';

export const clientVersion = '0.1.0';

export interface ApiClientOptions extends ConnectionConfig {
  /** Names the caller in the User-Agent: `wharf-<component>/0.1.0`. */
  component?: string;
  /** Per-request timeout for everything but watches; 60 s by default. */
  timeoutMs?: number;
  /**
   * Connections open at once for requests other than watches; 32 by default. Further requests wait
   * for a free connection, as over one HTTP/2 connection upstream: a burst of hundreds of new TLS
   * handshakes costs the server far more than queueing here. Watches have connections of their own.
   */
  maxConnections?: number;
}

/** A LIST response. */
export interface ObjectList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

interface Cancellable {
  signal?: AbortSignal;
}

export interface GetOptions extends Cancellable {
  namespace?: string;
  resourceVersion?: string;
}

export interface ListOptions extends Cancellable {
  /** Omit to list across all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends Cancellable {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
}

export interface WriteOptions extends Cancellable {
  /** Used when the object itself names no namespace. */
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** json = RFC 6902, merge = RFC 7386, strategic = Kubernetes strategic merge, apply = server-side apply. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** Server-side apply only: take ownership of fields other managers own. */
  force?: boolean;
  subresource?: string;
}

export interface DeleteOptions extends Cancellable {
  namespace?: string;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions extends Cancellable {
  query?: Record<string, QueryValue>;
  contentType?: string;
  /** Overrides the client's default timeout; 0 for none (watches). */
  timeoutMs?: number;
}

const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** `/api/v1/namespaces/ns/pods/name/status` and the like. */
export function resourcePath(r: ResourceDescriptor, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  else if (r.namespaced && name !== undefined) throw new TypeError(`${r.plural} are namespaced: a namespace is required to address "${name}"`);
  p += `/${r.plural}`;
  if (name !== undefined) {
    if (name === '') throw new TypeError('A resource name may not be empty');
    p += `/${encodeURIComponent(name)}`;
  }
  if (subresource) p += `/${subresource}`;
  return p;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Objects are sent as JSON, strings and buffers as they are. */
function encodePayload(body: unknown): string | Buffer | undefined {
  return body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
}

function readBody(res: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/**
 * A typed REST client for Wharf (or any Kubernetes) API server over HTTP or HTTPS, reusing
 * connections. Failed calls throw `StatusError` built from the server's Status, so `isNotFound(e)`,
 * `isConflict(e)` and the rest work on them.
 *
 * @example
 * const client = ApiClient.fromKubeconfig('/etc/wharf/admin.conf', { component: 'scheduler' });
 * const pod = await client.get(pods, 'web', { namespace: 'default' });
 */
export class ApiClient {
  readonly baseUrl: URL;
  /** The URL's path prefix, without a trailing slash. */
  private readonly basePath: string;
  readonly userAgent: string;
  private readonly agent: http.Agent;
  /** Watches hold their connection for as long as they run, so they never take one of `agent`'s. */
  private readonly watchAgent: http.Agent;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly transport: typeof http | typeof https;
  private readonly socketPath: string | undefined;
  /** With `socketPath`: Wharf's own HTTP/1.1 client over the socket instead of Node's. */
  private readonly socket: SocketTransport | undefined;
  /** The header lines every request over `socket` carries, CRLF-terminated. */
  private readonly socketHead: string;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = new URL(opts.baseUrl);
    this.basePath = this.baseUrl.pathname.replace(/\/$/, '');
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new TypeError(`Unsupported API server URL scheme "${this.baseUrl.protocol}"`);
    }
    if (opts.socketPath !== undefined && this.baseUrl.protocol !== 'http:') {
      throw new TypeError(`A Unix socket carries plain HTTP: the URL must be http:, not ${this.baseUrl.protocol}`);
    }
    this.socketPath = opts.socketPath;
    this.userAgent = `wharf-${opts.component ?? 'client'}/${clientVersion}`;
    this.token = opts.token;
    if (/[\r\n]/.test(`${this.token ?? ''}${this.userAgent}`)) throw new TypeError('A token or component name may not hold line breaks');
    // The headers send() gives Node's client, written out once.
    this.socketHead = `Accept: application/json\r\nUser-Agent: ${this.userAgent}\r\n${this.token ? `Authorization: Bearer ${this.token}\r\n` : ''}`;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    const maxSockets = opts.maxConnections ?? 32;
    if (!Number.isInteger(maxSockets) || maxSockets < 1) throw new RangeError(`maxConnections must be a whole number >= 1, not ${maxSockets}`);
    if (opts.socketPath !== undefined) this.socket = new SocketTransport(opts.socketPath, maxSockets);
    if (this.baseUrl.protocol === 'https:') {
      this.transport = https;
      const tlsOptions = {
        keepAlive: true,
        // One context for every socket: built per connection, parsing the PEMs is most of a handshake's cost.
        secureContext: tls.createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key }),
        rejectUnauthorized: !opts.insecureSkipTlsVerify,
      };
      this.agent = new https.Agent({ ...tlsOptions, maxSockets });
      this.watchAgent = new https.Agent(tlsOptions);
    } else {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets });
      this.watchAgent = new http.Agent({ keepAlive: true });
    }
  }

  /** A client for the current (or named) context of a kubeconfig file. */
  static fromKubeconfig(file: string, opts: { component?: string; context?: string; timeoutMs?: number; maxConnections?: number } = {}): ApiClient {
    return new ApiClient({ ...loadKubeconfig(file, opts.context), component: opts.component, timeoutMs: opts.timeoutMs, maxConnections: opts.maxConnections });
  }

  get<T extends KubeObject = KubeObject>(r: ResourceDescriptor, name: string, opts: GetOptions = {}): Promise<T> {
    return this.request<T>('GET', resourcePath(r, opts.namespace, name), undefined, {
      query: { resourceVersion: opts.resourceVersion },
      signal: opts.signal,
    });
  }

  list<T extends KubeObject = KubeObject>(r: ResourceDescriptor, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>('GET', resourcePath(r, opts.namespace), undefined, {
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
      signal: opts.signal,
    });
  }

  create<T extends KubeObject = KubeObject>(r: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = this.namespaceOf(r, obj, opts);
    return this.request<T>('POST', resourcePath(r, ns), obj, { query: writeQuery(opts), signal: opts.signal });
  }

  /** PUT of the whole object; send metadata.resourceVersion for optimistic concurrency. */
  update<T extends KubeObject = KubeObject>(r: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(r, obj, undefined, opts);
  }

  /** PUT to the status subresource: only status changes are kept. */
  updateStatus<T extends KubeObject = KubeObject>(r: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(r, obj, 'status', opts);
  }

  /**
   * PATCH in one of the four Kubernetes patch formats. `apply` sends the body as the applied
   * configuration and needs `fieldManager`.
   */
  patch<T extends KubeObject = KubeObject>(r: ResourceDescriptor, name: string, body: unknown, opts: PatchOptions): Promise<T> {
    if (opts.type === 'apply' && !opts.fieldManager) throw new TypeError('Server-side apply needs a fieldManager');
    return this.request<T>('PATCH', resourcePath(r, opts.namespace, name, opts.subresource), body, {
      query: { ...writeQuery(opts), force: opts.type === 'apply' && opts.force ? true : undefined },
      contentType: patchContentTypes[opts.type],
      signal: opts.signal,
    });
  }

  /** DELETE; answers the object (still terminating, or as deleted) or a Success Status. */
  delete<T extends KubeObject = KubeObject>(r: ResourceDescriptor, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.preconditions) body.preconditions = opts.preconditions;
    if (opts.dryRun) body.dryRun = ['All'];
    return this.request<T | Status>('DELETE', resourcePath(r, opts.namespace, name), body, { signal: opts.signal });
  }

  /**
   * Opens a watch. The promise settles once the server has answered (rejecting with a StatusError if
   * it refused); the events then arrive through the returned stream.
   */
  async watch<T extends KubeObject = KubeObject>(r: ResourceDescriptor, opts: WatchOptions = {}): Promise<WatchStream<T>> {
    const query: Record<string, QueryValue> = {
      watch: true,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks ? true : undefined,
      timeoutSeconds: opts.timeoutSeconds,
      sendInitialEvents: opts.sendInitialEvents,
    };
    const pathAndQuery = resourcePath(r, opts.namespace) + queryString(query);
    const { res, cancel } = this.socket
      ? await this.socket.stream('GET', this.basePath + pathAndQuery, this.socketHead, { signal: opts.signal }).then((s) => ({ res: Object.assign(s.body, { statusCode: s.statusCode }), cancel: s.cancel }))
      : await this.send('GET', pathAndQuery, undefined, { timeoutMs: 0, signal: opts.signal, watch: true });
    if (res.statusCode !== 200) {
      const body = await readBody(res);
      cancel();
      throw statusErrorFromResponse(res.statusCode ?? 500, body);
    }
    const stream = new WatchStream<T>(res, cancel);
    if (opts.signal) {
      const signal = opts.signal;
      const onAbort = (): void => stream.stop();
      if (signal.aborted) stream.stop();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        res.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
    return stream;
  }

  /**
   * Any request by path (`/version`, a subresource, ...). Objects are sent as JSON, strings as they
   * are; the JSON answer is returned, or undefined when the body is empty.
   */
  async request<R = unknown>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<R> {
    const pathAndQuery = path + queryString(opts.query);
    let code: number;
    let text: string;
    if (this.socket) {
      const payload = encodePayload(body);
      const head = payload === undefined ? this.socketHead : `${this.socketHead}Content-Type: ${opts.contentType ?? 'application/json'}\r\n`;
      ({ statusCode: code, body: text } = await this.socket.request(method, this.basePath + pathAndQuery, head, payload, { timeoutMs: opts.timeoutMs ?? this.timeoutMs, signal: opts.signal }));
    } else {
      const { res } = await this.send(method, pathAndQuery, body, opts);
      text = await readBody(res);
      code = res.statusCode ?? 500;
    }
    if (code < 200 || code > 299) throw statusErrorFromResponse(code, text);
    if (text === '') return undefined as R;
    return JSON.parse(text) as R;
  }

  /** Closes idle kept-alive connections; open watches end when their streams are stopped. */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
    this.socket?.close();
  }

  private put<T extends KubeObject>(r: ResourceDescriptor, obj: T, subresource: string | undefined, opts: WriteOptions): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new TypeError('An object to update needs metadata.name');
    const ns = this.namespaceOf(r, obj, opts);
    return this.request<T>('PUT', resourcePath(r, ns, name, subresource), obj, { query: writeQuery(opts), signal: opts.signal });
  }

  private namespaceOf(r: ResourceDescriptor, obj: KubeObject, opts: WriteOptions): string | undefined {
    if (!r.namespaced) return undefined;
    const ns = obj.metadata?.namespace || opts.namespace;
    if (!ns) throw new TypeError(`${r.plural} are namespaced: set metadata.namespace or the namespace option`);
    return ns;
  }

  private send(method: string, pathAndQuery: string, body: unknown, opts: RequestOptions & { watch?: boolean }): Promise<{ res: IncomingMessage; cancel: () => void }> {
    const payload = encodePayload(body);
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', 'User-Agent': this.userAgent };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const base = this.basePath;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        {
          protocol: this.baseUrl.protocol,
          hostname: this.baseUrl.hostname.replace(/^\[|\]$/g, ''),
          port: this.baseUrl.port || undefined,
          socketPath: this.socketPath,
          method,
          path: base + pathAndQuery,
          headers,
          agent: opts.watch ? this.watchAgent : this.agent,
          signal: opts.signal,
        },
        (res) => resolve({ res, cancel: () => req.destroy() }),
      );
      req.on('error', reject);
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${pathAndQuery} timed out after ${timeoutMs} ms`)));
      }
      req.end(payload);
    });
  }
}

function writeQuery(opts: WriteOptions): Record<string, QueryValue> {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation };
}
