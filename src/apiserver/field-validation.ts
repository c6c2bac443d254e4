import { isPlainObject, type SchemaNode } from '../api/index.js';

export interface FieldProblems {
  /** Paths of fields the schema does not declare (`spec.containers[0].imagee`). */
  unknown: string[];
  /** Values of the wrong JSON type, with what was expected. */
  wrongType: { path: string; expected: string; got: string }[];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

function typeMatches(expected: string, got: string): boolean {
  if (got === 'null') return true;
  if (expected === 'number') return got === 'number' || got === 'integer';
  return expected === got;
}

/**
 * Walks a decoded object against its schema, as kube-apiserver's decoding does: unknown fields are
 * reported (and rejected under fieldValidation=Strict) and removed, as decoding into the typed object
 * drops them; values of the wrong type are reported (always rejected).
 */
export function checkFields(value: unknown, schema: SchemaNode | undefined): FieldProblems {
  const problems: FieldProblems = { unknown: [], wrongType: [] };
  walk(value, schema, '', problems);
  return problems;
}

function walk(value: unknown, node: SchemaNode | undefined, path: string, out: FieldProblems): void {
  if (!node || node.opaque || value === null || value === undefined) return;
  const got = jsonType(value);
  if (node.type && !typeMatches(node.type, got)) {
    out.wrongType.push({ path: path || '.', expected: node.type, got });
    return;
  }
  if (Array.isArray(value)) {
    const items = node.items();
    value.forEach((v, i) => walk(v, items, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  const mapValues = node.values();
  if (mapValues) {
    for (const [k, v] of Object.entries(value)) walk(v, mapValues, path ? `${path}.${k}` : k, out);
    return;
  }
  const known = node.properties?.();
  for (const [k, v] of Object.entries(value)) {
    const child = node.field(k);
    const childPath = path ? `${path}.${k}` : k;
    if (!child) {
      if (known && !known.includes(k)) {
        out.unknown.push(childPath);
        delete value[k];
      }
      continue;
    }
    walk(v, child, childPath, out);
  }
}
