import type { SchemaNode } from '../schema.js';
import { definitions } from './definitions.js';
import { refName, type Definitions, type JsonSchema } from './json-schema.js';

/** The SchemaNode of a definition (`io.k8s.api.core.v1.Pod`), or undefined when there is none. */
export function schemaNodeFor(definitionName: string): SchemaNode | undefined {
  const defs = definitions();
  const schema = defs[definitionName];
  return schema ? nodeOf(schema, defs) : undefined;
}

const nodes = new WeakMap<JsonSchema, SchemaNode>();

/** Follows `$ref`s (and a single-element `allOf`, the OpenAPI 3 form of a described ref). */
function resolve(schema: JsonSchema, defs: Definitions): JsonSchema {
  let s = schema;
  for (let hops = 0; hops < 32; hops++) {
    const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]?.$ref : undefined);
    const name = ref === undefined ? undefined : refName(ref);
    const target = name === undefined ? undefined : defs[name];
    if (!target) return s;
    s = target;
  }
  return s;
}

const listTypes = new Set(['atomic', 'set', 'map']);
const unset: unique symbol = Symbol('unset');
const mapTypes = new Set(['atomic', 'granular']);

function nodeOf(schema: JsonSchema, defs: Definitions): SchemaNode {
  const cached = nodes.get(schema);
  if (cached) return cached;
  const target = resolve(schema, defs);
  // Extensions on the field win over those on the referenced definition (a struct's own
  // `x-kubernetes-map-type`, say, applies wherever it is used).
  const ext = (key: `x-${string}`): unknown => schema[key] ?? target[key];
  const opaque =
    ext('x-kubernetes-int-or-string') === true ||
    ext('x-kubernetes-preserve-unknown-fields') === true ||
    target.format === 'int-or-string';
  const listType = ext('x-kubernetes-list-type');
  const mapType = ext('x-kubernetes-map-type');
  const mapKeys = ext('x-kubernetes-list-map-keys');
  const strategy = ext('x-kubernetes-patch-strategy');
  const mergeKey = ext('x-kubernetes-patch-merge-key');
  // A declared property's node, found once: validation and managedFields ask for the same few hundred names
  // on every write. Only declared names are kept, so map keys that clients choose do not grow it.
  const fields = new Map<string, SchemaNode>();
  // Items, values and the declared names are asked for at every list, map and struct of every write:
  // each is worked out once (undefined is an answer too, so `unset` marks "not yet").
  let items: SchemaNode | undefined | typeof unset = unset;
  let values: SchemaNode | undefined | typeof unset = unset;
  let declared: readonly string[] | undefined | typeof unset = unset;
  const node: SchemaNode = {
    type: opaque ? undefined : target.type,
    field(name) {
      let found = fields.get(name);
      if (found) return found;
      // Own properties only: `constructor` or `toString` as a map key is not a declared field.
      const props = target.properties;
      if (!props || !Object.hasOwn(props, name)) return undefined;
      found = nodeOf(props[name]!, defs);
      fields.set(name, found);
      return found;
    },
    properties() {
      // Only a struct with declared properties can have unknown fields; maps and free-form objects cannot.
      if (declared === unset) declared = target.properties && !target.additionalProperties ? Object.freeze(Object.keys(target.properties)) : undefined;
      return declared;
    },
    items() {
      if (items === unset) items = target.items ? nodeOf(target.items, defs) : undefined;
      return items;
    },
    values() {
      if (values === unset) {
        const v = target.additionalProperties;
        values = v && typeof v === 'object' ? nodeOf(v, defs) : undefined;
      }
      return values;
    },
  };
  if (opaque) node.opaque = true;
  if (typeof strategy === 'string') node.patchStrategy = strategy;
  if (typeof mergeKey === 'string') node.patchMergeKey = mergeKey;
  if (typeof listType === 'string' && listTypes.has(listType)) node.listType = listType as SchemaNode['listType'];
  if (Array.isArray(mapKeys)) node.listMapKeys = mapKeys.filter((k): k is string => typeof k === 'string');
  if (typeof mapType === 'string' && mapTypes.has(mapType)) node.mapType = mapType as SchemaNode['mapType'];
  nodes.set(schema, node);
  return node;
}
