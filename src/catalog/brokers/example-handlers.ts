/**
 * The example broker's OSB 2.17 semantics, one method per endpoint, each returning the answer to
 * send. Status codes and error codes follow the spec's tables: 200 for an identical re-sent create,
 * 409 for a different one, 410 for deleting what is not there, 422 with AsyncRequired,
 * ConcurrencyError, RequiresApp or MaintenanceInfoConflict, 400 for bodies or parameters that do not
 * fit the plan's schema.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Catalog, JsonObject, JsonValue, Plan, Service } from '../osb/types.js';
import {
  bindingKey,
  findOperation,
  runningOperation,
  type BindingRecord,
  type BrokerState,
  type InstanceRecord,
  type OperationRecord,
} from './broker-state.js';
import { LARGE_PLAN_ID } from './example-catalog.js';
import { checkSchema } from './schema-check.js';
import { answer as ok, asyncRequired, brokerError as error, concurrencyError as concurrency, isJsonObject as isObject } from './broker-answers.js';
import type { BrokerAnswer, OsbRequest } from './osb-http-server.js';

export type { BrokerAnswer } from './osb-http-server.js';

/** Settings a test may change while the broker runs. */
export interface BrokerBehaviour {
  /** Every plan works asynchronously (the `large` plan always does). */
  async: boolean;
  /** `in progress` answers before an asynchronous operation ends. */
  asyncPolls: number;
  /** Sent as Retry-After (seconds) with `in progress` answers. */
  retryAfterSeconds?: number;
  /** Asynchronous operations never end. */
  stallOperations: boolean;
  /** Bind requires `bind_resource.app_guid` (RequiresApp). */
  requiresApp: boolean;
  /** Bindings carry `metadata.expires_at` this many seconds ahead (and `renew_before` at 80%). */
  bindingTtlSeconds?: number;
  /** Host and port written into credentials and endpoints. */
  credentialHost: string;
  credentialPort: number;
}

/** How the next operation to finish should fail. */
export interface OperationFailure {
  description?: string;
  instanceUsable?: boolean;
  updateRepeatable?: boolean;
}

export interface RequestFacts {
  query: URLSearchParams;
  body: JsonValue | undefined;
  originatingIdentity?: Record<string, unknown>;
}

function secret(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export class ExampleHandlers {
  private failNext: OperationFailure | undefined;

  constructor(
    private catalog: Catalog,
    private readonly state: BrokerState,
    readonly behaviour: BrokerBehaviour,
  ) {}

  /** Serve another catalog from now on, e.g. one that drops a plan instances still use. */
  setCatalog(catalog: Catalog): void {
    this.catalog = catalog;
  }

  /** The next asynchronous operation to finish ends `failed`. */
  failNextOperation(failure: OperationFailure = {}): void {
    this.failNext = failure;
  }

  /** One request, as `startOsbServer` hands it over. */
  async handle(req: OsbRequest): Promise<BrokerAnswer> {
    const facts: RequestFacts = { query: req.query, body: req.body };
    if (req.originatingIdentity) facts.originatingIdentity = { platform: req.originatingIdentity.platform, ...req.originatingIdentity.value };
    const { instanceId: i, bindingId: b } = req;
    switch (req.endpoint) {
      case 'catalog': return this.getCatalog();
      case 'provision': return this.provision(i, facts);
      case 'update': return this.update(i, facts);
      case 'deprovision': return this.deprovision(i, facts);
      case 'lastOperation': return this.lastOperation(i, facts);
      case 'getInstance': return this.getInstance(i);
      case 'bind': return this.bind(i, b, facts);
      case 'unbind': return this.unbind(i, b, facts);
      case 'lastBindingOperation': return this.lastBindingOperation(i, b, facts);
      case 'getBinding': return this.getBinding(i, b);
    }
  }

  getCatalog(): BrokerAnswer {
    return ok(200, this.catalog as unknown as JsonValue);
  }

  // ---- instances ----------------------------------------------------------------------------------

  provision(instanceId: string, req: RequestFacts): BrokerAnswer {
    const body = req.body;
    if (!isObject(body)) return error(400, 'The request body must be a JSON object');
    const found = this.lookupPlan(body.service_id, body.plan_id);
    if ('status' in found) return found;
    const { plan } = found;
    if (body.parameters !== undefined && !isObject(body.parameters)) return error(400, 'parameters must be an object');
    const problems = checkSchema(plan.schemas?.service_instance?.create?.parameters, body.parameters ?? {});
    if (problems.length) return error(400, `Invalid parameters: ${problems.join('; ')}`);
    const mi = this.checkMaintenance(plan, body.maintenance_info);
    if (mi) return mi;
    const parameters = isObject(body.parameters) ? body.parameters : undefined;

    const existing = this.state.instances.get(instanceId);
    if (existing) {
      const same =
        existing.serviceId === body.service_id && existing.planId === body.plan_id && isDeepStrictEqual(existing.parameters, parameters);
      if (!same) return error(409, `Service instance "${instanceId}" already exists with different attributes`);
      const running = runningOperation(existing.operations);
      if (existing.status === 'creating' && running) return ok(202, { dashboard_url: existing.dashboardUrl, operation: running.id });
      if (existing.status === 'ready') return ok(200, { dashboard_url: existing.dashboardUrl });
      return error(409, `Service instance "${instanceId}" exists in state ${existing.status}`);
    }

    const isAsync = this.isAsync(plan.id);
    if (isAsync && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    const op = this.state.newOperation('provision', isAsync, this.behaviour.asyncPolls);
    const record: InstanceRecord = {
      id: instanceId,
      serviceId: body.service_id as string,
      planId: plan.id,
      ...(parameters ? { parameters } : {}),
      ...(isObject(body.context) ? { context: body.context } : {}),
      ...(plan.maintenance_info ? { maintenanceVersion: plan.maintenance_info.version } : {}),
      dashboardUrl: `http://${this.behaviour.credentialHost}:${this.behaviour.credentialPort}/dashboard/${encodeURIComponent(instanceId)}`,
      status: isAsync ? 'creating' : 'ready',
      usable: true,
      operations: [op],
      ...(req.originatingIdentity ? { createdBy: req.originatingIdentity } : {}),
    };
    this.state.instances.set(instanceId, record);
    this.state.goneInstances.delete(instanceId);
    this.state.save();
    const metadata = { labels: { plan: plan.name } };
    if (isAsync) return ok(202, { dashboard_url: record.dashboardUrl, operation: op.id, metadata });
    return ok(201, { dashboard_url: record.dashboardUrl, metadata });
  }

  update(instanceId: string, req: RequestFacts): BrokerAnswer {
    const body = req.body;
    if (!isObject(body)) return error(400, 'The request body must be a JSON object');
    if (typeof body.service_id !== 'string') return error(400, 'service_id is required');
    const instance = this.state.instances.get(instanceId);
    if (!instance) return error(404, `Service instance "${instanceId}" does not exist`);
    if (body.service_id !== instance.serviceId) return error(400, 'service_id does not match the instance');
    const targetPlanId = typeof body.plan_id === 'string' ? body.plan_id : instance.planId;
    const found = this.lookupPlan(instance.serviceId, targetPlanId);
    if ('status' in found) return found;
    const { service, plan } = found;
    if (targetPlanId !== instance.planId && !(plan.plan_updateable ?? service.plan_updateable ?? false)) {
      return error(422, `Changing to plan "${plan.name}" is not supported`, undefined, { update_repeatable: false });
    }
    if (body.parameters !== undefined && !isObject(body.parameters)) return error(400, 'parameters must be an object');
    const problems = checkSchema(plan.schemas?.service_instance?.update?.parameters, body.parameters ?? {});
    if (problems.length) return error(400, `Invalid parameters: ${problems.join('; ')}`);
    const mi = this.checkMaintenance(plan, body.maintenance_info);
    if (mi) return mi;
    const pending = {
      ...(targetPlanId !== instance.planId ? { planId: targetPlanId } : {}),
      ...(isObject(body.parameters) ? { parameters: body.parameters } : {}),
      ...(isObject(body.maintenance_info) && typeof body.maintenance_info.version === 'string'
        ? { maintenanceVersion: body.maintenance_info.version }
        : {}),
    };

    const running = runningOperation(instance.operations);
    if (running) {
      if (running.type === 'update' && isDeepStrictEqual(running.pending, pending)) return ok(202, { operation: running.id });
      return concurrency('service instance');
    }
    if (instance.status !== 'ready') return error(422, `Service instance "${instanceId}" is ${instance.status}`);

    const isAsync = this.isAsync(instance.planId) || this.isAsync(targetPlanId);
    if (isAsync && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    const op = this.state.newOperation('update', isAsync, this.behaviour.asyncPolls);
    op.pending = pending;
    instance.operations.push(op);
    if (!isAsync) applyUpdate(instance, op);
    this.state.save();
    return isAsync ? ok(202, { operation: op.id }) : ok(200, {});
  }

  deprovision(instanceId: string, req: RequestFacts): BrokerAnswer {
    const missing = requireIds(req.query);
    if (missing) return missing;
    const instance = this.state.instances.get(instanceId);
    if (!instance) return ok(410, {});
    const running = runningOperation(instance.operations);
    if (running?.type === 'deprovision') return ok(202, { operation: running.id });
    if (running?.type === 'update') return concurrency('service instance');
    const isAsync = this.isAsync(instance.planId);
    if (isAsync && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    if (running?.type === 'provision') {
      // A delete during creation halts the creation, as the spec asks.
      running.state = 'failed';
      running.description = 'Provisioning was halted by a deprovision request';
    }
    const op = this.state.newOperation('deprovision', isAsync, this.behaviour.asyncPolls);
    instance.operations.push(op);
    if (isAsync) {
      instance.status = 'deleting';
      this.state.save();
      return ok(202, { operation: op.id });
    }
    this.removeInstance(instance, false);
    return ok(200, {});
  }

  lastOperation(instanceId: string, req: RequestFacts): BrokerAnswer {
    const instance = this.state.instances.get(instanceId);
    if (!instance) {
      if (this.state.goneInstances.has(instanceId)) return ok(410, {});
      return error(404, `Service instance "${instanceId}" does not exist`);
    }
    const op = findOperation(instance.operations, req.query.get('operation') ?? undefined);
    if (!op) return error(400, `Unknown operation "${req.query.get('operation')}"`);
    this.advance(op, () => this.finishInstanceOperation(instance, op));
    return this.operationAnswer(op);
  }

  getInstance(instanceId: string): BrokerAnswer {
    const instance = this.state.instances.get(instanceId);
    if (!instance || instance.status === 'creating') return error(404, `Service instance "${instanceId}" does not exist`);
    if (runningOperation(instance.operations)?.type === 'update') return concurrency('service instance');
    return ok(200, {
      service_id: instance.serviceId,
      plan_id: instance.planId,
      dashboard_url: instance.dashboardUrl,
      ...(instance.parameters ? { parameters: instance.parameters } : {}),
      ...(instance.maintenanceVersion ? { maintenance_info: { version: instance.maintenanceVersion } } : {}),
      metadata: { labels: { status: instance.status } },
    });
  }

  // ---- bindings -----------------------------------------------------------------------------------

  bind(instanceId: string, bindingId: string, req: RequestFacts): BrokerAnswer {
    const body = req.body;
    if (!isObject(body)) return error(400, 'The request body must be a JSON object');
    const instance = this.state.instances.get(instanceId);
    if (!instance) return error(404, `Service instance "${instanceId}" does not exist`);
    let parameters = isObject(body.parameters) ? body.parameters : undefined;
    let serviceId = body.service_id;
    let planId = body.plan_id;
    const predecessorId = typeof body.predecessor_binding_id === 'string' ? body.predecessor_binding_id : undefined;
    if (predecessorId !== undefined) {
      // Rotation: the successor takes its predecessor's service, plan and parameters.
      const pred = this.state.bindings.get(bindingKey(instanceId, predecessorId));
      if (!pred || pred.status !== 'ready') return error(400, `predecessor_binding_id "${predecessorId}" is not a binding of this instance`);
      serviceId = pred.serviceId;
      planId = pred.planId;
      parameters = pred.parameters;
    }
    const found = this.lookupPlan(serviceId, planId);
    if ('status' in found) return found;
    const { service, plan } = found;
    if (planId !== instance.planId) return error(400, 'plan_id does not match the instance');
    if (!(plan.bindable ?? service.bindable)) return error(400, `Plan "${plan.name}" is not bindable`);
    if (predecessorId !== undefined && !plan.binding_rotatable) return error(400, `Plan "${plan.name}" does not support binding rotation`);
    if (body.parameters !== undefined && !isObject(body.parameters)) return error(400, 'parameters must be an object');
    const problems = checkSchema(plan.schemas?.service_binding?.create?.parameters, parameters ?? {});
    if (problems.length) return error(400, `Invalid parameters: ${problems.join('; ')}`);
    const bindResource = isObject(body.bind_resource) ? body.bind_resource : undefined;
    const appGuid = bindResource?.app_guid ?? body.app_guid;
    if (this.behaviour.requiresApp && (typeof appGuid !== 'string' || appGuid === '')) {
      return error(422, 'This service supports generation of credentials through binding an application only', 'RequiresApp');
    }

    const key = bindingKey(instanceId, bindingId);
    const existing = this.state.bindings.get(key);
    if (existing) {
      const same = isDeepStrictEqual(existing.parameters, parameters) && isDeepStrictEqual(existing.bindResource, bindResource);
      if (!same) return error(409, `Service binding "${bindingId}" already exists with different parameters`);
      const running = runningOperation(existing.operations);
      if (existing.status === 'creating' && running) return ok(202, { operation: running.id });
      if (existing.status === 'ready') return ok(200, bindingBody(existing));
      return error(409, `Service binding "${bindingId}" exists in state ${existing.status}`);
    }
    if (instance.status !== 'ready' || runningOperation(instance.operations)) return concurrency('service instance');
    if (!instance.usable) return error(422, `Service instance "${instanceId}" is not usable`);

    const isAsync = this.isAsync(instance.planId);
    if (isAsync && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    const op = this.state.newOperation('bind', isAsync, this.behaviour.asyncPolls);
    const username = `u_${secret(4)}`;
    const password = secret(12);
    const database = `db_${instanceId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16) || 'x'}`;
    const { credentialHost: host, credentialPort: port } = this.behaviour;
    const record: BindingRecord = {
      id: bindingId,
      instanceId,
      serviceId: serviceId as string,
      planId: planId as string,
      ...(parameters ? { parameters } : {}),
      ...(bindResource ? { bindResource } : {}),
      ...(isObject(body.context) ? { context: body.context } : {}),
      ...(predecessorId ? { predecessorBindingId: predecessorId } : {}),
      credentials: {
        host,
        port,
        database,
        username,
        password,
        uri: `exampledb://${username}:${password}@${host}:${port}/${database}`,
        readonly: parameters?.readonly === true,
      },
      endpoints: [{ host, ports: [String(port)], protocol: 'tcp' }],
      ...(this.behaviour.bindingTtlSeconds ? { metadata: expiry(this.behaviour.bindingTtlSeconds) } : {}),
      status: isAsync ? 'creating' : 'ready',
      operations: [op],
    };
    this.state.bindings.set(key, record);
    this.state.goneBindings.delete(key);
    this.state.save();
    return isAsync ? ok(202, { operation: op.id }) : ok(201, bindingBody(record));
  }

  unbind(instanceId: string, bindingId: string, req: RequestFacts): BrokerAnswer {
    const missing = requireIds(req.query);
    if (missing) return missing;
    const binding = this.state.bindings.get(bindingKey(instanceId, bindingId));
    if (!binding) return ok(410, {});
    const running = runningOperation(binding.operations);
    if (running?.type === 'unbind') return ok(202, { operation: running.id });
    const isAsync = this.isAsync(binding.planId);
    if (isAsync && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    if (running?.type === 'bind') {
      running.state = 'failed';
      running.description = 'Binding was halted by an unbind request';
    }
    const op = this.state.newOperation('unbind', isAsync, this.behaviour.asyncPolls);
    binding.operations.push(op);
    if (isAsync) {
      binding.status = 'deleting';
      this.state.save();
      return ok(202, { operation: op.id });
    }
    this.removeBinding(binding, false);
    return ok(200, {});
  }

  lastBindingOperation(instanceId: string, bindingId: string, req: RequestFacts): BrokerAnswer {
    const key = bindingKey(instanceId, bindingId);
    const binding = this.state.bindings.get(key);
    if (!binding) {
      if (this.state.goneBindings.has(key)) return ok(410, {});
      return error(404, `Service binding "${bindingId}" does not exist`);
    }
    const op = findOperation(binding.operations, req.query.get('operation') ?? undefined);
    if (!op) return error(400, `Unknown operation "${req.query.get('operation')}"`);
    this.advance(op, () => this.finishBindingOperation(binding, op));
    return this.operationAnswer(op);
  }

  getBinding(instanceId: string, bindingId: string): BrokerAnswer {
    const binding = this.state.bindings.get(bindingKey(instanceId, bindingId));
    if (!binding || binding.status === 'creating') return error(404, `Service binding "${bindingId}" does not exist`);
    return ok(200, { ...bindingBody(binding), ...(binding.parameters ? { parameters: binding.parameters } : {}) });
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private isAsync(planId: string): boolean {
    return this.behaviour.async || planId === LARGE_PLAN_ID;
  }

  private lookupPlan(serviceId: JsonValue | undefined, planId: JsonValue | undefined): { service: Service; plan: Plan } | BrokerAnswer {
    if (typeof serviceId !== 'string' || serviceId === '') return error(400, 'service_id is required');
    if (typeof planId !== 'string' || planId === '') return error(400, 'plan_id is required');
    const service = this.catalog.services.find((s) => s.id === serviceId);
    if (!service) return error(400, `service_id "${serviceId}" is not in the catalog`);
    const plan = service.plans.find((p) => p.id === planId);
    if (!plan) return error(400, `plan_id "${planId}" is not a plan of service "${service.name}"`);
    return { service, plan };
  }

  private checkMaintenance(plan: Plan, requested: JsonValue | undefined): BrokerAnswer | undefined {
    if (requested === undefined) return undefined;
    if (!isObject(requested) || typeof requested.version !== 'string') return error(400, 'maintenance_info.version must be a string');
    if (requested.version !== plan.maintenance_info?.version) {
      return error(422, 'The maintenance information for the requested service plan has changed', 'MaintenanceInfoConflict');
    }
    return undefined;
  }

  /** One poll's worth of progress; `finish` applies the operation's effect when it ends. */
  private advance(op: OperationRecord, finish: () => void): void {
    if (op.state !== 'in progress' || this.behaviour.stallOperations) return;
    if (op.pollsLeft > 0) {
      op.pollsLeft -= 1;
      return;
    }
    if (this.failNext) {
      const f = this.failNext;
      this.failNext = undefined;
      op.state = 'failed';
      op.description = f.description ?? `The ${op.type} failed`;
      if (f.instanceUsable !== undefined) op.instanceUsable = f.instanceUsable;
      if (f.updateRepeatable !== undefined) op.updateRepeatable = f.updateRepeatable;
    } else {
      op.state = 'succeeded';
    }
    finish();
    this.state.save();
  }

  private operationAnswer(op: OperationRecord): BrokerAnswer {
    const body: JsonObject = { state: op.state };
    if (op.description) body.description = op.description;
    else if (op.state === 'in progress') body.description = `${op.type} in progress`;
    if (op.state === 'failed' && (op.type === 'update' || op.type === 'deprovision') && op.instanceUsable !== undefined) {
      body.instance_usable = op.instanceUsable;
    }
    if (op.state === 'failed' && op.type === 'update' && op.updateRepeatable !== undefined) body.update_repeatable = op.updateRepeatable;
    const retry = this.behaviour.retryAfterSeconds;
    return ok(200, body, op.state === 'in progress' && retry !== undefined ? { 'retry-after': String(retry) } : undefined);
  }

  private finishInstanceOperation(instance: InstanceRecord, op: OperationRecord): void {
    const succeeded = op.state === 'succeeded';
    switch (op.type) {
      case 'provision':
        instance.status = succeeded ? 'ready' : 'failed';
        return;
      case 'update':
        if (succeeded) applyUpdate(instance, op);
        else instance.usable = op.instanceUsable ?? true;
        return;
      case 'deprovision':
        if (succeeded) this.removeInstance(instance, true);
        else {
          instance.status = 'ready';
          instance.usable = op.instanceUsable ?? true;
        }
        return;
      default:
        return;
    }
  }

  private finishBindingOperation(binding: BindingRecord, op: OperationRecord): void {
    const succeeded = op.state === 'succeeded';
    if (op.type === 'bind') binding.status = succeeded ? 'ready' : 'failed';
    else if (op.type === 'unbind') {
      if (succeeded) this.removeBinding(binding, true);
      else binding.status = 'ready';
    }
  }

  private removeInstance(instance: InstanceRecord, async: boolean): void {
    for (const b of this.state.bindingsOf(instance.id)) this.state.bindings.delete(bindingKey(b.instanceId, b.id));
    this.state.instances.delete(instance.id);
    if (async) this.state.goneInstances.add(instance.id);
    this.state.save();
  }

  private removeBinding(binding: BindingRecord, async: boolean): void {
    const key = bindingKey(binding.instanceId, binding.id);
    this.state.bindings.delete(key);
    if (async) this.state.goneBindings.add(key);
    this.state.save();
  }
}

function applyUpdate(instance: InstanceRecord, op: OperationRecord): void {
  const p = op.pending ?? {};
  if (p.planId) instance.planId = p.planId;
  if (p.parameters) instance.parameters = p.parameters;
  if (p.maintenanceVersion) instance.maintenanceVersion = p.maintenanceVersion;
  instance.usable = true;
}

function requireIds(query: URLSearchParams): BrokerAnswer | undefined {
  if (!query.get('service_id')) return error(400, 'The service_id query parameter is required');
  if (!query.get('plan_id')) return error(400, 'The plan_id query parameter is required');
  return undefined;
}

function expiry(ttlSeconds: number): { expires_at: string; renew_before: string } {
  const now = Date.now();
  return {
    expires_at: new Date(now + ttlSeconds * 1000).toISOString(),
    renew_before: new Date(now + ttlSeconds * 800).toISOString(),
  };
}

function bindingBody(b: BindingRecord): JsonObject {
  return {
    credentials: b.credentials,
    endpoints: b.endpoints,
    ...(b.metadata ? { metadata: b.metadata } : {}),
  };
}
