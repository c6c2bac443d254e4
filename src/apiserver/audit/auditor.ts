import type { AuthorizationAttributes, AuthorizationDecision, RequestContext, UserInfo } from '../request-context.js';
import { evaluatePolicy, type RequestAuditConfig } from './evaluate-policy.js';
import { microTime } from '../../api/rfc3339.js';
import { preciseNow } from './micro-time.js';
import {
  levelAtLeast,
  type AuditBackend,
  type AuditEvent,
  type AuditLevel,
  type AuditObjectReference,
  type AuditPolicy,
  type AuditResponseStatus,
  type AuditStage,
  type AuditUserInfo,
} from './types.js';

/** What the server knows about a request when it starts auditing it. */
export interface AuditRequestInfo {
  method: string;
  /** The path and query as the client sent them (`/api/v1/namespaces/default/pods?watch=1`). */
  uri: string;
  sourceIPs: string[];
  userAgent?: string;
  verb: string;
  /** For resource requests: what the URL addresses. */
  objectRef?: AuditObjectReference;
  /** The decoded request body, when already at hand; called at once (also at Metadata, to name created objects). */
  requestObject?: () => unknown;
  impersonatedUser?: UserInfo;
}

/** A Status the response carries, as Kubernetes copies it into an audit event. */
export interface ResponseStatusInfo {
  code: number;
  status?: string;
  reason?: string;
  message?: string;
  details?: unknown;
}

export interface AuditorOptions {
  /** Milliseconds since the epoch, fractions for microseconds; tests pin it. */
  clock?: () => number;
}

const maxUserAgentLength = 1024;

/**
 * Decides by policy what each request records and sends its events, stage by stage, to the backends. One Auditor
 * serves a whole server; `begin()` is called once per request.
 */
export class Auditor {
  private readonly clock: () => number;

  constructor(
    readonly policy: AuditPolicy,
    private readonly backends: AuditBackend[],
    options: AuditorOptions = {},
  ) {
    this.clock = options.clock ?? preciseNow;
  }

  /** The level and stages the policy gives a request with these attributes. */
  evaluate(attrs: AuthorizationAttributes): RequestAuditConfig {
    return evaluatePolicy(this.policy, attrs);
  }

  /**
   * Starts auditing a request: emits RequestReceived (unless the policy omits it) and returns the handle that records
   * the rest, or undefined when the policy says None.
   */
  begin(ctx: RequestContext, req: AuditRequestInfo): AuditRequest | undefined {
    const attrs = ctx.attributes ?? attributesOf(ctx, req);
    const config = this.evaluate(attrs);
    if (config.level === 'None') return undefined;
    const handle = new AuditRequest(ctx, req, attrs, config, this.clock, (e) => this.send(e));
    handle.emit('RequestReceived');
    // Kubernetes emits RequestReceived before the body is decoded; the body (and the name it gives a created
    // object) appears from the next stage on.
    if (req.requestObject) {
      try {
        handle.setRequestObject(req.requestObject());
      } catch {
        // A body that cannot be produced is left out of the event, never thrown into the request.
      }
    }
    return handle;
  }

  /**
   * Records a request that failed authentication (the server answers 401): as kube-apiserver, one ResponseStarted
   * event with no user, selected by the policy as a request from nobody. `attempted` lists the credentials the
   * request carried: `basic`, `bearer`, `access_token`, `x509`.
   */
  failedAuthentication(auditID: string, received: number, req: AuditRequestInfo, attempted: string[]): void {
    const nobody: UserInfo = { username: '', groups: [] };
    const ctx: RequestContext = { auditID, user: nobody, received };
    const config = this.evaluate(attributesOf(ctx, req));
    if (config.level === 'None') return;
    const handle = new AuditRequest(ctx, req, attributesOf(ctx, req), config, this.clock, (e) => this.send(e));
    const message = attempted.length > 0 ? `Authentication failed, attempted: ${attempted.join(', ')}` : 'Authentication failed, no credentials provided';
    handle.failedAuthentication(message);
  }

  /** Flushes and closes every backend. */
  async close(): Promise<void> {
    await Promise.all(this.backends.map((b) => b.close().catch(() => undefined)));
  }

  private send(event: AuditEvent): void {
    for (const backend of this.backends) {
      try {
        backend.processEvents([event]);
      } catch {
        // A backend must not fail a request; backends report their own errors.
      }
    }
  }
}

function attributesOf(ctx: RequestContext, req: AuditRequestInfo): AuthorizationAttributes {
  const ref = req.objectRef;
  if (!ref) return { user: ctx.user, verb: req.verb, resourceRequest: false, path: req.uri.split('?')[0] };
  return {
    user: ctx.user,
    verb: req.verb,
    resourceRequest: true,
    apiGroup: ref.apiGroup ?? '',
    apiVersion: ref.apiVersion,
    resource: ref.resource,
    subresource: ref.subresource,
    namespace: ref.namespace,
    name: ref.name,
  };
}

function objectRefOf(req: AuditRequestInfo, attrs: AuthorizationAttributes): AuditObjectReference | undefined {
  const ref: AuditObjectReference | undefined =
    req.objectRef ??
    (attrs.resourceRequest
      ? { resource: attrs.resource, namespace: attrs.namespace, name: attrs.name, apiGroup: attrs.apiGroup, apiVersion: attrs.apiVersion, subresource: attrs.subresource }
      : undefined);
  return ref ? { ...ref } : undefined;
}

function userOf(u: UserInfo): AuditUserInfo {
  const out: AuditUserInfo = {};
  if (u.username) out.username = u.username;
  if (u.uid) out.uid = u.uid;
  if (u.groups.length > 0) out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length > 0) out.extra = structuredClone(u.extra);
  return out;
}

/** Kubernetes field order, empty fields left out as Go's omitempty does. */
function compactObjectRef(ref: AuditObjectReference): AuditObjectReference {
  const out: AuditObjectReference = {};
  for (const key of ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const) {
    if (ref[key]) out[key] = ref[key];
  }
  return out;
}

function compactStatus(s: AuditResponseStatus): AuditResponseStatus {
  const out: AuditResponseStatus = { metadata: {} } as AuditResponseStatus;
  if (s.status) out.status = s.status;
  if (s.message) out.message = s.message;
  if (s.reason) out.reason = s.reason;
  if (s.details !== undefined) out.details = s.details;
  out.code = s.code;
  return out;
}

/** A deep copy taken when the object is logged, so later changes by the handler do not leak into the event. */
function snapshot(value: unknown, omitManagedFields: boolean): unknown {
  let copy: unknown = value;
  if (typeof value === 'string') {
    try {
      copy = JSON.parse(value);
    } catch {
      return value;
    }
  } else if (value instanceof Uint8Array) {
    try {
      copy = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      return undefined;
    }
  } else {
    copy = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
  if (omitManagedFields) dropManagedFields(copy);
  return copy;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects, lists and tables lose metadata.managedFields, as Kubernetes' omitManagedFields does. */
function dropManagedFields(obj: unknown): void {
  if (!isRecord(obj)) return;
  if (isRecord(obj.metadata)) delete obj.metadata.managedFields;
  if (Array.isArray(obj.items)) obj.items.forEach(dropManagedFields);
  if (obj.kind === 'Table' && Array.isArray(obj.rows)) {
    for (const row of obj.rows) if (isRecord(row)) dropManagedFields(row.object);
  }
}

type RequestState = 'open' | 'started' | 'done';

/**
 * The audit record of one request in flight. The server calls, in order: `recordAuthorization()` (or `annotate()`),
 * `setRequestObject()` once the body is decoded, `responseStarted()` for watches and other long-running responses,
 * then exactly one of `complete()` or `panic()`. Calls after the end are ignored; none throws.
 */
export class AuditRequest {
  readonly auditID: string;
  readonly level: AuditLevel;
  private readonly omitStages: readonly AuditStage[];
  private readonly omitManagedFields: boolean;
  private readonly requestURI: string;
  private readonly verb: string;
  private readonly user: AuditUserInfo;
  private impersonatedUser?: AuditUserInfo;
  private readonly sourceIPs: string[];
  private readonly userAgent?: string;
  private readonly objectRef?: AuditObjectReference;
  private responseStatus?: AuditResponseStatus;
  private requestObject?: unknown;
  private responseObject?: unknown;
  private readonly requestReceivedTimestamp: string;
  private annotations?: Record<string, string>;
  private state: RequestState = 'open';

  /** @internal Made by Auditor.begin(). */
  constructor(
    ctx: RequestContext,
    req: AuditRequestInfo,
    attrs: AuthorizationAttributes,
    config: RequestAuditConfig,
    private readonly clock: () => number,
    private readonly sink: (e: AuditEvent) => void,
  ) {
    this.auditID = ctx.auditID;
    this.level = config.level;
    this.omitStages = config.omitStages;
    this.omitManagedFields = config.omitManagedFields;
    this.requestURI = req.uri;
    this.verb = req.verb;
    this.user = userOf(ctx.user);
    if (req.impersonatedUser) this.impersonatedUser = userOf(req.impersonatedUser);
    this.sourceIPs = [...req.sourceIPs];
    if (req.userAgent) {
      this.userAgent = req.userAgent.length > maxUserAgentLength ? `${req.userAgent.slice(0, maxUserAgentLength)}...TRUNCATED` : req.userAgent;
    }
    this.objectRef = objectRefOf(req, attrs);
    this.requestReceivedTimestamp = microTime(ctx.received);
  }

  /** Adds an annotation; as in Kubernetes, the first value set for a key stays. */
  annotate(key: string, value: string): void {
    this.annotations ??= {};
    if (!(key in this.annotations)) this.annotations[key] = value;
  }

  /** Records the authorizer's decision as the `authorization.k8s.io/decision` and `/reason` annotations. */
  recordAuthorization(decision: AuthorizationDecision): void {
    this.annotate('authorization.k8s.io/decision', decision.decision === 'allow' ? 'allow' : 'forbid');
    this.annotate('authorization.k8s.io/reason', decision.reason);
  }

  /** The user the request acts as, when it impersonates; `user` stays the one who authenticated. */
  setImpersonatedUser(user: UserInfo): void {
    this.impersonatedUser = userOf(user);
  }

  /**
   * The decoded request body (for a patch, the patch itself). Fills in the objectRef's missing name, namespace, uid
   * and resourceVersion from its metadata at every level; the body itself is kept only at Request level and above.
   */
  setRequestObject(obj: unknown): void {
    if (this.state === 'done') return;
    try {
      if (this.objectRef && isRecord(obj) && isRecord(obj.metadata)) {
        const meta = obj.metadata;
        for (const key of ['namespace', 'name', 'uid', 'resourceVersion'] as const) {
          if (!this.objectRef[key] && typeof meta[key] === 'string') this.objectRef[key] = meta[key] as string;
        }
      }
      if (levelAtLeast(this.level, 'Request')) this.requestObject = snapshot(obj, this.omitManagedFields);
    } catch {
      // An object that cannot be copied is left out rather than failing the request.
    }
  }

  /** @internal See Auditor.failedAuthentication(). */
  failedAuthentication(message: string): void {
    this.state = 'done';
    this.responseStatus = { metadata: {}, message, code: 401 };
    this.emit('ResponseStarted');
  }

  /** The response headers went out on a long-running request (a watch): emits ResponseStarted. */
  responseStarted(code = 200): void {
    if (this.state !== 'open') return;
    this.state = 'started';
    this.responseStatus = { metadata: {}, code };
    this.emit('ResponseStarted');
  }

  /**
   * The response is finished: emits ResponseComplete. Pass `responseStatus` when the body is a Status (errors,
   * some deletes); `responseObject` is called only at RequestResponse level.
   */
  complete(code: number, responseStatus?: ResponseStatusInfo, responseObject?: () => unknown): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.responseStatus = responseStatus
      ? { metadata: {}, status: responseStatus.status, message: responseStatus.message, reason: responseStatus.reason, details: responseStatus.details, code }
      : { ...(this.responseStatus ?? { metadata: {} }), code };
    if (responseObject && this.level === 'RequestResponse') {
      try {
        this.responseObject = snapshot(responseObject(), this.omitManagedFields);
      } catch {
        // As for request objects: better an event without the body than none.
      }
    }
    this.emit('ResponseComplete');
  }

  /** The handler failed unexpectedly: emits Panic with a 500 InternalError status. */
  panic(err: unknown): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.responseStatus = { metadata: {}, status: 'Failure', message: `APIServer panic'd: ${err instanceof Error ? err.message : String(err)}`, reason: 'InternalError', code: 500 };
    this.emit('Panic');
  }

  /** @internal Sends this request's event as it stands, at `stage`. */
  emit(stage: AuditStage): void {
    if (this.omitStages.includes(stage)) return;
    try {
      this.sink(this.toEvent(stage));
    } catch {
      // Never into the request path.
    }
  }

  private toEvent(stage: AuditStage): AuditEvent {
    const e: AuditEvent = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.level,
      auditID: this.auditID,
      stage,
      requestURI: this.requestURI,
      verb: this.verb,
      user: this.user,
    } as AuditEvent;
    if (this.impersonatedUser) e.impersonatedUser = this.impersonatedUser;
    if (this.sourceIPs.length > 0) e.sourceIPs = this.sourceIPs;
    if (this.userAgent) e.userAgent = this.userAgent;
    if (this.objectRef) e.objectRef = compactObjectRef(this.objectRef);
    if (this.responseStatus) e.responseStatus = compactStatus(this.responseStatus);
    // The level check repeats here so that no path can put a body into an event below its level.
    if (this.requestObject !== undefined && stage !== 'RequestReceived' && levelAtLeast(this.level, 'Request')) e.requestObject = this.requestObject;
    if (this.responseObject !== undefined && this.level === 'RequestResponse') e.responseObject = this.responseObject;
    e.requestReceivedTimestamp = this.requestReceivedTimestamp;
    e.stageTimestamp = stage === 'RequestReceived' ? this.requestReceivedTimestamp : microTime(this.clock());
    if (this.annotations && Object.keys(this.annotations).length > 0) e.annotations = { ...this.annotations };
    return e;
  }
}
