/**
 * The view of an OpenAPI schema that patching and server-side apply need: how to step into fields,
 * list items and map values, and the list and map semantics Kubernetes attaches with its `x-kubernetes-*`
 * extensions. The OpenAPI module builds these from the published definitions; anything without a
 * schema (an unknown field, a CRD without one) is treated as atomic-free JSON.
 */
export interface SchemaNode {
  /** `object`, `array`, `string`, `integer`, `number`, `boolean`, or undefined when free-form. */
  type?: string;
  /** The schema of property `name` of an object node (structs). */
  field(name: string): SchemaNode | undefined;
  /** For arrays: the schema of the items. */
  items(): SchemaNode | undefined;
  /** For maps (objects with additionalProperties): the schema of each value. */
  values(): SchemaNode | undefined;
  /**
   * For structs: the declared property names. Undefined for maps, free-form objects and non-objects, so
   * strict field validation flags unknown fields only where the schema lists the known ones.
   */
  properties?(): readonly string[] | undefined;
  /** `x-kubernetes-patch-strategy`: `merge`, `retainKeys`, `merge,retainKeys`, `replace`. */
  patchStrategy?: string;
  /** `x-kubernetes-patch-merge-key`. */
  patchMergeKey?: string;
  /** `x-kubernetes-list-type`: `atomic`, `set`, `map`. */
  listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys`. */
  listMapKeys?: string[];
  /** `x-kubernetes-map-type`: `atomic` or `granular`. */
  mapType?: 'atomic' | 'granular';
  /** True for `x-kubernetes-int-or-string` and `x-kubernetes-preserve-unknown-fields` leaves. */
  opaque?: boolean;
}
