/**
 * Checks that a broker's answer has the shape OSB 2.17 defines, so callers never meet a wrong type
 * deep in a controller. Unknown fields are allowed (the spec's vendor extension rule); each problem
 * is reported as a short sentence naming the field.
 */
import type {
  BindResponse,
  Catalog,
  DeprovisionResponse,
  ErrorBody,
  GetBindingResponse,
  GetInstanceResponse,
  JsonObject,
  LastOperationResponse,
  ProvisionResponse,
  UpdateResponse,
} from './types.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The spec caps `operation` at 10,000 characters. */
const MAX_OPERATION_LENGTH = 10_000;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a body that must be a JSON object. */
export function parseJsonObject(text: string): Checked<JsonObject> {
  if (text.trim() === '') return { ok: false, problem: 'the body is empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the body is not valid JSON' };
  }
  if (!isObject(parsed)) return { ok: false, problem: 'the body is not a JSON object' };
  return { ok: true, value: parsed };
}

/** Accumulates problems as fields are checked; `problem` is the first one found. */
class Checker {
  problem: string | undefined;
  fail(message: string): void {
    this.problem ??= message;
  }
  string(obj: JsonObject, field: string, where: string, opts: { required?: boolean; nullable?: boolean; nonEmpty?: boolean } = {}): void {
    const v = obj[field];
    if (v === undefined) {
      if (opts.required) this.fail(`${where}${field} is missing`);
      return;
    }
    if (v === null && opts.nullable) return;
    if (typeof v !== 'string') this.fail(`${where}${field} must be a string`);
    else if (opts.nonEmpty && v === '') this.fail(`${where}${field} must not be empty`);
  }
  boolean(obj: JsonObject, field: string, where: string, required = false): void {
    const v = obj[field];
    if (v === undefined) {
      if (required) this.fail(`${where}${field} is missing`);
      return;
    }
    if (typeof v !== 'boolean') this.fail(`${where}${field} must be a boolean`);
  }
  object(obj: JsonObject, field: string, where: string): JsonObject | undefined {
    const v = obj[field];
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      this.fail(`${where}${field} must be an object`);
      return undefined;
    }
    return v;
  }
  stringArray(obj: JsonObject, field: string, where: string): void {
    const v = obj[field];
    if (v === undefined) return;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) this.fail(`${where}${field} must be an array of strings`);
  }
  operation(obj: JsonObject, where: string, nullable: boolean): void {
    this.string(obj, 'operation', where, { nullable });
    const op = obj.operation;
    if (typeof op === 'string' && op.length > MAX_OPERATION_LENGTH) {
      this.fail(`${where}operation is longer than ${MAX_OPERATION_LENGTH} characters`);
    }
  }
  result<T>(value: JsonObject): Checked<T> {
    return this.problem === undefined ? { ok: true, value: value as unknown as T } : { ok: false, problem: this.problem };
  }
}

function checkMaintenanceInfo(c: Checker, obj: JsonObject, where: string): void {
  const mi = c.object(obj, 'maintenance_info', where);
  if (!mi) return;
  c.string(mi, 'version', `${where}maintenance_info.`, { required: true, nonEmpty: true });
  c.string(mi, 'description', `${where}maintenance_info.`);
}

function checkSchemas(c: Checker, plan: JsonObject, where: string): void {
  const schemas = c.object(plan, 'schemas', where);
  if (!schemas) return;
  const shapes: [string, string[]][] = [
    ['service_instance', ['create', 'update']],
    ['service_binding', ['create']],
  ];
  for (const [kind, actions] of shapes) {
    const k = c.object(schemas, kind, `${where}schemas.`);
    if (!k) continue;
    for (const action of actions) {
      const a = c.object(k, action, `${where}schemas.${kind}.`);
      if (a) c.object(a, 'parameters', `${where}schemas.${kind}.${action}.`);
    }
  }
}

export function validateCatalog(body: JsonObject): Checked<Catalog> {
  const c = new Checker();
  const services = body.services;
  if (!Array.isArray(services)) return { ok: false, problem: 'services must be an array' };
  const serviceIds = new Set<string>();
  const serviceNames = new Set<string>();
  services.forEach((s, i) => {
    const where = `services[${i}].`;
    if (!isObject(s)) {
      c.fail(`services[${i}] must be an object`);
      return;
    }
    c.string(s, 'id', where, { required: true, nonEmpty: true });
    c.string(s, 'name', where, { required: true, nonEmpty: true });
    c.string(s, 'description', where, { required: true, nonEmpty: true });
    c.boolean(s, 'bindable', where, true);
    for (const f of ['instances_retrievable', 'bindings_retrievable', 'allow_context_updates', 'plan_updateable']) c.boolean(s, f, where);
    c.stringArray(s, 'tags', where);
    c.stringArray(s, 'requires', where);
    c.object(s, 'metadata', where);
    c.object(s, 'dashboard_client', where);
    if (typeof s.id === 'string') {
      if (serviceIds.has(s.id)) c.fail(`${where}id "${s.id}" is not unique`);
      serviceIds.add(s.id);
    }
    if (typeof s.name === 'string') {
      if (serviceNames.has(s.name)) c.fail(`${where}name "${s.name}" is not unique`);
      serviceNames.add(s.name);
    }
    const plans = s.plans;
    if (!Array.isArray(plans) || plans.length === 0) {
      c.fail(`${where}plans must be a non-empty array`);
      return;
    }
    const planNames = new Set<string>();
    plans.forEach((p, j) => {
      const pw = `${where}plans[${j}].`;
      if (!isObject(p)) {
        c.fail(`${where}plans[${j}] must be an object`);
        return;
      }
      c.string(p, 'id', pw, { required: true, nonEmpty: true });
      c.string(p, 'name', pw, { required: true, nonEmpty: true });
      c.string(p, 'description', pw, { required: true, nonEmpty: true });
      for (const f of ['free', 'bindable', 'binding_rotatable', 'plan_updateable']) c.boolean(p, f, pw);
      c.object(p, 'metadata', pw);
      const mpd = p.maximum_polling_duration;
      if (mpd !== undefined && !(typeof mpd === 'number' && Number.isInteger(mpd) && mpd >= 0)) {
        c.fail(`${pw}maximum_polling_duration must be a non-negative integer`);
      }
      checkMaintenanceInfo(c, p, pw);
      checkSchemas(c, p, pw);
      if (typeof p.name === 'string') {
        if (planNames.has(p.name)) c.fail(`${pw}name "${p.name}" is not unique within its service`);
        planNames.add(p.name);
      }
    });
  });
  return c.result<Catalog>(body);
}

function checkInstanceMetadata(c: Checker, body: JsonObject): void {
  const md = c.object(body, 'metadata', '');
  if (!md) return;
  c.object(md, 'labels', 'metadata.');
  c.object(md, 'attributes', 'metadata.');
}

export function validateProvisionResponse(body: JsonObject): Checked<ProvisionResponse> {
  const c = new Checker();
  c.string(body, 'dashboard_url', '', { nullable: true });
  c.operation(body, '', true);
  checkInstanceMetadata(c, body);
  return c.result(body);
}

export function validateUpdateResponse(body: JsonObject): Checked<UpdateResponse> {
  const c = new Checker();
  c.string(body, 'dashboard_url', '', { nullable: true });
  c.operation(body, '', false);
  checkInstanceMetadata(c, body);
  return c.result(body);
}

/** The 202 answers of deprovision, bind and unbind: only `operation`. */
export function validateOperationResponse(body: JsonObject): Checked<DeprovisionResponse> {
  const c = new Checker();
  c.operation(body, '', false);
  return c.result(body);
}

function checkBinding(c: Checker, body: JsonObject): void {
  c.object(body, 'credentials', '');
  c.string(body, 'syslog_drain_url', '');
  c.string(body, 'route_service_url', '');
  const md = c.object(body, 'metadata', '');
  if (md) {
    for (const f of ['expires_at', 'renew_before']) {
      c.string(md, f, 'metadata.');
      const v = md[f];
      if (typeof v === 'string' && Number.isNaN(Date.parse(v))) c.fail(`metadata.${f} must be an ISO 8601 time`);
    }
  }
  const mounts = body.volume_mounts;
  if (mounts !== undefined) {
    if (!Array.isArray(mounts)) c.fail('volume_mounts must be an array');
    else
      mounts.forEach((m, i) => {
        const w = `volume_mounts[${i}].`;
        if (!isObject(m)) return c.fail(`volume_mounts[${i}] must be an object`);
        for (const f of ['driver', 'container_dir', 'mode', 'device_type']) c.string(m, f, w, { required: true });
        const device = c.object(m, 'device', w);
        if (!device) return c.fail(`${w}device is missing`);
        c.string(device, 'volume_id', `${w}device.`, { required: true });
        c.object(device, 'mount_config', `${w}device.`);
      });
  }
  const endpoints = body.endpoints;
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints)) c.fail('endpoints must be an array');
    else
      endpoints.forEach((e, i) => {
        const w = `endpoints[${i}].`;
        if (!isObject(e)) return c.fail(`endpoints[${i}] must be an object`);
        c.string(e, 'host', w, { required: true, nonEmpty: true });
        if (!Array.isArray(e.ports) || e.ports.length === 0 || e.ports.some((p) => typeof p !== 'string')) {
          c.fail(`${w}ports must be a non-empty array of strings`);
        }
        c.string(e, 'protocol', w);
      });
  }
}

export function validateBindResponse(body: JsonObject): Checked<BindResponse> {
  const c = new Checker();
  checkBinding(c, body);
  return c.result(body);
}

export function validateGetBindingResponse(body: JsonObject): Checked<GetBindingResponse> {
  const c = new Checker();
  checkBinding(c, body);
  c.object(body, 'parameters', '');
  return c.result(body);
}

export function validateGetInstanceResponse(body: JsonObject): Checked<GetInstanceResponse> {
  const c = new Checker();
  c.string(body, 'service_id', '');
  c.string(body, 'plan_id', '');
  c.string(body, 'dashboard_url', '', { nullable: true });
  c.object(body, 'parameters', '');
  checkMaintenanceInfo(c, body, '');
  checkInstanceMetadata(c, body);
  return c.result(body);
}

export function validateLastOperation(body: JsonObject): Checked<LastOperationResponse> {
  const c = new Checker();
  const state = body.state;
  if (state === undefined) c.fail('state is missing');
  else if (state !== 'in progress' && state !== 'succeeded' && state !== 'failed') {
    c.fail(`state must be "in progress", "succeeded" or "failed", not ${JSON.stringify(state)}`);
  }
  c.string(body, 'description', '');
  c.boolean(body, 'instance_usable', '');
  c.boolean(body, 'update_repeatable', '');
  return c.result(body);
}

/** Reads what it can from an error answer; a body that is not a JSON object gives `{}`. */
export function readErrorBody(text: string): ErrorBody {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return {};
  const b = parsed.value;
  const out: ErrorBody = {};
  if (typeof b.error === 'string' && b.error !== '') out.error = b.error;
  if (typeof b.description === 'string' && b.description !== '') out.description = b.description;
  if (typeof b.instance_usable === 'boolean') out.instance_usable = b.instance_usable;
  if (typeof b.update_repeatable === 'boolean') out.update_repeatable = b.update_repeatable;
  return out;
}
