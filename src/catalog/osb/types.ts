/**
 * Open Service Broker API 2.17 wire types, spelled as they travel (snake_case), plus the results that
 * `OsbClient` returns. Request bodies are what the platform sends; response bodies are what a broker
 * sends once the client has checked their shape (see `validate.ts`). Brokers may add fields of their
 * own; the spec asks receivers to ignore them, so every object here is open to unknown keys.
 */

/** The version every request declares in `X-Broker-API-Version`. */
export const OSB_API_VERSION = '2.17';

/** A JSON value as parsed by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------------
// Catalog (GET /v2/catalog)
// ---------------------------------------------------------------------------------------------------

/** `maintenance_info`: `version` is a semantic version 2.0 string. */
export interface MaintenanceInfo {
  version: string;
  description?: string;
}

/** `schemas.*.*`: a JSON schema (draft 4 or later, `$schema` present) for the parameters. */
export interface InputParametersSchema {
  parameters?: JsonObject;
}

export interface Schemas {
  service_instance?: { create?: InputParametersSchema; update?: InputParametersSchema };
  service_binding?: { create?: InputParametersSchema };
}

/** A Service Plan object. Fields the catalog omits take the defaults named on each. */
export interface Plan {
  id: string;
  name: string;
  description: string;
  metadata?: JsonObject;
  /** Default true. */
  free?: boolean;
  /** Default: the service's `bindable`. */
  bindable?: boolean;
  /** Default false. */
  binding_rotatable?: boolean;
  /** Default: the service's `plan_updateable` (spelled so on the wire). */
  plan_updateable?: boolean;
  schemas?: Schemas;
  /** Seconds the platform should keep polling `last_operation` before it considers the operation failed. */
  maximum_polling_duration?: number;
  maintenance_info?: MaintenanceInfo;
}

/** A Service Offering object. */
export interface Service {
  id: string;
  name: string;
  description: string;
  tags?: string[];
  /** `syslog_drain`, `route_forwarding`, `volume_mount`. */
  requires?: string[];
  bindable: boolean;
  instances_retrievable?: boolean;
  bindings_retrievable?: boolean;
  allow_context_updates?: boolean;
  metadata?: JsonObject;
  dashboard_client?: JsonObject;
  /** Default false. */
  plan_updateable?: boolean;
  /** At least one. */
  plans: Plan[];
}

export interface Catalog {
  services: Service[];
}

// ---------------------------------------------------------------------------------------------------
// Identity and context
// ---------------------------------------------------------------------------------------------------

/**
 * The Kubernetes user behind a request, as the OSB profile's Kubernetes Originating Identity header
 * carries it (`kubernetes <base64 JSON>`).
 */
export interface OriginatingIdentity {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The Kubernetes context object (OSB profile), sent on provision, update and bind. */
export interface KubernetesContext {
  platform: 'kubernetes';
  namespace?: string;
  clusterid?: string;
  instance_name?: string;
  namespace_annotations?: Record<string, string>;
  instance_annotations?: Record<string, string>;
  [key: string]: JsonValue | undefined;
}

/** Any platform's context: `platform` names it. */
export type Context = KubernetesContext | { platform: string; [key: string]: JsonValue | undefined };

// ---------------------------------------------------------------------------------------------------
// Service instances
// ---------------------------------------------------------------------------------------------------

/** Body of `PUT /v2/service_instances/:instance_id`. */
export interface ProvisionRequest {
  service_id: string;
  plan_id: string;
  context?: Context;
  /** Deprecated by `context`; required by older brokers. */
  organization_guid?: string;
  /** Deprecated by `context`; required by older brokers. */
  space_guid?: string;
  parameters?: JsonObject;
  maintenance_info?: MaintenanceInfo;
}

/** `metadata` of a provision, update or fetch response. */
export interface ServiceInstanceMetadata {
  labels?: Record<string, JsonValue>;
  attributes?: Record<string, JsonValue>;
}

/** Body of a 200/201/202 answer to provision. */
export interface ProvisionResponse {
  dashboard_url?: string | null;
  /** Only on 202: pass it back to `last_operation`. */
  operation?: string | null;
  metadata?: ServiceInstanceMetadata;
}

/** `previous_values` of an update. */
export interface PreviousValues {
  service_id?: string;
  plan_id?: string;
  organization_id?: string;
  space_id?: string;
  maintenance_info?: MaintenanceInfo;
}

/** Body of `PATCH /v2/service_instances/:instance_id`. */
export interface UpdateRequest {
  service_id: string;
  /** Absent: the broker must not change the plan. */
  plan_id?: string;
  context?: Context;
  /** Absent: the broker must not change the parameters. */
  parameters?: JsonObject;
  previous_values?: PreviousValues;
  maintenance_info?: MaintenanceInfo;
}

/** Body of a 200/202 answer to update. `dashboard_url` absent or null: keep the previous one. */
export interface UpdateResponse {
  dashboard_url?: string | null;
  operation?: string;
  metadata?: ServiceInstanceMetadata;
}

/** Query of `DELETE /v2/service_instances/:instance_id` (both required by the spec). */
export interface DeprovisionRequest {
  service_id: string;
  plan_id: string;
}

/** Body of a 202 answer to deprovision (a 200 answers `{}`). */
export interface DeprovisionResponse {
  operation?: string;
}

/** Body of `GET /v2/service_instances/:instance_id`. */
export interface GetInstanceResponse {
  service_id?: string;
  plan_id?: string;
  dashboard_url?: string;
  parameters?: JsonObject;
  maintenance_info?: MaintenanceInfo;
  metadata?: ServiceInstanceMetadata;
}

// ---------------------------------------------------------------------------------------------------
// Service bindings
// ---------------------------------------------------------------------------------------------------

export interface BindResource {
  app_guid?: string;
  route?: string;
  [key: string]: JsonValue | undefined;
}

/** Body of `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id`. */
export interface BindRequest {
  service_id: string;
  plan_id: string;
  context?: Context;
  /** Deprecated by `bind_resource.app_guid`. */
  app_guid?: string;
  bind_resource?: BindResource;
  parameters?: JsonObject;
  /** Binding rotation: the binding this one succeeds (the plan must be `binding_rotatable`). */
  predecessor_binding_id?: string;
}

/** `metadata` of a binding: ISO 8601 timestamps (`yyyy-mm-ddThh:mm:ss.sZ`). */
export interface BindingMetadata {
  expires_at?: string;
  renew_before?: string;
}

export interface VolumeMount {
  driver: string;
  container_dir: string;
  /** `r` or `rw`. */
  mode: string;
  /** Only `shared` exists today. */
  device_type: string;
  device: { volume_id: string; mount_config?: JsonObject };
}

export interface Endpoint {
  host: string;
  /** Each a port (`"443"`) or a range (`"9000-9010"`); at least one. */
  ports: string[];
  /** `tcp` (default), `udp` or `all`. */
  protocol?: string;
}

/** Body of a 200/201 answer to bind, and of fetching a binding (which may add `parameters`). */
export interface BindResponse {
  metadata?: BindingMetadata;
  credentials?: JsonObject;
  syslog_drain_url?: string;
  route_service_url?: string;
  volume_mounts?: VolumeMount[];
  endpoints?: Endpoint[];
}

/** Body of a 202 answer to bind or unbind. */
export interface AsyncOperationResponse {
  operation?: string;
}

export interface UnbindRequest {
  service_id: string;
  plan_id: string;
}

export interface GetBindingResponse extends BindResponse {
  parameters?: JsonObject;
}

// ---------------------------------------------------------------------------------------------------
// Last operation
// ---------------------------------------------------------------------------------------------------

export type LastOperationState = 'in progress' | 'succeeded' | 'failed';

/** Body of `GET .../last_operation`. */
export interface LastOperationResponse {
  state: LastOperationState;
  description?: string;
  /** Only for a failed update or deprovision. Default true. */
  instance_usable?: boolean;
  /** Only for a failed update. Default true. */
  update_repeatable?: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------

/** The body of any 4xx/5xx answer. Every field is optional. */
export interface ErrorBody {
  /** A camel-case code; the spec defines those in `OsbErrorCode`. */
  error?: string;
  description?: string;
  /** Only for a failed update or deprovision. Default true. */
  instance_usable?: boolean;
  /** Only for a failed update. Default true. */
  update_repeatable?: boolean;
}

/** The error codes the spec defines, and what the platform must do on each. */
export const OsbErrorCode = {
  /** Resend with `accepts_incomplete=true`. */
  AsyncRequired: 'AsyncRequired',
  /** Another operation on the resource is running: wait for it, then retry. Never orphan mitigation. */
  ConcurrencyError: 'ConcurrencyError',
  /** Include `bind_resource.app_guid` (or `app_guid`). */
  RequiresApp: 'RequiresApp',
  /** The plan's `maintenance_info.version` changed: fetch the catalog again before retrying. */
  MaintenanceInfoConflict: 'MaintenanceInfoConflict',
} as const;
export type OsbErrorCode = (typeof OsbErrorCode)[keyof typeof OsbErrorCode];

// ---------------------------------------------------------------------------------------------------
// Client options
// ---------------------------------------------------------------------------------------------------

export type OsbAuth = { basic: { username: string; password: string } } | { bearer: { token: string } };

export interface OsbClientOptions {
  /** The broker's base URL; `/v2/...` is appended to it (a path prefix is kept). */
  url: string;
  auth?: OsbAuth;
  /** PEM certificates trusted for an https broker, instead of the system's roots. */
  caBundle?: string;
  /** Accept any server certificate (tests and development only). */
  insecureSkipTLSVerify?: boolean;
  /** How long a request may take, from sending to the last byte of the answer. Default 60 s (the spec's typical platform timeout). */
  timeoutMs?: number;
}

/** Headers every call may set. */
export interface RequestOptions {
  /** The user that caused the request; omitted on requests nobody asked for (catalog refresh, orphan mitigation). */
  originatingIdentity?: OriginatingIdentity;
  /** `X-Broker-API-Request-Identity`; a fresh UUID when absent. */
  requestIdentity?: string;
  /** Abort the request (counts as a timeout if it was already sent). */
  signal?: AbortSignal;
}

export interface AsyncRequestOptions extends RequestOptions {
  /** Send `accepts_incomplete=true`: the broker may answer 202 and the caller will poll. */
  acceptsIncomplete: boolean;
}

/** Which operation a `last_operation` poll is for: it decides how 410 Gone and `failed` are read. */
export type InstanceOperation = 'provision' | 'update' | 'deprovision';
export type BindingOperation = 'bind' | 'unbind';

/** Deprovision and unbind: the query the spec requires, and whether a 202 is acceptable. */
export interface DeleteOptions extends AsyncRequestOptions {
  serviceId: string;
  planId: string;
}

export interface LastOperationOptions extends RequestOptions {
  serviceId?: string;
  /** After a plan change, the plan before the update (the spec requires it). */
  planId?: string;
  /** The `operation` the 202 answer carried. */
  operation?: string;
  /** The operation being polled. Without it, 410 Gone is read as gone and `failed` asks for no orphan mitigation. */
  for?: InstanceOperation;
}

export interface LastBindingOperationOptions extends RequestOptions {
  serviceId?: string;
  planId?: string;
  operation?: string;
  for?: BindingOperation;
}

export interface FetchOptions extends RequestOptions {
  serviceId?: string;
  planId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------

/** What every result carries: the request identity sent, for logs and events. */
interface ResultBase {
  requestIdentity: string;
}

/**
 * Why a call failed, so a message can say it:
 * - `rejected`: a 4xx answer (the broker changed nothing);
 * - `brokerError`: a 5xx answer;
 * - `malformed`: a 2xx answer whose body is not what the spec defines (or a status the endpoint never returns);
 * - `timeout`: no complete answer within `timeoutMs` after the request was sent (or the connection broke after it was sent);
 * - `unreachable`: the request never reached the broker (DNS, refused, TLS verification);
 * - `operationFailed`: `last_operation` said `"state": "failed"`, or polling ran past `maximum_polling_duration`.
 */
export type FailureReason = 'rejected' | 'brokerError' | 'malformed' | 'timeout' | 'unreachable' | 'operationFailed';

/**
 * What the caller can change before retrying, from the spec's error codes:
 * - `acceptsIncomplete`: resend with `acceptsIncomplete: true` (AsyncRequired);
 * - `waitForOtherOperation`: another operation is running; retry later, no orphan mitigation (ConcurrencyError);
 * - `provideApp`: add `bind_resource.app_guid` (RequiresApp);
 * - `refetchCatalog`: the plan's maintenance_info changed; sync the catalog first (MaintenanceInfoConflict).
 */
export type FailureRemedy = 'acceptsIncomplete' | 'waitForOtherOperation' | 'provideApp' | 'refetchCatalog';

/**
 * A failed call. The fields say what the spec asks of the platform:
 * - `orphanMitigation`: the broker may hold a resource the platform does not know about; delete it
 *   (deprovision or unbind, without an originating identity) and keep trying until the broker
 *   answers success or 410 Gone. True exactly where the spec's Orphan Mitigation table says so.
 * - `retryable`: sending the same request again later may succeed without anyone editing it (5xx,
 *   timeouts, unreachable broker, 408, 429, 401/403, ConcurrencyError, a repeatable update); false
 *   when the same request would fail the same way (400, 409, 412, most 422s, `update_repeatable: false`).
 * - `instanceUsable` (update, deprovision) defaults to true as the spec says; when false, create no new
 *   bindings for the instance.
 * - `updateRepeatable` (update only) defaults to true; when false, do not repeat this update.
 */
export interface OsbFailure extends ResultBase {
  kind: 'failed';
  reason: FailureReason;
  /** The HTTP status, absent for timeouts and unreachable brokers. */
  status?: number;
  /** The broker's `error` code, e.g. `AsyncRequired`. */
  error?: string;
  /** A message a user can act on: the broker's description, or the client's account of what went wrong. */
  description: string;
  retryable: boolean;
  orphanMitigation: boolean;
  remedy?: FailureRemedy;
  instanceUsable?: boolean;
  updateRepeatable?: boolean;
}

/** `GET /v2/catalog`: the validated catalog, or a failure (never orphan mitigation). */
export type CatalogResult = ({ kind: 'done'; catalog: Catalog } & ResultBase) | OsbFailure;

/**
 * `409 Conflict` on provision or bind: a resource with this id exists at the broker (or is being
 * created) with other attributes. The broker changed nothing and no orphan mitigation is due; the
 * platform does not own that resource under this request. A platform that already sent an
 * asynchronous create with these ids may poll `last_operation` to learn its state.
 */
export interface AlreadyExists extends ResultBase {
  kind: 'alreadyExists';
  status: 409;
  description: string;
}

/** 202 Accepted: poll `last_operation` with `operation` (absent when the broker gave none). */
export interface Accepted extends ResultBase {
  kind: 'async';
  operation?: string;
}

/**
 * Provision:
 * - `done` (201 Created, or 200 OK when an identical instance already existed: `alreadyExisted`);
 * - `async` (202; `dashboardUrl` and `metadata` may come with it);
 * - `alreadyExists` (409);
 * - `failed`, with orphan mitigation for 201/202 with a malformed body, any other 2xx, 5xx and timeouts.
 */
export type ProvisionResult =
  | ({ kind: 'done'; alreadyExisted: boolean; response: ProvisionResponse } & ResultBase)
  | (Accepted & { response: ProvisionResponse })
  | AlreadyExists
  | OsbFailure;

/**
 * Update: `done` (200), `async` (202), or `failed`. Never orphan mitigation; read `instanceUsable`
 * and `updateRepeatable`.
 */
export type UpdateResult =
  | ({ kind: 'done'; response: UpdateResponse } & ResultBase)
  | (Accepted & { response: UpdateResponse })
  | OsbFailure;

/**
 * Deprovision and unbind: `done` (200), `async` (202), `gone` (410: it does not exist; forget it, as
 * a success), or `failed` (5xx and other 2xx ask for orphan mitigation, i.e. keep deleting).
 */
export type DeleteResult =
  | ({ kind: 'done' } & ResultBase)
  | Accepted
  | ({ kind: 'gone' } & ResultBase)
  | OsbFailure;

/**
 * Bind: `done` (201, or 200 when an identical binding existed), `async` (202; credentials come later
 * from `getBinding`), `alreadyExists` (409), or `failed` (orphan mitigation, i.e. unbind, for 201/202
 * with a malformed body, other 2xx, 5xx and timeouts).
 */
export type BindResult =
  | ({ kind: 'done'; alreadyExisted: boolean; response: BindResponse } & ResultBase)
  | Accepted
  | AlreadyExists
  | OsbFailure;

/**
 * `last_operation` (instances and bindings):
 * - `inProgress`: poll again, not before `retryAfterMs` when the broker sent Retry-After;
 * - `succeeded`: stop polling (for a create, fetch the binding's credentials with `getBinding`);
 * - `gone`: 410 while polling a delete: a success, forget the resource;
 * - `failed`: `"state": "failed"`; `orphanMitigation` for provision/deprovision (instances) and
 *   bind/unbind (bindings), as the spec's table says;
 * - `pollAgain`: an answer the spec says to read as invalid (any other status, a malformed body,
 *   410 during a create or update, a timeout): keep polling until the maximum polling duration.
 */
export type LastOperationResult =
  | ({ kind: 'inProgress'; description?: string; retryAfterMs?: number } & ResultBase)
  | ({ kind: 'succeeded'; description?: string; retryAfterMs?: number } & ResultBase)
  | ({ kind: 'gone' } & ResultBase)
  | (OsbFailure & { reason: 'operationFailed'; retryAfterMs?: number })
  | ({ kind: 'pollAgain'; status?: number; description: string; retryAfterMs?: number } & ResultBase);

/**
 * Fetching an instance or a binding: `done`, `notFound` (404: it does not exist or its creation is
 * still running), or `failed` (keep remembering the resource; ConcurrencyError means an update runs).
 */
export type GetInstanceResult =
  | ({ kind: 'done'; instance: GetInstanceResponse } & ResultBase)
  | ({ kind: 'notFound' } & ResultBase)
  | OsbFailure;

export type GetBindingResult =
  | ({ kind: 'done'; binding: GetBindingResponse } & ResultBase)
  | ({ kind: 'notFound' } & ResultBase)
  | OsbFailure;
