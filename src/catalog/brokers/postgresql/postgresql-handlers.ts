/**
 * The PostgreSQL broker's OSB 2.17 semantics, one method per endpoint. Answers follow the spec's
 * tables: 201/200 for a new/identical provision or bind, 409 for a different one with the same id,
 * 410 for deleting what is not there, 422 AsyncRequired or ConcurrencyError, 400 with a description
 * naming the field for parameters that do not fit the plan's schema. Work on one instance is
 * serialized; the asynchronous plan's operations run in the background and survive a broker restart
 * (`resume`).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Catalog, JsonObject, JsonValue, Plan } from '../../osb/types.js';
import { isAsyncPlan, postgresqlCatalog } from './catalog.js';
import type { DatabaseAdmin } from './database-admin.js';
import { parseInstanceParameters, type InstanceParameters } from './instance-parameters.js';
import { bindingRoleName, databaseName, newPassword, ownerRoleName } from './names.js';
import type { BrokerAnswer, OsbRequest } from '../osb-http-server.js';
import { answer as ok, asyncRequired, brokerError as fail, concurrencyError as concurrency, isJsonObject as isObject } from '../broker-answers.js';
import { checkSchema } from '../schema-check.js';
import type { BindingRow, InstanceRow, OperationRow, StateStore } from './state-store.js';

export interface HandlerSettings {
  /** Host and port written into credentials: where applications reach the PostgreSQL server. */
  credentialHost: string;
  credentialPort: number;
  /** Extra time an asynchronous operation takes before it starts, so pollers see it in progress. */
  asyncDelayMs: number;
  /** Sent as Retry-After (seconds) while an asynchronous operation runs. */
  retryAfterSeconds: number;
  /** Reports failures of background operations. */
  log: (message: string) => void;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs jobs one at a time per key. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(job, job);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export class PostgresqlHandlers {
  private readonly catalog: Catalog = postgresqlCatalog();
  private readonly lock = new KeyedLock();
  private readonly background = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly state: StateStore,
    private readonly admin: DatabaseAdmin,
    private readonly settings: HandlerSettings,
  ) {}

  async handle(req: OsbRequest): Promise<BrokerAnswer> {
    switch (req.endpoint) {
      case 'catalog':
        return ok(200, this.catalog as unknown as JsonValue);
      case 'provision':
        return this.lock.run(req.instanceId, () => this.provision(req));
      case 'update':
        return this.lock.run(req.instanceId, () => this.update(req));
      case 'deprovision':
        return this.lock.run(req.instanceId, () => this.deprovision(req));
      case 'lastOperation':
        return this.lastOperation(req);
      case 'getInstance':
        return this.getInstance(req.instanceId);
      case 'bind':
        return this.lock.run(req.instanceId, () => this.bind(req));
      case 'unbind':
        return this.lock.run(req.instanceId, () => this.unbind(req));
      case 'getBinding':
        return this.getBinding(req.instanceId, req.bindingId);
      case 'lastBindingOperation':
        // Bindings are always synchronous here, so there is never an operation to report.
        return fail(400, 'This broker creates and deletes bindings synchronously; there is no binding operation to poll');
    }
  }

  /** Restarts the operations a stopped broker left running. */
  async resume(): Promise<void> {
    for (const op of await this.state.runningOperations()) this.startInBackground(op);
  }

  /** Stops starting background work and waits for what runs. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.background]);
  }

  // ---- instances ----------------------------------------------------------------------------------

  private async provision(req: OsbRequest): Promise<BrokerAnswer> {
    const body = req.body;
    if (!isObject(body)) return fail(400, 'The request body must be a JSON object');
    const found = this.lookupPlan(body.service_id, body.plan_id);
    if ('status' in found) return found;
    const plan = found;
    const parsed = await this.checkInstanceParameters(body.parameters);
    if ('status' in parsed) return parsed;
    const parameters = isObject(body.parameters) ? body.parameters : undefined;
    const asyncPlan = isAsyncPlan(plan.id);

    const existing = await this.state.instance(req.instanceId);
    if (existing) {
      const same = existing.serviceId === body.service_id && existing.planId === plan.id && isDeepStrictEqual(existing.parameters, parameters);
      if (!same) return fail(409, `Service instance "${req.instanceId}" already exists with different attributes`);
      if (existing.status === 'ready') return ok(200, {});
      if (existing.status === 'provisioning') {
        const op = await this.state.latestOperation(req.instanceId);
        if (op?.type === 'provision' && op.state === 'in progress') return ok(202, { operation: op.id });
        // A synchronous provision interrupted by a restart: finish it now.
        return this.provisionNow(existing, parsed, true);
      }
      return fail(409, `Service instance "${req.instanceId}" already exists and is ${existing.status}`);
    }

    if (asyncPlan && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    const row: InstanceRow = {
      id: req.instanceId,
      serviceId: body.service_id as string,
      planId: plan.id,
      ...(parameters ? { parameters } : {}),
      ...(isObject(body.context) ? { context: body.context } : {}),
      database: databaseName(req.instanceId),
      ownerRole: ownerRoleName(req.instanceId),
      ownerPassword: newPassword(),
      status: 'provisioning',
    };
    await this.state.insertInstance(row);
    if (!asyncPlan) return this.provisionNow(row, parsed, false);
    const op: OperationRow = { id: `provision-${randomUUID()}`, instanceId: row.id, type: 'provision', state: 'in progress' };
    await this.state.insertOperation(op);
    this.startInBackground(op);
    return ok(202, { operation: op.id });
  }

  private async provisionNow(row: InstanceRow, params: InstanceParameters, repeated: boolean): Promise<BrokerAnswer> {
    try {
      await this.admin.ensureInstance({ database: row.database, ownerRole: row.ownerRole, ownerPassword: row.ownerPassword, ...params });
    } catch (e) {
      // Leave nothing behind: the platform sees a failure and must not find a half-made instance.
      await this.admin.dropInstance(row.database, row.ownerRole, []).catch(() => undefined);
      await this.state.deleteInstance(row.id);
      return fail(500, `Creating database ${row.database} failed: ${messageOf(e)}`);
    }
    await this.state.setInstanceStatus(row.id, 'ready');
    return ok(repeated ? 200 : 201, {});
  }

  private async update(req: OsbRequest): Promise<BrokerAnswer> {
    const body = req.body;
    if (!isObject(body)) return fail(400, 'The request body must be a JSON object');
    if (typeof body.service_id !== 'string') return fail(400, 'service_id is required');
    const instance = await this.state.instance(req.instanceId);
    if (!instance) return fail(404, `Service instance "${req.instanceId}" does not exist`);
    if (body.service_id !== instance.serviceId) return fail(400, 'service_id does not match the instance');
    if (typeof body.plan_id === 'string' && body.plan_id !== instance.planId) return fail(400, 'This service does not support changing plans');
    if (instance.status !== 'ready') return concurrency('service instance');
    if (body.parameters === undefined) return ok(200, {});
    const parsed = await this.checkInstanceParameters(body.parameters);
    if ('status' in parsed) return parsed;
    const old = parseInstanceParameters(instance.parameters);
    const before = old.ok ? old.value : { extensions: [], connectionLimit: -1 };
    const removed = before.extensions.filter((x) => !parsed.extensions.includes(x));
    if (removed.length) return fail(400, `Extensions cannot be removed by an update (would remove ${removed.join(', ')})`);
    try {
      await this.admin.setConnectionLimit(instance.database, parsed.connectionLimit);
      await this.admin.createExtensions(instance.database, parsed.extensions);
    } catch (e) {
      return fail(500, `Updating database ${instance.database} failed: ${messageOf(e)}`);
    }
    await this.state.setInstanceParameters(instance.id, body.parameters as JsonObject);
    return ok(200, {});
  }

  private async deprovision(req: OsbRequest): Promise<BrokerAnswer> {
    const missing = requireIds(req.query);
    if (missing) return missing;
    const instance = await this.state.instance(req.instanceId);
    if (!instance) return ok(410, {});
    const running = await this.state.latestOperation(instance.id);
    if (running?.state === 'in progress') {
      if (running.type === 'deprovision') return ok(202, { operation: running.id });
      return concurrency('service instance');
    }
    const asyncPlan = isAsyncPlan(instance.planId);
    if (asyncPlan && req.query.get('accepts_incomplete') !== 'true') return asyncRequired();
    await this.state.setInstanceStatus(instance.id, 'deprovisioning');
    if (!asyncPlan) {
      try {
        await this.removeInstance(instance);
      } catch (e) {
        await this.state.setInstanceStatus(instance.id, 'ready');
        return fail(500, `Dropping database ${instance.database} failed: ${messageOf(e)}`);
      }
      return ok(200, {});
    }
    const op: OperationRow = { id: `deprovision-${randomUUID()}`, instanceId: instance.id, type: 'deprovision', state: 'in progress' };
    await this.state.insertOperation(op);
    this.startInBackground(op);
    return ok(202, { operation: op.id });
  }

  private async lastOperation(req: OsbRequest): Promise<BrokerAnswer> {
    const opId = req.query.get('operation');
    const op = opId ? await this.state.operation(opId) : await this.state.latestOperation(req.instanceId);
    if (!op || op.instanceId !== req.instanceId) {
      if (!(await this.state.instance(req.instanceId))) return fail(404, `Service instance "${req.instanceId}" does not exist`);
      return fail(400, opId ? `Unknown operation "${opId}"` : 'The instance has no operation');
    }
    const body: JsonObject = { state: op.state, description: op.description ?? `${op.type} ${op.state}` };
    if (op.state === 'failed' && op.type === 'deprovision') body.instance_usable = true;
    const headers = op.state === 'in progress' ? { 'retry-after': String(this.settings.retryAfterSeconds) } : undefined;
    return ok(200, body, headers);
  }

  private async getInstance(instanceId: string): Promise<BrokerAnswer> {
    const instance = await this.state.instance(instanceId);
    if (!instance || instance.status === 'provisioning') return fail(404, `Service instance "${instanceId}" does not exist`);
    return ok(200, {
      service_id: instance.serviceId,
      plan_id: instance.planId,
      ...(instance.parameters ? { parameters: instance.parameters } : {}),
      metadata: { labels: { database: instance.database }, attributes: { status: instance.status } },
    });
  }

  // ---- bindings -----------------------------------------------------------------------------------

  private async bind(req: OsbRequest): Promise<BrokerAnswer> {
    const body = req.body;
    if (!isObject(body)) return fail(400, 'The request body must be a JSON object');
    const found = this.lookupPlan(body.service_id, body.plan_id);
    if ('status' in found) return found;
    if (body.parameters !== undefined && !isObject(body.parameters)) return fail(400, 'parameters must be of type object');
    const problems = checkSchema(found.schemas?.service_binding?.create?.parameters, body.parameters ?? {});
    if (problems.length) return fail(400, `Invalid parameters: ${problems.join('; ')}`);
    if (body.predecessor_binding_id !== undefined) return fail(400, `Plan "${found.name}" does not support binding rotation`);
    const instance = await this.state.instance(req.instanceId);
    if (!instance) return fail(404, `Service instance "${req.instanceId}" does not exist`);
    if (body.plan_id !== instance.planId) return fail(400, 'plan_id does not match the instance');
    if (instance.status === 'provisioning' || instance.status === 'deprovisioning') return concurrency('service instance');
    if (instance.status !== 'ready') return fail(422, `Service instance "${req.instanceId}" is ${instance.status}`);
    const parameters = isObject(body.parameters) ? body.parameters : undefined;

    const existing = await this.state.binding(instance.id, req.bindingId);
    if (existing) {
      if (!isDeepStrictEqual(existing.parameters, parameters)) return fail(409, `Service binding "${req.bindingId}" already exists with different parameters`);
      try {
        await this.admin.ensureBindingRole(existing.role, existing.password, instance.ownerRole, instance.database);
      } catch (e) {
        return fail(500, `Creating role ${existing.role} failed: ${messageOf(e)}`);
      }
      return ok(200, this.bindingBody(instance, existing));
    }
    const row: BindingRow = {
      instanceId: instance.id,
      id: req.bindingId,
      ...(parameters ? { parameters } : {}),
      role: bindingRoleName(instance.id, req.bindingId),
      password: newPassword(),
    };
    await this.state.insertBinding(row);
    try {
      await this.admin.ensureBindingRole(row.role, row.password, instance.ownerRole, instance.database);
    } catch (e) {
      await this.admin.dropBindingRole(row.role, instance.ownerRole, instance.database).catch(() => undefined);
      await this.state.deleteBinding(row.instanceId, row.id);
      return fail(500, `Creating role ${row.role} failed: ${messageOf(e)}`);
    }
    return ok(201, this.bindingBody(instance, row));
  }

  private async unbind(req: OsbRequest): Promise<BrokerAnswer> {
    const missing = requireIds(req.query);
    if (missing) return missing;
    const binding = await this.state.binding(req.instanceId, req.bindingId);
    if (!binding) return ok(410, {});
    const instance = await this.state.instance(req.instanceId);
    try {
      await this.admin.dropBindingRole(binding.role, instance?.ownerRole ?? '', instance?.database ?? '');
    } catch (e) {
      return fail(500, `Dropping role ${binding.role} failed: ${messageOf(e)}`);
    }
    await this.state.deleteBinding(binding.instanceId, binding.id);
    return ok(200, {});
  }

  private async getBinding(instanceId: string, bindingId: string): Promise<BrokerAnswer> {
    const binding = await this.state.binding(instanceId, bindingId);
    const instance = binding ? await this.state.instance(instanceId) : undefined;
    if (!binding || !instance) return fail(404, `Service binding "${bindingId}" does not exist`);
    return ok(200, { ...this.bindingBody(instance, binding), ...(binding.parameters ? { parameters: binding.parameters } : {}) });
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private lookupPlan(serviceId: JsonValue | undefined, planId: JsonValue | undefined): Plan | BrokerAnswer {
    if (typeof serviceId !== 'string' || serviceId === '') return fail(400, 'service_id is required');
    if (typeof planId !== 'string' || planId === '') return fail(400, 'plan_id is required');
    const service = this.catalog.services.find((s) => s.id === serviceId);
    if (!service) return fail(400, `service_id "${serviceId}" is not in the catalog`);
    const plan = service.plans.find((p) => p.id === planId);
    if (!plan) return fail(400, `plan_id "${planId}" is not a plan of service "${service.name}"`);
    return plan;
  }

  /** The typed parameters, or a 400 naming every problem (including extensions the server lacks). */
  private async checkInstanceParameters(raw: JsonValue | undefined): Promise<InstanceParameters | BrokerAnswer> {
    const parsed = parseInstanceParameters(raw);
    if (!parsed.ok) return fail(400, `Invalid parameters: ${parsed.problems.join('; ')}`);
    if (parsed.value.extensions.length) {
      const available = await this.admin.availableExtensions();
      const missing = parsed.value.extensions.filter((x) => !available.has(x));
      if (missing.length) return fail(400, `Invalid parameters: extension ${missing.map((m) => JSON.stringify(m)).join(', ')} is not available on this PostgreSQL server`);
    }
    return parsed.value;
  }

  private bindingBody(instance: InstanceRow, binding: BindingRow): JsonObject {
    const { credentialHost: host, credentialPort: port } = this.settings;
    const uriHost = host.includes(':') ? `[${host}]` : host;
    return {
      credentials: {
        host,
        port,
        database: instance.database,
        username: binding.role,
        password: binding.password,
        uri: `postgresql://${binding.role}:${binding.password}@${uriHost}:${port}/${instance.database}`,
      },
      endpoints: [{ host, ports: [String(port)], protocol: 'tcp' }],
    };
  }

  private async removeInstance(instance: InstanceRow): Promise<void> {
    const bindings = await this.state.bindingsOf(instance.id);
    await this.admin.dropInstance(
      instance.database,
      instance.ownerRole,
      bindings.map((b) => b.role),
    );
    await this.state.deleteInstance(instance.id);
  }

  private startInBackground(op: OperationRow): void {
    if (this.closed) return;
    const run = sleep(this.settings.asyncDelayMs)
      .then(() =>
        this.lock.run(op.instanceId, async () => {
          if (this.closed) return; // a restarted broker resumes it
          await this.runOperation(op);
        }),
      )
      .catch((e: unknown) => this.settings.log(`${op.type} of instance ${op.instanceId}: ${messageOf(e)}`));
    this.background.add(run);
    void run.finally(() => this.background.delete(run));
  }

  private async runOperation(op: OperationRow): Promise<void> {
    const instance = await this.state.instance(op.instanceId);
    if (!instance) {
      await this.state.finishOperation(op.id, op.type === 'deprovision' ? 'succeeded' : 'failed', 'The instance no longer exists');
      return;
    }
    if (op.type === 'provision') {
      const parsed = parseInstanceParameters(instance.parameters);
      const params = parsed.ok ? parsed.value : { extensions: [], connectionLimit: -1 };
      try {
        await this.admin.ensureInstance({ database: instance.database, ownerRole: instance.ownerRole, ownerPassword: instance.ownerPassword, ...params });
      } catch (e) {
        await this.admin.dropInstance(instance.database, instance.ownerRole, []).catch(() => undefined);
        await this.state.setInstanceStatus(instance.id, 'failed');
        await this.state.finishOperation(op.id, 'failed', `Creating database ${instance.database} failed: ${messageOf(e)}`);
        return;
      }
      await this.state.setInstanceStatus(instance.id, 'ready');
      await this.state.finishOperation(op.id, 'succeeded', `Database ${instance.database} created`);
      return;
    }
    try {
      await this.removeInstance(instance);
    } catch (e) {
      await this.state.setInstanceStatus(instance.id, 'ready');
      await this.state.finishOperation(op.id, 'failed', `Dropping database ${instance.database} failed: ${messageOf(e)}`);
      return;
    }
    await this.state.finishOperation(op.id, 'succeeded', `Database ${instance.database} dropped`);
  }
}

function requireIds(query: URLSearchParams): BrokerAnswer | undefined {
  if (!query.get('service_id')) return fail(400, 'The service_id query parameter is required');
  if (!query.get('plan_id')) return fail(400, 'The plan_id query parameter is required');
  return undefined;
}
