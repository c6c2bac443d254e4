import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createConnection, type AddressInfo } from 'node:net';
import {
  badRequest,
  isAlreadyExists,
  isStatusError,
  pathNotFound,
  ResourceRegistry,
  type KubeObject,
  type ResourceDefinition,
  type Status,
} from '../api/index.js';
import { openApiResponse } from '../api/openapi/index.js';
import { systemPriorityClasses } from '../api/resources/scheduling/priority-class.js';
import type { Store } from '../storage/index.js';
import { Admission, type AdmissionResult } from './admission.js';
import { NodeRestriction } from './admission/node-restriction.js';
import { preciseNow, sourceIPs, type Auditor, type AuditRequest } from './audit/index.js';
import { withBootstrapTokens, type Authenticator } from './authn/index.js';
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
import { evaluateAccessReview, evaluateRulesReview, forbiddenError, systemNodeRules } from './rbac/index.js';
import { RbacWiring, isRbacKind } from './rbac-wiring.js';
import { authorizerChain, NodeAuthorizer, NodeGraph, NodeGraphFeed, nodeIdentity, type Authorizer, type NodeAuthorizationAttributes } from './node-authz/index.js';
import { anonymousUser, type AuthorizationAttributes, type RequestContext, type UserInfo } from './request-context.js';
import { resolveRequest, type RequestInfo } from './request-info.js';
import { handleResource, type HandlerContext } from './resource-handler.js';
import { ResourceStore } from './resource-store.js';
import type { HistoryLimits } from './watch-cache.js';
import { issueToken, type TokenIssuer } from './service-accounts.js';
import { NODE_CERTIFICATE_PATH, serveNodeCertificate } from './node-certificates/index.js';
import { issueClientCertificate, KUBELET_CLIENT_USER, type CertAndKey } from './pki/index.js';
import { KubeletClient, proxyPodConnect, streamingSubresources } from './streaming/index.js';
import type { Duplex } from 'node:stream';

export interface ApiServerOptions {
  store: Store;
  registry?: ResourceRegistry;
  /** Serve HTTPS with this certificate; client certificates signed by `clientCa` are asked for. */
  tls?: { cert: string; key: string; clientCa?: string };
  /** Who a request is. Without one every request acts as a cluster administrator (loopback development). */
  authenticator?: Authenticator;
  /** Enforce RBAC on every request (needs an authenticator to mean anything). */
  rbac?: boolean;
  /**
   * With `rbac`: ask the Node authorizer first and run NodeRestriction admission, as
   * `--authorization-mode=Node,RBAC` (nodes then get nothing from the `system:node` binding).
   */
  nodeAuthorization?: boolean;
  auditor?: Auditor;
  /** Signs ServiceAccount tokens for the TokenRequest subresource. */
  tokenIssuer?: TokenIssuer;
  /** How often storage history is compacted (5 minutes by default; 0 never). */
  compactionIntervalMs?: number;
  /** How much history each resource's watch cache keeps (tests shorten it). */
  watchHistory?: HistoryLimits;
  /** The cluster CA, to sign node client certificates for joining nodes (see node-certificates/). */
  nodeCertificateSigner?: CertAndKey;
  /**
   * The client certificate for node APIs (logs, exec, attach, port-forward), whose user node APIs let
   * in. Without it, one for `kube-apiserver-kubelet-client` is issued from `nodeCertificateSigner`.
   */
  kubeletClientCertificate?: CertAndKey;
}

/** The user of every request when the server runs without authentication. */
const unauthenticatedAdmin: UserInfo = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

/** Paths anyone may read, even before RBAC has loaded. */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

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
  /** The plain-HTTP Unix-socket listener of `listenLocal`, if any. */
  private localServer: Server | undefined;
  private address = '127.0.0.1:6443';
  private readonly rbac: RbacWiring | undefined;
  private compactionTimer: NodeJS.Timeout | undefined;
  /** The Status each failed response carried, for its audit event. */
  private readonly failures = new WeakMap<ServerResponse, Status>();
  /** The configured authenticator, which also accepts bootstrap tokens (kube-system Secrets). */
  private readonly authenticator: Authenticator | undefined;
  /** RBAC, after the Node authorizer when node authorization is on; undefined without RBAC. */
  private readonly authorizer: Authorizer | undefined;
  private readonly nodeGraphFeed: NodeGraphFeed | undefined;
  private readonly nodeRestriction: NodeRestriction | undefined;
  /** The user of the TokenRequest being served, for NodeRestriction (the handler does not pass it on). */
  private readonly tokenRequester = new AsyncLocalStorage<UserInfo>();
  /** Upgraded connections (exec, attach, port-forward) in progress; `close` ends them. */
  private readonly upgradedSockets = new Set<Duplex>();
  /** How node APIs are reached; set in `listen` when the server has (or can issue) credentials. */
  kubelet: KubeletClient | undefined;

  constructor(private readonly opts: ApiServerOptions) {
    this.store = opts.store;
    this.registry = opts.registry ?? new ResourceRegistry();
    this.authenticator = opts.authenticator && withBootstrapTokens(opts.authenticator, async (name) => (await this.storeFor(this.core('secrets')).find('kube-system', name))?.obj);
    const ns = this.storeFor(this.core('namespaces'));
    const svc = this.storeFor(this.core('services'));
    if (opts.rbac && opts.nodeAuthorization) {
      this.nodeRestriction = new NodeRestriction(async (plural, namespace, name) => (await this.storeFor(this.core(plural)).find(namespace, name))?.obj);
    }
    this.admission = new Admission(ns, svc, {
      nodeRestriction: this.nodeRestriction,
      list: (group, plural, namespace) => {
        const def = this.registry.all().find((d) => d.group === group && d.plural === plural);
        if (!def) return [];
        const store = this.storeFor(def);
        return store.cache.list(store.listPrefix(namespace)).map((c) => c.obj);
      },
      updateQuotaStatus: async (namespace, name, status) => {
        await this.storeFor(this.core('resourcequotas')).guaranteedUpdate(namespace, name, 'status', (current) => ({ ...current, status }));
      },
    });
    if (opts.rbac) {
      this.rbac = new RbacWiring((plural) => this.storeFor(this.registry.lookup('rbac.authorization.k8s.io', 'v1', plural)!), Boolean(opts.nodeAuthorization));
      this.authorizer = this.rbac.authorizer;
      if (opts.nodeAuthorization) {
        const graph = new NodeGraph();
        this.nodeGraphFeed = new NodeGraphFeed(graph, this.storeFor(this.core('pods')), this.storeFor(this.core('persistentvolumes')));
        this.authorizer = authorizerChain([new NodeAuthorizer(graph, systemNodeRules()), this.rbac.authorizer]);
      }
    }
  }

  private core(plural: string): ResourceDefinition {
    const def = this.registry.lookup('', 'v1', plural);
    if (!def) throw new Error(`the registry has no core/v1 ${plural}`);
    return def;
  }

  storeFor(def: ResourceDefinition): ResourceStore {
    let s = this.stores.get(def);
    if (!s) {
      s = new ResourceStore(def, this.store, this.opts.watchHistory);
      this.stores.set(def, s);
    }
    return s;
  }

  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.registry.lookup(group, version, plural);
  }

  async admit(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined, user?: UserInfo): Promise<AdmissionResult> {
    if (this.rbac && user && isRbacKind(def.group, def.plural) && !subresource) this.rbac.checkWrite(user, obj, old);
    return this.admission.review(def, obj, old, subresource, user);
  }

  async admitDelete(def: ResourceDefinition, obj: KubeObject, user?: UserInfo): Promise<void> {
    await this.admission.admitDelete(def, obj, user);
  }

  /** Answers the create-only review kinds of authorization.k8s.io, which are evaluated, not stored. */
  review(def: ResourceDefinition, body: KubeObject, user: UserInfo, namespace: string | undefined): KubeObject | undefined {
    if (def.group === 'authentication.k8s.io' && def.kind === 'SelfSubjectReview') {
      const userInfo: Record<string, unknown> = { username: user.username, groups: user.groups };
      if (user.uid) userInfo.uid = user.uid;
      if (user.extra) userInfo.extra = user.extra;
      return { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'], status: { userInfo } };
    }
    if (def.group !== 'authorization.k8s.io') return undefined;
    const authorizer = this.authorizer ?? { authorize: () => ({ decision: 'allow' as const, reason: '' }) };
    if (def.kind === 'SelfSubjectRulesReview') {
      if (!this.rbac) return { ...body, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false } };
      const rules = evaluateRulesReview(body, user, this.rbac.authorizer);
      // The Node authorizer cannot list a node's rules (they depend on its pods): upstream says so this way.
      if (this.nodeGraphFeed && nodeIdentity(user).isNode) {
        const status = rules.status as { incomplete?: boolean; evaluationError?: string };
        const own = 'node authorizer does not support user rule resolution';
        status.incomplete = true;
        status.evaluationError = status.evaluationError ? `[${own}, ${status.evaluationError}]` : own;
      }
      return rules;
    }
    return evaluateAccessReview(body, user, authorizer, namespace ?? '');
  }

  /** Issues a bound ServiceAccount token (the `serviceaccounts/token` subresource). */
  async requestToken(sa: KubeObject, body: unknown): Promise<object> {
    const issuer = this.opts.tokenIssuer;
    if (!issuer) throw pathNotFound();
    const requester = this.tokenRequester.getStore();
    if (requester) await this.nodeRestriction?.admitTokenRequest(requester, sa.metadata.namespace ?? '', sa.metadata.name ?? '', body);
    return issueToken(issuer, sa, body, async (kind, namespace, name) => {
      const plural = kind === 'Pod' ? 'pods' : kind === 'Secret' ? 'secrets' : kind === 'Node' ? 'nodes' : undefined;
      if (!plural) return undefined;
      return (await this.storeFor(this.core(plural)).find(kind === 'Node' ? undefined : namespace, name))?.obj;
    });
  }

  /** Starts listening; resolves with the bound port. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const tls = this.opts.tls;
    const handler = this.requestHandler();
    // Client certificates are asked for but not required: tokens and anonymous requests are judged later.
    const server: Server = tls
      ? (createTlsServer({ cert: tls.cert, key: tls.key, ca: tls.clientCa, requestCert: Boolean(tls.clientCa), rejectUnauthorized: false }, handler) as unknown as Server)
      : createServer(handler);
    this.serveOn(server);
    this.server = server;
    const kubeletCredentials =
      this.opts.kubeletClientCertificate ?? (this.opts.nodeCertificateSigner ? await issueClientCertificate({ ca: this.opts.nodeCertificateSigner }, KUBELET_CLIENT_USER, []) : undefined);
    if (kubeletCredentials) this.kubelet = new KubeletClient(kubeletCredentials);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    this.address = `${host}:${bound}`;
    await this.bootstrap();
    await this.rbac?.start();
    // Until the graph has every pod, nodes are refused what only it would allow; they retry.
    void this.nodeGraphFeed?.start().catch((e: unknown) => console.error('wharf apiserver: loading the node authorizer graph failed:', e));
    // Serve at once; fill every watch cache in the background so the first LIST does not wait for it.
    void this.warmCaches();
    this.scheduleCompaction();
    return bound;
  }

  /**
   * Also serves the API as plain HTTP on a Unix socket that only this user may open (mode 0600), for
   * clients in the same process or on the same machine: no TLS on either side, which on loopback is
   * only cost. Requests are authenticated as on the TCP port (bearer tokens; there are no client
   * certificates without TLS). A socket file left by a process that died is replaced; one that a live
   * server still answers on is not (this rejects), so two servers never take each other's clients.
   */
  async listenLocal(socketPath: string): Promise<void> {
    if (!this.server) throw new Error('listen() first: the local listener serves the same API');
    if (await answers(socketPath)) throw new Error(`${socketPath} is in use by another server`);
    const server = createServer(this.requestHandler());
    this.serveOn(server);
    rmSync(socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    // Not through the umask, which is the whole process's. Until this runs the usual umask (022) already
    // denies others the write permission a connect needs; and every request still needs a token.
    chmodSync(socketPath, 0o600);
    this.localServer = server;
  }

  private requestHandler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => void this.handle(req, res);
  }

  private serveOn(server: Server): void {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 70_000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
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
    const priorityClasses = this.registry.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
    if (priorityClasses) {
      const store = this.storeFor(priorityClasses);
      for (const pc of systemPriorityClasses()) {
        if (!(await store.find(undefined, pc.metadata.name!))) await ignoreExisting(store.create(pc as KubeObject));
      }
    }
  }

  /**
   * Forgets history older than one compaction interval, as kube-apiserver compacts etcd every five
   * minutes: the revision seen at the previous tick becomes the compacted one.
   */
  private scheduleCompaction(): void {
    const every = this.opts.compactionIntervalMs ?? 5 * 60_000;
    if (every <= 0) return;
    let previous: number | undefined;
    this.compactionTimer = setInterval(() => {
      void (async () => {
        const current = await this.store.currentRevision();
        if (previous !== undefined && previous > this.store.compactedRevision()) await this.store.compact(previous);
        previous = current;
      })().catch((e: unknown) => console.error('wharf apiserver: compaction failed:', e));
    }, every);
    this.compactionTimer.unref();
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
    if (this.compactionTimer) clearInterval(this.compactionTimer);
    this.admission.stop();
    this.nodeGraphFeed?.stop();
    this.rbac?.stop();
    for (const s of this.stores.values()) s.cache.stop();
    await this.opts.auditor?.close();
    for (const s of this.upgradedSockets) s.destroy();
    await Promise.all([this.server, this.localServer].map((server) => server && closeServer(server)));
  }

  /** Requests received so far: a cheap measure of how busy the server has been. */
  requestCount = 0;

  /**
   * A counter that moves with anything that leaves garbage behind: requests served, and watch-cache history
   * let go (which on a quiet cluster comes minutes after the last request). What `wharf up`'s idle collections
   * watch for.
   */
  activity(): number {
    let n = this.requestCount;
    for (const s of this.stores.values()) n += s.cache.forgottenEvents;
    return n;
  }

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
    const ctx: RequestContext = { auditID: randomUUID(), user: this.opts.authenticator ? anonymousUser : unauthenticatedAdmin, received: preciseNow() };
    res.setHeader('Audit-Id', ctx.auditID);
    let audit: AuditRequest | undefined;
    // 'close' also comes for a watch the client walks away from, which never 'finish'es.
    res.once('close', () => {
      this.recordRequest(info, res.statusCode, started);
      const failure = this.failures.get(res);
      audit?.complete(res.statusCode, failure ? { code: failure.code, status: failure.status, reason: failure.reason, message: failure.message } : undefined);
    });
    try {
      info = resolveRequest(req.method ?? 'GET', url.pathname, url.searchParams);
      await this.authenticate(req, ctx, info);
      const impersonator = ctx.user;
      ctx.user = this.impersonate(req, ctx.user);
      ctx.attributes = attributesOf(ctx.user, info, url.searchParams);
      audit = this.opts.auditor?.begin({ ...ctx, user: impersonator }, this.auditInfo(req, info));
      if (ctx.user !== impersonator) audit?.setImpersonatedUser(ctx.user);
      if (this.authorizer && !publicPaths.has(url.pathname)) {
        const decision = this.authorizer.authorize(ctx.attributes);
        audit?.recordAuthorization(decision);
        if (decision.decision !== 'allow') throw forbiddenError(ctx.attributes, decision.reason);
      }
      if (info.verb === 'watch') audit?.responseStarted(200);
      if (this.nodeRestriction && info.kind === 'resource' && info.group === '' && info.verb === 'create') {
        // Evictions and TokenRequests do not pass the admission chain; NodeRestriction sees them here.
        if (info.resource === 'pods' && info.subresource === 'eviction') await this.nodeRestriction.admitEviction(ctx.user, info.namespace ?? '', info.name ?? '');
        if (info.resource === 'serviceaccounts' && info.subresource === 'token') {
          await this.tokenRequester.run(ctx.user, () => this.route(req, res, url, info, ctx, audit));
          return;
        }
      }
      await this.route(req, res, url, info, ctx, audit);
    } catch (err) {
      if (isStatusError(err)) this.failures.set(res, err.status);
      else {
        // Unexpected failures are logged once; the client gets a 500 Status.
        console.error(`wharf apiserver: ${req.method} ${req.url}:`, err);
        audit?.panic(err);
        audit = undefined;
      }
      sendError(res, err);
    }
  }

  /**
   * Upgrade requests (WebSocket or SPDY): `pods/exec`, `pods/attach` and `pods/portforward`, joined to
   * the node API. Authenticated and authorized as any request; a WebSocket GET must also be allowed to
   * `create` the subresource, as kube-apiserver requires since 1.35, so `get` alone never runs commands.
   */
  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    this.upgradedSockets.add(socket);
    socket.once('close', () => this.upgradedSockets.delete(socket));
    this.requestCount++;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    const ctx: RequestContext = { auditID: randomUUID(), user: this.opts.authenticator ? anonymousUser : unauthenticatedAdmin, received: preciseNow() };
    const started = performance.now();
    let info: RequestInfo = { kind: 'nonresource', path: url.pathname, verb: (req.method ?? 'GET').toLowerCase() };
    let audit: AuditRequest | undefined;
    try {
      info = resolveRequest(req.method ?? 'GET', url.pathname, url.searchParams);
      await this.authenticate(req, ctx, info);
      const impersonator = ctx.user;
      ctx.user = this.impersonate(req, ctx.user);
      // Who ran which command in which pod is exactly what an audit log is for.
      audit = this.opts.auditor?.begin({ ...ctx, user: impersonator }, this.auditInfo(req, info));
      if (ctx.user !== impersonator) audit?.setImpersonatedUser(ctx.user);
      if (info.kind !== 'resource' || info.group !== '' || info.resource !== 'pods' || !info.subresource || !streamingSubresources.has(info.subresource) || !info.name) {
        throw badRequest(`${req.method} ${url.pathname} cannot be upgraded`);
      }
      if (this.authorizer) {
        for (const verb of new Set([info.verb, 'create'])) {
          const attrs = attributesOf(ctx.user, { ...info, verb });
          const decision = this.authorizer.authorize(attrs);
          audit?.recordAuthorization(decision);
          if (decision.decision !== 'allow') throw forbiddenError(attrs, decision.reason);
        }
      }
      const pods = this.storeFor(this.core('pods'));
      const pod = (await pods.get(info.namespace, info.name)).obj;
      await proxyPodConnect({ pods, nodes: this.storeFor(this.core('nodes')), kubelet: this.kubelet }, info.subresource, pod, req, url.searchParams, socket, head);
      // The node's answer is passed on unread; the upgrade is recorded as kube-apiserver records it.
      audit?.complete(101);
      this.recordRequest(info, 101, started);
    } catch (err) {
      if (!isStatusError(err)) console.error(`wharf apiserver: upgrade ${req.method} ${req.url}:`, err);
      const status = isStatusError(err) ? err.status : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${(err as Error).message}`, reason: 'InternalError', code: 500 };
      audit?.complete(status.code ?? 500, { code: status.code ?? 500, status: status.status ?? 'Failure', reason: status.reason, message: status.message });
      this.recordRequest(info, status.code ?? 500, started);
      const body = JSON.stringify(status);
      socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAudit-Id: ${ctx.auditID}\r\nConnection: close\r\n\r\n${body}`);
    }
  }

  private async authenticate(req: IncomingMessage, ctx: RequestContext, info: RequestInfo): Promise<void> {
    const authn = this.authenticator;
    if (!authn) return;
    try {
      ctx.user = await authn.authenticate(req);
    } catch (e) {
      this.opts.auditor?.failedAuthentication(ctx.auditID, ctx.received, this.auditInfo(req, info), req.headers.authorization ? ['bearer'] : ['x509']);
      throw e;
    }
  }

  /**
   * Acts as the user named by `Impersonate-User` (and `-Group`, `-Uid`, `-Extra-*`) headers when the
   * requester may impersonate them (`kubectl --as`), as kube-apiserver does.
   */
  private impersonate(req: IncomingMessage, requester: UserInfo): UserInfo {
    const userHeader = req.headers['impersonate-user'];
    const groupHeaders = req.headers['impersonate-group'];
    if (userHeader === undefined && groupHeaders === undefined) return requester;
    if (typeof userHeader !== 'string' || userHeader === '') {
      throw badRequest('requested impersonation of groups or extra without a user');
    }
    const groups = groupHeaders === undefined ? [] : Array.isArray(groupHeaders) ? groupHeaders : groupHeaders.split(',').map((g) => g.trim());
    const uid = typeof req.headers['impersonate-uid'] === 'string' ? req.headers['impersonate-uid'] : undefined;
    const extra: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!name.startsWith('impersonate-extra-') || value === undefined) continue;
      extra[decodeURIComponent(name.slice('impersonate-extra-'.length))] = Array.isArray(value) ? value : [value];
    }
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(userHeader);
    const checks: AuthorizationAttributes[] = [
      sa
        ? { user: requester, verb: 'impersonate', resourceRequest: true, apiGroup: '', resource: 'serviceaccounts', namespace: sa[1], name: sa[2] }
        : { user: requester, verb: 'impersonate', resourceRequest: true, apiGroup: '', resource: 'users', name: userHeader },
      ...groups.map((g): AuthorizationAttributes => ({ user: requester, verb: 'impersonate', resourceRequest: true, apiGroup: '', resource: 'groups', name: g })),
      ...(uid ? [{ user: requester, verb: 'impersonate', resourceRequest: true, apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid } as AuthorizationAttributes] : []),
    ];
    if (this.authorizer) {
      for (const a of checks) {
        const d = this.authorizer.authorize(a);
        if (d.decision !== 'allow') throw forbiddenError(a, d.reason);
      }
    }
    const impersonatedGroups = [...groups];
    if (sa) impersonatedGroups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
    if (userHeader !== 'system:anonymous' && !impersonatedGroups.includes('system:authenticated')) impersonatedGroups.push('system:authenticated');
    return { username: userHeader, groups: impersonatedGroups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
  }

  private auditInfo(req: IncomingMessage, info: RequestInfo) {
    return {
      method: req.method ?? 'GET',
      uri: req.url ?? '/',
      sourceIPs: sourceIPs(req.headers, req.socket.remoteAddress),
      userAgent: req.headers['user-agent'],
      verb: info.verb,
      objectRef:
        info.kind === 'resource'
          ? { resource: info.resource, namespace: info.namespace, name: info.name, apiGroup: info.group, apiVersion: info.version, subresource: info.subresource }
          : undefined,
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, ctx: RequestContext, audit: AuditRequest | undefined): Promise<void> {
    const path = url.pathname;
    if (path === '/healthz' || path === '/livez' || path === '/readyz' || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) {
      return sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
    }
    if (path === '/version' || path === '/version/') return sendJson(res, 200, serverVersion);
    if (path === '/metrics') return sendRaw(res, 200, await this.metrics.text(), this.metrics.contentType);
    if (path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return this.serveOpenApi(req, res, url);
    // Discovery paths (/api, /apis/<group>/<version>, ...) are too short to name a resource.
    if (info.kind !== 'resource' && this.serveDiscovery(req, res, path)) return;
    if (path === NODE_CERTIFICATE_PATH && this.opts.nodeCertificateSigner) return serveNodeCertificate(req, res, ctx.user, this.opts.nodeCertificateSigner);
    if (info.kind !== 'resource') throw pathNotFound();
    const def = this.registry.lookup(info.group, info.version, info.resource);
    if (!def) throw pathNotFound();
    if (!def.namespaced && info.namespace !== undefined && !(def.plural === 'namespaces' && def.group === '')) throw pathNotFound();
    await handleResource({ req, res, info, query: url.searchParams, def, store: this.storeFor(def), ctx: this, user: ctx.user, audit });
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

/**
 * The authorization attributes of a request, as Kubernetes' RequestInfo resolves them; a list or watch
 * keeps its field selector for the Node authorizer.
 */
function attributesOf(user: UserInfo, info: RequestInfo, query?: URLSearchParams): NodeAuthorizationAttributes {
  if (info.kind === 'nonresource') return { user, verb: info.verb, resourceRequest: false, path: info.path };
  const fieldSelector = info.verb === 'list' || info.verb === 'watch' ? (query?.get('fieldSelector') ?? undefined) : undefined;
  return {
    ...(fieldSelector ? { fieldSelector } : {}),
    user,
    verb: info.verb,
    resourceRequest: true,
    apiGroup: info.group,
    apiVersion: info.version,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  };
}

async function ignoreExisting(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/** Stops accepting and resolves once every connection is gone; watches are ended after 200 ms. */
function closeServer(server: Server): Promise<void> {
  server.closeIdleConnections();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Watches hold connections open; end them so shutdown is prompt.
    setTimeout(() => server.closeAllConnections(), 200).unref();
  });
}

/** Whether something accepts connections on the Unix socket at `path` (a file left by a dead process does not). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
