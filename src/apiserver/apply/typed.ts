import type { JsonValue } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import type { FieldPath, PathElement } from './path-element.js';
import { keyElement, pathElementString, pathString, serializePathElement as elementId } from './path-element.js';

/**
 * How apply sees a value, from its schema: structured-merge-diff's element relationships. Objects
 * are granular (per field) unless atomic; lists are atomic unless the schema makes them a set or a
 * map (by `x-kubernetes-list-type`, or by a `merge` patch strategy as the OpenAPI converter does).
 */
export type Shape =
  | { kind: 'scalar' }
  | { kind: 'atomic' }
  | { kind: 'map' }
  | { kind: 'set' }
  | { kind: 'keyed'; keys: string[] };

export function shapeOf(value: unknown, schema: SchemaNode | undefined): Shape {
  if (Array.isArray(value)) return listShape(schema);
  if (isPlainObject(value)) {
    if (schema?.opaque || schema?.mapType === 'atomic') return { kind: 'atomic' };
    return { kind: 'map' };
  }
  return { kind: 'scalar' };
}

export function listShape(schema: SchemaNode | undefined): Shape {
  if (!schema || schema.opaque) return { kind: 'atomic' };
  switch (schema.listType) {
    case 'atomic':
      return { kind: 'atomic' };
    case 'set':
      return { kind: 'set' };
    case 'map':
      return { kind: 'keyed', keys: schema.listMapKeys ?? [] };
  }
  const strategies = (schema.patchStrategy ?? '').split(',');
  if (strategies.includes('merge')) {
    return schema.patchMergeKey ? { kind: 'keyed', keys: [schema.patchMergeKey] } : { kind: 'set' };
  }
  return { kind: 'atomic' };
}

/** True when `name` is a declared property (a struct field), not a map entry. */
export function isNamedField(schema: SchemaNode | undefined, name: string): boolean {
  return schema?.field(name) !== undefined;
}

export function childSchema(schema: SchemaNode | undefined, pe: PathElement): SchemaNode | undefined {
  if (!schema) return undefined;
  if (pe.kind === 'field') return schema.field(pe.name) ?? schema.values();
  return schema.items();
}

/** A problem with a value's shape against its schema, reported like upstream's ValidationError. */
export class TypedError extends Error {
  constructor(readonly path: FieldPath, readonly detail: string) {
    super(`${pathString(path)}: ${detail}`);
  }
}

/** The element naming a list item: its key fields for a list map, its value for a set. */
export function listItemElement(shape: Shape, item: unknown, itemSchema: SchemaNode | undefined, path: FieldPath): PathElement {
  if (shape.kind === 'keyed') {
    if (item === null) throw new TypedError(path, 'associative list with keys may not have a null element');
    if (!isPlainObject(item)) throw new TypedError(path, 'associative list with keys may not have non-map elements');
    const fields: Array<[string, JsonValue]> = [];
    for (const k of shape.keys) {
      if (k in item && item[k] !== undefined) {
        fields.push([k, item[k] as JsonValue]);
        continue;
      }
      // A missing key field takes its schema default when there is one, so the item keeps its
      // identity once defaulting fills the field in.
      const def = (itemSchema?.field(k) as (SchemaNode & { default?: unknown }) | undefined)?.default;
      if (def !== undefined) fields.push([k, def as JsonValue]);
    }
    if (shape.keys.length > 0 && fields.length === 0) {
      throw new TypedError(
        path,
        `associative list with keys has an element that omits all key fields [${shape.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)`,
      );
    }
    return keyElement(fields);
  }
  if (isPlainObject(item)) throw new TypedError(path, "associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new TypedError(path, 'not supported: associative list with lists as elements');
  if (item === null) throw new TypedError(path, "associative list without keys has an element that's an explicit null");
  return { kind: 'value', value: item as JsonValue };
}

/** Indexes a list's items by element; duplicates are kept in `duplicates` (allowed in live objects only). */
export function indexList(
  list: unknown[],
  shape: Shape,
  itemSchema: SchemaNode | undefined,
  path: FieldPath,
  allowDuplicates: boolean,
): { elements: PathElement[]; byId: Map<string, { pe: PathElement; items: unknown[] }> } {
  const elements: PathElement[] = [];
  const byId = new Map<string, { pe: PathElement; items: unknown[] }>();
  const errors: TypedError[] = [];
  list.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = listItemElement(shape, item, itemSchema, path);
    } catch (e) {
      if (e instanceof TypedError) errors.push(new TypedError(path, `element ${i}: ${e.detail}`));
      else throw e;
      return;
    }
    const id = elementId(pe);
    const seen = byId.get(id);
    if (seen) {
      if (!allowDuplicates) {
        errors.push(new TypedError(path, `duplicate entries for key ${pathElementString(pe)}`));
        return;
      }
      seen.items.push(item);
    } else {
      byId.set(id, { pe, items: [item] });
    }
    elements.push(pe);
  });
  if (errors.length > 0) throw new TypedErrors(errors);
  return { elements, byId };
}

/** Several shape problems at once, worded like upstream's ValidationErrors. */
export class TypedErrors extends Error {
  constructor(readonly errors: TypedError[]) {
    super(errors.length === 1 ? errors[0].message : ['errors:', ...errors.map((e) => `  ${e.message}`)].join('\n'));
  }
}
