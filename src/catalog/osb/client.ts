/**
 * An Open Service Broker API 2.17 client. Every method sends one request and turns the answer into a
 * discriminated result that says what the spec asks the platform to do next (see the result types in
 * `types.ts`): succeed, poll, forget, retry, or mitigate an orphan. Methods never throw for anything a
 * broker or the network does; they throw only on programming errors (a bad base URL, an empty id).
 *
 * @example
 * const client = new OsbClient({ url: 'https://broker.example', auth: { basic: { username: 'u', password: 'p' } } });
 * const r = await client.provision('inst-1', { service_id: 's', plan_id: 'p' }, { acceptsIncomplete: true });
 * if (r.kind === 'async') { const op = await client.lastOperation('inst-1', { operation: r.operation, for: 'provision' }); }
 * if (r.kind === 'failed' && r.orphanMitigation) await client.deprovision('inst-1', { serviceId: 's', planId: 'p', acceptsIncomplete: true });
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { STATUS_CODES } from 'node:http';
import { needsOrphanMitigation, type OsbEndpoint } from './orphan-mitigation.js';
import { encodeOriginatingIdentity } from './originating-identity.js';
import { parseRetryAfter } from './retry-after.js';
import { agentFor, send, type TransportOutcome, type TransportResponse } from './transport.js';
import {
  parseJsonObject,
  readErrorBody,
  validateBindResponse,
  validateCatalog,
  validateGetBindingResponse,
  validateGetInstanceResponse,
  validateLastOperation,
  validateOperationResponse,
  validateProvisionResponse,
  validateUpdateResponse,
  type Checked,
} from './validate.js';
import {
  OSB_API_VERSION,
  OsbErrorCode,
  type AlreadyExists,
  type AsyncRequestOptions,
  type BindRequest,
  type BindResult,
  type BindingOperation,
  type CatalogResult,
  type DeleteOptions,
  type DeleteResult,
  type FailureRemedy,
  type FetchOptions,
  type GetBindingResult,
  type GetInstanceResult,
  type InstanceOperation,
  type JsonObject,
  type LastBindingOperationOptions,
  type LastOperationOptions,
  type LastOperationResult,
  type OsbAuth,
  type OsbClientOptions,
  type OsbFailure,
  type ProvisionRequest,
  type ProvisionResult,
  type RequestOptions,
  type UpdateRequest,
  type UpdateResult,
} from './types.js';

/** The spec's typical platform timeout. */
export const DEFAULT_TIMEOUT_MS = 60_000;

const ENDPOINT_WORDS: Record<OsbEndpoint, string> = {
  catalog: 'fetching the catalog',
  provision: 'provision',
  update: 'update',
  deprovision: 'deprovision',
  bind: 'bind',
  unbind: 'unbind',
  getInstance: 'fetching the instance',
  getBinding: 'fetching the binding',
  lastOperation: 'polling the last operation',
  lastBindingOperation: 'polling the last binding operation',
};

const REMEDIES: Record<string, FailureRemedy> = {
  [OsbErrorCode.AsyncRequired]: 'acceptsIncomplete',
  [OsbErrorCode.ConcurrencyError]: 'waitForOtherOperation',
  [OsbErrorCode.RequiresApp]: 'provideApp',
  [OsbErrorCode.MaintenanceInfoConflict]: 'refetchCatalog',
};

/** Statuses where the same request may succeed later without being changed. */
const RETRYABLE_4XX = new Set([401, 403, 408, 429]);

interface Exchange {
  outcome: TransportOutcome;
  requestIdentity: string;
}

type Query = Record<string, string | boolean | undefined>;

function requireId(what: string, id: string): void {
  if (typeof id !== 'string' || id === '') throw new TypeError(`An OSB ${what} must be a non-empty string`);
}

function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

export class OsbClient {
  readonly url: URL;
  private readonly auth: OsbAuth | undefined;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;

  constructor(opts: OsbClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new TypeError(`Broker URL "${opts.url}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`Broker URL "${opts.url}" must use http or https`);
    }
    if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) {
      throw new RangeError(`Broker timeout must be a positive number of milliseconds, got ${opts.timeoutMs}`);
    }
    this.url = url;
    this.auth = opts.auth;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.agent = agentFor(url, opts);
  }

  /** Frees the client's connection agent. Calls after this still work but open fresh connections. */
  close(): void {
    this.agent.destroy();
  }

  /** `GET /v2/catalog`. */
  async getCatalog(opts: RequestOptions = {}): Promise<CatalogResult> {
    const ex = await this.exchange('GET', ['catalog'], {}, undefined, opts);
    const { outcome, requestIdentity } = ex;
    if (outcome.type !== 'response') return this.transportFailure('catalog', outcome, requestIdentity);
    const res = outcome.response;
    if (res.status !== 200) return statusFailure('catalog', res, requestIdentity);
    const checked = check(res.body, validateCatalog);
    if (!checked.ok) return malformedFailure('catalog', res, checked.problem, requestIdentity);
    return { kind: 'done', catalog: checked.value, requestIdentity };
  }

  /** `PUT /v2/service_instances/:instance_id`. */
  async provision(instanceId: string, req: ProvisionRequest, opts: AsyncRequestOptions): Promise<ProvisionResult> {
    requireId('instance id', instanceId);
    const { outcome, requestIdentity } = await this.exchange(
      'PUT',
      ['service_instances', instanceId],
      { accepts_incomplete: opts.acceptsIncomplete || undefined },
      req,
      opts,
    );
    if (outcome.type !== 'response') return this.transportFailure('provision', outcome, requestIdentity);
    const res = outcome.response;
    if (res.status === 200 || res.status === 201 || res.status === 202) {
      const checked = check(res.body, validateProvisionResponse);
      if (!checked.ok) return malformedFailure('provision', res, checked.problem, requestIdentity);
      if (res.status === 202) {
        const operation = checked.value.operation ?? undefined;
        return { kind: 'async', operation, response: checked.value, requestIdentity };
      }
      return { kind: 'done', alreadyExisted: res.status === 200, response: checked.value, requestIdentity };
    }
    if (res.status === 409) return alreadyExists('provision', res, requestIdentity);
    return statusFailure('provision', res, requestIdentity);
  }

  /** `PATCH /v2/service_instances/:instance_id`. */
  async update(instanceId: string, req: UpdateRequest, opts: AsyncRequestOptions): Promise<UpdateResult> {
    requireId('instance id', instanceId);
    const { outcome, requestIdentity } = await this.exchange(
      'PATCH',
      ['service_instances', instanceId],
      { accepts_incomplete: opts.acceptsIncomplete || undefined },
      req,
      opts,
    );
    if (outcome.type !== 'response') return this.transportFailure('update', outcome, requestIdentity);
    const res = outcome.response;
    if (res.status === 200 || res.status === 202) {
      const checked = check(res.body, validateUpdateResponse);
      if (!checked.ok) return malformedFailure('update', res, checked.problem, requestIdentity);
      if (res.status === 202) return { kind: 'async', operation: checked.value.operation, response: checked.value, requestIdentity };
      return { kind: 'done', response: checked.value, requestIdentity };
    }
    return statusFailure('update', res, requestIdentity);
  }

  /** `DELETE /v2/service_instances/:instance_id?service_id=&plan_id=`. */
  async deprovision(instanceId: string, opts: DeleteOptions): Promise<DeleteResult> {
    requireId('instance id', instanceId);
    const ex = await this.exchange('DELETE', ['service_instances', instanceId], deleteQuery(opts), undefined, opts);
    return this.deleted('deprovision', ex);
  }

  /** `GET /v2/service_instances/:instance_id/last_operation`. */
  async lastOperation(instanceId: string, opts: LastOperationOptions = {}): Promise<LastOperationResult> {
    requireId('instance id', instanceId);
    const ex = await this.exchange(
      'GET',
      ['service_instances', instanceId, 'last_operation'],
      { service_id: opts.serviceId, plan_id: opts.planId, operation: opts.operation },
      undefined,
      opts,
    );
    return this.polled('lastOperation', opts.for, ex);
  }

  /** `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id`. */
  async bind(instanceId: string, bindingId: string, req: BindRequest, opts: AsyncRequestOptions): Promise<BindResult> {
    requireId('instance id', instanceId);
    requireId('binding id', bindingId);
    const { outcome, requestIdentity } = await this.exchange(
      'PUT',
      ['service_instances', instanceId, 'service_bindings', bindingId],
      { accepts_incomplete: opts.acceptsIncomplete || undefined },
      req,
      opts,
    );
    if (outcome.type !== 'response') return this.transportFailure('bind', outcome, requestIdentity);
    const res = outcome.response;
    if (res.status === 202) {
      // Credentials must not come with a 202; whatever else the body holds is ignored.
      const checked = check(res.body, validateOperationResponse);
      if (!checked.ok) return malformedFailure('bind', res, checked.problem, requestIdentity);
      return { kind: 'async', operation: checked.value.operation, requestIdentity };
    }
    if (res.status === 200 || res.status === 201) {
      const checked = check(res.body, validateBindResponse);
      if (!checked.ok) return malformedFailure('bind', res, checked.problem, requestIdentity);
      return { kind: 'done', alreadyExisted: res.status === 200, response: checked.value, requestIdentity };
    }
    if (res.status === 409) return alreadyExists('bind', res, requestIdentity);
    return statusFailure('bind', res, requestIdentity);
  }

  /** `DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id?service_id=&plan_id=`. */
  async unbind(instanceId: string, bindingId: string, opts: DeleteOptions): Promise<DeleteResult> {
    requireId('instance id', instanceId);
    requireId('binding id', bindingId);
    const ex = await this.exchange(
      'DELETE',
      ['service_instances', instanceId, 'service_bindings', bindingId],
      deleteQuery(opts),
      undefined,
      opts,
    );
    return this.deleted('unbind', ex);
  }

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation`. */
  async lastBindingOperation(instanceId: string, bindingId: string, opts: LastBindingOperationOptions = {}): Promise<LastOperationResult> {
    requireId('instance id', instanceId);
    requireId('binding id', bindingId);
    const ex = await this.exchange(
      'GET',
      ['service_instances', instanceId, 'service_bindings', bindingId, 'last_operation'],
      { service_id: opts.serviceId, plan_id: opts.planId, operation: opts.operation },
      undefined,
      opts,
    );
    return this.polled('lastBindingOperation', opts.for, ex);
  }

  /** `GET /v2/service_instances/:instance_id` (only when the service is `instances_retrievable`). */
  async getInstance(instanceId: string, opts: FetchOptions = {}): Promise<GetInstanceResult> {
    requireId('instance id', instanceId);
    const { outcome, requestIdentity } = await this.exchange(
      'GET',
      ['service_instances', instanceId],
      { service_id: opts.serviceId, plan_id: opts.planId },
      undefined,
      opts,
    );
    if (outcome.type !== 'response') return this.transportFailure('getInstance', outcome, requestIdentity);
    const res = outcome.response;
    if (res.status === 404) return { kind: 'notFound', requestIdentity };
    if (res.status !== 200) return statusFailure('getInstance', res, requestIdentity);
    const checked = check(res.body, validateGetInstanceResponse);
    if (!checked.ok) return malformedFailure('getInstance', res, checked.problem, requestIdentity);
    return { kind: 'done', instance: checked.value, requestIdentity };
  }

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id` (when `bindings_retrievable`). */
  async getBinding(instanceId: string, bindingId: string, opts: FetchOptions = {}): Promise<GetBindingResult> {
    requireId('instance id', instanceId);
    requireId('binding id', bindingId);
    const { outcome, requestIdentity } = await this.exchange(
      'GET',
      ['service_instances', instanceId, 'service_bindings', bindingId],
      { service_id: opts.serviceId, plan_id: opts.planId },
      undefined,
      opts,
    );
    if (outcome.type !== 'response') return this.transportFailure('getBinding', outcome, requestIdentity);
    const res = outcome.response;
    if (res.status === 404) return { kind: 'notFound', requestIdentity };
    if (res.status !== 200) return statusFailure('getBinding', res, requestIdentity);
    const checked = check(res.body, validateGetBindingResponse);
    if (!checked.ok) return malformedFailure('getBinding', res, checked.problem, requestIdentity);
    return { kind: 'done', binding: checked.value, requestIdentity };
  }

  // -------------------------------------------------------------------------------------------------

  private deleted(endpoint: 'deprovision' | 'unbind', ex: Exchange): DeleteResult {
    const { outcome, requestIdentity } = ex;
    if (outcome.type !== 'response') return this.transportFailure(endpoint, outcome, requestIdentity);
    const res = outcome.response;
    if (res.status === 410) return { kind: 'gone', requestIdentity };
    if (res.status === 200) {
      const body = parseJsonObject(res.body);
      if (!body.ok) return malformedFailure(endpoint, res, body.problem, requestIdentity);
      return { kind: 'done', requestIdentity };
    }
    if (res.status === 202) {
      const checked = check(res.body, validateOperationResponse);
      if (!checked.ok) return malformedFailure(endpoint, res, checked.problem, requestIdentity);
      return { kind: 'async', operation: checked.value.operation, requestIdentity };
    }
    return statusFailure(endpoint, res, requestIdentity);
  }

  private polled(
    endpoint: 'lastOperation' | 'lastBindingOperation',
    operation: InstanceOperation | BindingOperation | undefined,
    ex: Exchange,
  ): LastOperationResult {
    const { outcome, requestIdentity } = ex;
    const what = ENDPOINT_WORDS[endpoint];
    if (outcome.type !== 'response') {
      const f = this.transportFailure(endpoint, outcome, requestIdentity);
      return { kind: 'pollAgain', description: f.description, requestIdentity };
    }
    const res = outcome.response;
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    const withRetry = retryAfterMs === undefined ? {} : { retryAfterMs };
    const isDelete = operation === undefined || operation === 'deprovision' || operation === 'unbind';
    if (res.status === 410) {
      if (isDelete) return { kind: 'gone', requestIdentity };
      return {
        kind: 'pollAgain',
        status: 410,
        description: `The broker answered 410 Gone while ${what} of a ${operation}, which is only valid for a delete`,
        ...withRetry,
        requestIdentity,
      };
    }
    if (res.status !== 200) {
      const body = readErrorBody(res.body);
      const code = body.error ? ` (${body.error})` : '';
      return {
        kind: 'pollAgain',
        status: res.status,
        description: body.description ?? `The broker answered ${statusText(res.status)}${code} while ${what}`,
        ...withRetry,
        requestIdentity,
      };
    }
    const checked = check(res.body, validateLastOperation);
    if (!checked.ok) {
      return { kind: 'pollAgain', status: 200, description: `The broker's answer to ${what} is malformed: ${checked.problem}`, ...withRetry, requestIdentity };
    }
    const lo = checked.value;
    const description = lo.description;
    if (lo.state === 'in progress') return { kind: 'inProgress', ...(description ? { description } : {}), ...withRetry, requestIdentity };
    if (lo.state === 'succeeded') return { kind: 'succeeded', ...(description ? { description } : {}), ...withRetry, requestIdentity };
    const instanceUsable = operation === 'update' || operation === 'deprovision' ? lo.instance_usable ?? true : undefined;
    const updateRepeatable = operation === 'update' ? lo.update_repeatable ?? true : undefined;
    return {
      kind: 'failed',
      reason: 'operationFailed',
      status: 200,
      description: description ?? `The broker reports that the ${operation ?? 'operation'} failed`,
      // Without knowing the operation, no orphan mitigation: the caller did not say what it created.
      orphanMitigation: operation !== undefined && needsOrphanMitigation(endpoint, { type: 'operationFailed', operation }),
      retryable: operation === 'update' ? updateRepeatable === true : true,
      ...(instanceUsable === undefined ? {} : { instanceUsable }),
      ...(updateRepeatable === undefined ? {} : { updateRepeatable }),
      ...withRetry,
      requestIdentity,
    };
  }

  private transportFailure(endpoint: OsbEndpoint, outcome: Exclude<TransportOutcome, { type: 'response' }>, requestIdentity: string): OsbFailure {
    const what = ENDPOINT_WORDS[endpoint];
    const description =
      outcome.type === 'timeout'
        ? `The broker at ${this.url.origin} did not answer ${what} in time (${outcome.message})`
        : `The broker at ${this.url.origin} could not be reached for ${what} (${outcome.message})`;
    return {
      kind: 'failed',
      reason: outcome.type,
      description,
      retryable: true,
      orphanMitigation: needsOrphanMitigation(endpoint, { type: outcome.type }),
      requestIdentity,
    };
  }

  private async exchange(
    method: 'GET' | 'PUT' | 'PATCH' | 'DELETE',
    segments: string[],
    query: Query,
    body: object | undefined,
    opts: RequestOptions,
  ): Promise<Exchange> {
    const requestIdentity = opts.requestIdentity || randomUUID();
    const url = new URL(this.url.href);
    const prefix = url.pathname.replace(/\/+$/, '');
    url.pathname = `${prefix}/v2/${segments.map(encodeURIComponent).join('/')}`;
    url.search = '';
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-broker-api-version': OSB_API_VERSION,
      'x-broker-api-request-identity': requestIdentity,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.auth && 'basic' in this.auth) {
      const { username, password } = this.auth.basic;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    } else if (this.auth && 'bearer' in this.auth) {
      headers.authorization = `Bearer ${this.auth.bearer.token}`;
    }
    if (opts.originatingIdentity) headers['x-broker-api-originating-identity'] = encodeOriginatingIdentity(opts.originatingIdentity);
    const outcome = await send(
      {
        url,
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: this.timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      this.agent,
    );
    return { outcome, requestIdentity };
  }
}

function deleteQuery(opts: DeleteOptions): Query {
  if (!opts.serviceId || !opts.planId) throw new TypeError('Deprovision and unbind need a service id and a plan id');
  return { service_id: opts.serviceId, plan_id: opts.planId, accepts_incomplete: opts.acceptsIncomplete || undefined };
}

function check<T>(text: string, validate: (body: JsonObject) => Checked<T>): Checked<T> {
  const parsed = parseJsonObject(text);
  return parsed.ok ? validate(parsed.value) : parsed;
}

function alreadyExists(endpoint: 'provision' | 'bind', res: TransportResponse, requestIdentity: string): AlreadyExists {
  const body = readErrorBody(res.body);
  const thing = endpoint === 'provision' ? 'A service instance' : 'A service binding';
  return {
    kind: 'alreadyExists',
    status: 409,
    description: body.description ?? `${thing} with this id already exists at the broker with different attributes`,
    requestIdentity,
  };
}

/** A 2xx answer whose body is not what the spec defines (or not JSON at all). */
function malformedFailure(endpoint: OsbEndpoint, res: TransportResponse, problem: string, requestIdentity: string): OsbFailure {
  return {
    kind: 'failed',
    reason: 'malformed',
    status: res.status,
    description: `The broker's ${statusText(res.status)} answer to ${ENDPOINT_WORDS[endpoint]} is malformed: ${problem}`,
    retryable: true,
    orphanMitigation: needsOrphanMitigation(endpoint, { type: 'status', status: res.status, malformed: true }),
    ...usability(endpoint, {}),
    requestIdentity,
  };
}

/** `instance_usable` and `update_repeatable` where the spec lets them appear, with its defaults. */
function usability(endpoint: OsbEndpoint, body: { instance_usable?: boolean; update_repeatable?: boolean }): Pick<OsbFailure, 'instanceUsable' | 'updateRepeatable'> {
  if (endpoint === 'update') return { instanceUsable: body.instance_usable ?? true, updateRepeatable: body.update_repeatable ?? true };
  if (endpoint === 'deprovision') return { instanceUsable: body.instance_usable ?? true };
  return {};
}

/** Any status the endpoint does not define as success (nor 409 on creates, 404 on fetches, 410 on deletes). */
function statusFailure(endpoint: OsbEndpoint, res: TransportResponse, requestIdentity: string): OsbFailure {
  const body = readErrorBody(res.body);
  const status = res.status;
  const u = usability(endpoint, body);
  const remedy = body.error ? REMEDIES[body.error] : undefined;
  let retryable: boolean;
  if (body.error === OsbErrorCode.ConcurrencyError) retryable = true;
  else if (status >= 500 && status <= 599) retryable = endpoint === 'update' ? u.updateRepeatable !== false : true;
  else if (RETRYABLE_4XX.has(status)) retryable = true;
  else if (status === 422 && endpoint === 'update' && !body.error) retryable = body.update_repeatable ?? false;
  else if (status >= 400 && status <= 499) retryable = false;
  else retryable = true; // 1xx, 3xx, unexpected 2xx: a broker misbehaving now may not later
  const reason = status >= 500 ? 'brokerError' : status >= 400 ? 'rejected' : 'malformed';
  const code = body.error ? ` (${body.error})` : '';
  const description = body.description ?? `The broker answered ${statusText(status)}${code} to ${ENDPOINT_WORDS[endpoint]}`;
  return {
    kind: 'failed',
    reason,
    status,
    ...(body.error ? { error: body.error } : {}),
    description,
    retryable,
    orphanMitigation: needsOrphanMitigation(endpoint, { type: 'status', status, malformed: false }),
    ...(remedy ? { remedy } : {}),
    ...u,
    requestIdentity,
  };
}
