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
  walk(value, schema, [], problems);
  return problems;
}

/** A path kept as its segments while walking (names and list indexes), written out only for a problem. */
type PathSegments = (string | number)[];

function pathText(path: PathSegments, last?: string): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  if (last !== undefined) out += out === '' ? last : `.${last}`;
  return out;
}

function walk(value: unknown, node: SchemaNode | undefined, path: PathSegments, out: FieldProblems): void {
  if (!node || node.opaque || value === null || value === undefined) return;
  const got = jsonType(value);
  if (node.type && !typeMatches(node.type, got)) {
    out.wrongType.push({ path: pathText(path) || '.', expected: node.type, got });
    return;
  }
  if (Array.isArray(value)) {
    const items = node.items();
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], items, path, out);
      path.pop();
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const mapValues = node.values();
  if (mapValues) {
    for (const k of Object.keys(value)) {
      path.push(k);
      walk(value[k], mapValues, path, out);
      path.pop();
    }
    return;
  }
  for (const k of Object.keys(value)) {
    const child = node.field(k);
    if (!child) {
      const known = node.properties?.();
      if (known && !known.includes(k)) {
        out.unknown.push(pathText(path, k));
        delete value[k];
      }
      continue;
    }
    path.push(k);
    walk(value[k], child, path, out);
    path.pop();
  }
}
