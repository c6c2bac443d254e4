/**
 * The audit.k8s.io/v1 shapes Wharf reads (Policy) and writes (Event, EventList). Field names and their order
 * follow Kubernetes' Go types, because audit consumers parse these lines as Kubernetes audit events.
 */

/** How much of a request is recorded, in increasing order. */
export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

export const auditLevels: readonly AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

/** Whether `level` records at least as much as `atLeast`. */
export function levelAtLeast(level: AuditLevel, atLeast: AuditLevel): boolean {
  return auditLevels.indexOf(level) >= auditLevels.indexOf(atLeast);
}

/** When in a request's life an event is emitted. */
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const auditStages: readonly AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** A group and some of its resources a policy rule selects. */
export interface GroupResources {
  /** '' is the core group. */
  group?: string;
  /** `pods`, `pods/log` (a subresource), `pods/*` (a resource and all its subresources), `*` (all),
   * or a subresource of every resource (a star, a slash and `scale`). Empty: all. */
  resources?: string[];
  /** Only these object names; empty: all. */
  resourceNames?: string[];
}

export interface AuditPolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  /** '' selects cluster-scoped resources. */
  namespaces?: string[];
  /** Paths, `*`, or prefixes ending in `*`. */
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
  /** Overrides the policy's omitManagedFields for requests this rule selects. */
  omitManagedFields?: boolean;
}

export interface AuditPolicy {
  apiVersion: 'audit.k8s.io/v1';
  kind: 'Policy';
  rules: AuditPolicyRule[];
  /** Stages no rule records (added to every rule's omitStages). */
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

/** The object a resource request addresses, as audit.k8s.io/v1 ObjectReference. */
export interface AuditObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface AuditUserInfo {
  /** Absent only in the event of a request that failed authentication. */
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A metav1.Status as an audit event carries it: only the bounded fields, no kind or apiVersion. */
export interface AuditResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
  code: number;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: AuditUserInfo;
  impersonatedUser?: AuditUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectReference;
  responseStatus?: AuditResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  /** RFC 3339 with microseconds, UTC. */
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

export interface AuditEventList {
  kind: 'EventList';
  apiVersion: 'audit.k8s.io/v1';
  metadata: Record<string, never>;
  items: AuditEvent[];
}

/**
 * Where events go. `processEvents` is called on the request path: it must return at once and never throw;
 * a backend that cannot keep up drops events and counts them rather than stall the API.
 */
export interface AuditBackend {
  processEvents(events: readonly AuditEvent[]): void;
  /** Delivers or writes everything accepted so far, then releases files and connections. */
  close(): Promise<void>;
}
