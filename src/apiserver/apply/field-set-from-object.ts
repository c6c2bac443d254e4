import { isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import { childSchema, indexList, isNamedField, shapeOf } from './typed.js';

/**
 * The set of fields an object sets, as upstream's ToFieldSet computes it: every scalar, atomic list
 * or map and opaque value is a leaf; list items of sets and list maps are members as well as parents;
 * map entries are members, struct fields only when null or empty. An associative list that is empty
 * contributes nothing. Duplicate list items (tolerated in stored objects) become bare members.
 */
export function fieldSetFromObject(obj: Record<string, unknown>, schema: SchemaNode | undefined): FieldSet {
  const set = new FieldSet();
  visit(obj, schema, [], set);
  return set;
}

function visit(value: unknown, schema: SchemaNode | undefined, path: PathElement[], set: FieldSet): void {
  const shape = shapeOf(value, schema);
  switch (shape.kind) {
    case 'scalar':
    case 'atomic':
      set.insert(path);
      return;
    case 'map': {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        const pe: PathElement = { kind: 'field', name: k };
        const p = [...path, pe];
        visit(v, childSchema(schema, pe), p, set);
        if (v === null || (isPlainObject(v) && Object.keys(v).length === 0) || !isNamedField(schema, k)) set.insert(p);
      }
      return;
    }
    case 'set':
    case 'keyed': {
      const itemSchema = schema?.items();
      const { byId } = indexList(value as unknown[], shape, itemSchema, path, true);
      for (const { pe, items } of byId.values()) {
        const p = [...path, pe];
        if (items.length === 1) visit(items[0], itemSchema, p, set);
        set.insert(p);
      }
    }
  }
}

/**
 * Adds each struct field that has owned fields below it as a member itself, so removing what a
 * manager no longer applies can drop the whole struct (upstream's EnsureNamedFieldsAreMembers).
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: SchemaNode | undefined): FieldSet {
  const members = set.sortedMembers();
  const children: Array<[PathElement, FieldSet]> = [];
  set.forEachChild((pe, sub) => {
    if (pe.kind === 'field' && isNamedField(schema, pe.name)) members.push(pe);
    children.push([pe, ensureNamedFieldsAreMembers(sub, childSchema(schema, pe))]);
  });
  return FieldSet.from(members, children);
}
