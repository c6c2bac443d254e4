/**
 * A small JSON schema checker for the broker's own plan schemas: `type`, `properties`, `required`,
 * `additionalProperties: false`, `enum`, `minimum`, `maximum`, `minLength`, `maxLength`. Enough to
 * reject bad parameters with a message naming the field; not a general validator.
 */
import type { JsonValue } from '../osb/types.js';

function typeOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: JsonValue, type: string): boolean {
  const actual = typeOf(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Problems with `value` against `schema`, each naming its path; empty when it conforms. */
export function checkSchema(schema: JsonValue | undefined, value: JsonValue, path = 'parameters'): string[] {
  if (schema === undefined || schema === null || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const problems: string[] = [];
  const type = schema.type;
  if (typeof type === 'string' && !matchesType(value, type)) return [`${path} must be of type ${type}`];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${path} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path} must be at least ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path} must be at most ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${path} must be at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${path} must be at most ${schema.maxLength} characters`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const props = schema.properties;
    const known = props && typeof props === 'object' && !Array.isArray(props) ? props : {};
    if (Array.isArray(schema.required)) {
      for (const r of schema.required) if (typeof r === 'string' && !(r in value)) problems.push(`${path}.${r} is required`);
    }
    for (const [k, v] of Object.entries(value)) {
      if (k in known) problems.push(...checkSchema(known[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${k} is not allowed`);
    }
  }
  return problems;
}
