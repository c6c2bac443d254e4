import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isAlreadyExists,
  pathNotFound,
  ResourceRegistry,
  type KubeObject,
  type ResourceDefinition,
} from '../api/index.js';
import { openApiResponse } from '../api/openapi/index.js';
import type { Store } from '../storage/index.js';
import { Admission } from './admission.js';
import {
  aggregatedDiscovery,
  apiGroupInfo,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.js';
import { sendError, sendJson, sendRaw } from './http-io.js';
import { ApiServerMetrics } from './metrics.js';
import { resolveRequest, type RequestInfo } from './request-info.js';
import { handleResource, type HandlerContext } from './resource-handler.js';
import { ResourceStore } from './resource-store.js';

export interface ApiServerOptions {
  store: Store;
  registry?: ResourceRegistry;
}

/** The version the API reports: the Kubernetes API level Wharf serves, tagged as Wharf's build. */
export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+wharf',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-26T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};


/** The Kubernetes API over HTTP: discovery, OpenAPI, and every resource of the registry. */
export class ApiServer implements HandlerContext {
  readonly registry: ResourceRegistry;
  private readonly store: Store;
  private readonly stores = new Map<ResourceDefinition, ResourceStore>();
  private readonly admission: Admission;
  readonly metrics = new ApiServerMetrics(() => this.stores.entries());
  private server: Server | undefined;
  private address = '127.0.0.1:6443';

  constructor(opts: ApiServerOptions) {
    this.store = opts.store;
    this.registry = opts.registry ?? new ResourceRegistry();
    const ns = this.storeFor(this.registry.lookup('', 'v1', 'namespaces')!);
    const svc = this.storeFor(this.registry.lookup('', 'v1', 'services')!);
    this.admission = new Admission(ns, svc);
  }

  storeFor(def: ResourceDefinition): ResourceStore {
    let s = this.stores.get(def);
    if (!s) {
      s = new ResourceStore(def, this.store);
      this.stores.set(def, s);
    }
    return s;
  }

  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.registry.lookup(group, version, plural);
  }

  admit(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined): Promise<void> {
    return this.admission.admit(def, obj, old, subresource);
  }

  /** Starts listening; resolves with the bound port. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 70_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    this.address = `${host}:${bound}`;
    await this.bootstrap();
    // Serve at once; fill every watch cache in the background so the first LIST does not wait for it.
    void this.warmCaches();
    return bound;
  }

  /** Creates what every cluster has: the system namespaces and the `kubernetes` service. */
  private async bootstrap(): Promise<void> {
    const namespaces = this.storeFor(this.registry.lookup('', 'v1', 'namespaces')!);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await ignoreExisting(namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    }
    const services = this.storeFor(this.registry.lookup('', 'v1', 'services')!);
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: Number(this.address.split(':')[1]) }] },
    };
    if (!(await services.find('default', 'kubernetes'))) {
      await this.admit(services.def, svc, undefined, undefined);
      await ignoreExisting(services.create(svc));
    }
  }

  private async warmCaches(): Promise<void> {
    for (const def of this.registry.all()) {
      try {
        await this.storeFor(def).cache.start();
      } catch (e) {
        console.error(`wharf apiserver: loading ${def.plural} failed:`, e);
      }
    }
  }

  async close(): Promise<void> {
    for (const s of this.stores.values()) s.cache.stop();
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Watches hold connections open; end them so shutdown is prompt.
      setTimeout(() => server.closeAllConnections(), 200).unref();
    });
  }

  /** Requests received so far: a cheap measure of how busy the server has been. */
  requestCount = 0;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    this.requestCount++;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    let info: RequestInfo = { kind: 'nonresource', path: url.pathname, verb: (req.method ?? 'GET').toLowerCase() };
    res.once('finish', () => this.recordRequest(info, res.statusCode, started));
    try {
      info = resolveRequest(req.method ?? 'GET', url.pathname, url.searchParams);
      const path = url.pathname;
      if (path === '/healthz' || path === '/livez' || path === '/readyz' || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) {
        return sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
      }
      if (path === '/version' || path === '/version/') return sendJson(res, 200, serverVersion);
      if (path === '/metrics') return sendRaw(res, 200, await this.metrics.text(), this.metrics.contentType);
      if (path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return this.serveOpenApi(req, res, url);
      if (this.serveDiscovery(req, res, path)) return;
      if (info.kind !== 'resource') throw pathNotFound();
      const def = this.registry.lookup(info.group, info.version, info.resource);
      if (!def) throw pathNotFound();
      if (!def.namespaced && info.namespace !== undefined && !(def.plural === 'namespaces' && def.group === '')) throw pathNotFound();
      await handleResource({ req, res, info, query: url.searchParams, def, store: this.storeFor(def), ctx: this });
    } catch (err) {
      if (!(err instanceof Error) || (err as { status?: unknown }).status === undefined) {
        // Unexpected failures are logged once; the client gets a 500 Status.
        console.error(`wharf apiserver: ${req.method} ${req.url}:`, err);
      }
      sendError(res, err);
    }
  }

  private recordRequest(info: RequestInfo, code: number, started: number): void {
    const resource = info.kind === 'resource';
    const verb = info.verb === 'watch' ? 'WATCH' : info.verb === 'list' ? 'LIST' : info.verb === 'deletecollection' ? 'DELETE' : info.verb === 'get' ? 'GET' : info.verb === 'create' ? 'POST' : info.verb === 'update' ? 'PUT' : info.verb.toUpperCase();
    this.metrics.observe({
      verb,
      group: resource ? info.group : '',
      version: resource ? info.version : '',
      resource: resource ? info.resource : '',
      subresource: resource ? (info.subresource ?? '') : '',
      code,
      seconds: (performance.now() - started) / 1000,
    });
  }

  private serveOpenApi(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const doc = openApiResponse(this.registry.all(), url.pathname, req.headers.accept ?? '', url.searchParams);
    if (!doc) throw pathNotFound();
    res.setHeader('ETag', doc.etag);
    res.setHeader('Cache-Control', doc.cacheControl);
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304).end();
      return;
    }
    sendRaw(res, 200, doc.body, doc.contentType);
  }

  /** Answers discovery paths; false when `path` is not one. */
  private serveDiscovery(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const parts = path.split('/').filter(Boolean);
    const aggregated = wantsAggregated(req.headers.accept);
    if (parts.length === 1 && (parts[0] === 'api' || parts[0] === 'apis')) {
      if (aggregated) {
        res.setHeader('Vary', 'Accept');
        sendRaw(res, 200, JSON.stringify(aggregatedDiscovery(this.registry, parts[0] === 'api')), aggregated);
      } else {
        sendJson(res, 200, parts[0] === 'api' ? apiVersions(this.address) : apiGroupList(this.registry));
      }
      return true;
    }
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList(this.registry, '', parts[1]);
      if (!list) throw pathNotFound();
      sendJson(res, 200, list);
      return true;
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const group = apiGroupInfo(this.registry, parts[1]);
      if (!group) throw pathNotFound();
      sendJson(res, 200, group);
      return true;
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = apiResourceList(this.registry, parts[1], parts[2]);
      if (!list) throw pathNotFound();
      sendJson(res, 200, list);
      return true;
    }
    return false;
  }
}

async function ignoreExisting(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}
