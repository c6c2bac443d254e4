import type { SchemaNode } from '../../api/schema.js';
import type { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import { childSchema, indexList, shapeOf } from './typed.js';

/**
 * Returns a copy of `value` without the fields in `set`: a member is removed with everything below
 * it; a container emptied by the removal is dropped rather than left behind empty. Atomic values
 * are never entered.
 */
export function removeItems(value: unknown, set: FieldSet, schema: SchemaNode | undefined): unknown {
  return remove(value, set, schema, []) ?? {};
}

function remove(value: unknown, set: FieldSet, schema: SchemaNode | undefined, path: PathElement[]): unknown {
  const shape = shapeOf(value, schema);
  if (shape.kind === 'map') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(src)) {
      const pe: PathElement = { kind: 'field', name: k };
      if (set.hasMember(pe)) continue;
      const sub = set.withPrefix(pe);
      if (!sub) {
        out[k] = v;
        continue;
      }
      const kept = remove(v, sub, childSchema(schema, pe), [...path, pe]);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length === 0 && Object.keys(src).length > 0 ? undefined : out;
  }
  if (shape.kind === 'set' || shape.kind === 'keyed') {
    const list = value as unknown[];
    const itemSchema = schema?.items();
    const { elements } = indexList(list, shape, itemSchema, path, true);
    const out: unknown[] = [];
    list.forEach((item, i) => {
      const pe = elements[i];
      if (set.hasMember(pe)) return;
      const sub = set.withPrefix(pe);
      const kept = sub ? remove(item, sub, itemSchema, [...path, pe]) : item;
      if (kept !== undefined) out.push(kept);
    });
    return out.length === 0 && list.length > 0 ? undefined : out;
  }
  return value;
}
