/**
 * Provision and update parameters of the PostgreSQL plans, checked against the schema the catalog
 * publishes. The shared `checkSchema` covers objects, types, enums and bounds; array items are
 * checked here because that checker does not descend into arrays.
 */
import type { JsonObject, JsonValue } from '../../osb/types.js';
import { checkSchema } from '../schema-check.js';
import { instanceParameterSchema } from './catalog.js';

export interface InstanceParameters {
  /** Extension names, without duplicates, in the order given. */
  extensions: string[];
  /** -1 for no limit. */
  connectionLimit: number;
}

export type ParametersResult = { ok: true; value: InstanceParameters } | { ok: false; problems: string[] };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks `raw` (the request's `parameters`, possibly absent) and returns them typed, with defaults. */
export function parseInstanceParameters(raw: JsonValue | undefined): ParametersResult {
  const value: JsonValue = raw ?? {};
  const schema = instanceParameterSchema();
  const problems = checkSchema(schema, value);
  const props = schema.properties as JsonObject;
  const extensionsSchema = props.extensions as JsonObject;
  if (isObject(value) && Array.isArray(value.extensions)) {
    value.extensions.forEach((item, i) => problems.push(...checkSchema(extensionsSchema.items, item, `parameters.extensions[${i}]`)));
  }
  if (problems.length || !isObject(value)) return { ok: false, problems: problems.length ? problems : ['parameters must be of type object'] };
  const extensions = Array.isArray(value.extensions) ? [...new Set(value.extensions as string[])] : [];
  const connectionLimit = typeof value.connectionLimit === 'number' ? value.connectionLimit : -1;
  return { ok: true, value: { extensions, connectionLimit } };
}
