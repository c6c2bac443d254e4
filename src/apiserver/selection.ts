import {
  badRequest,
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelector,
  type KubeObject,
  type LabelSelector,
  type ResourceDefinition,
} from '../api/index.js';

/** Which objects a list or watch asks for: label and field selectors, resolved against the kind's fields. */
export interface Selection {
  labels: LabelSelector;
  fields: FieldSelector;
  matches(obj: KubeObject): boolean;
  /** The one name an equality field selector on `metadata.name` pins, if any. */
  name?: string;
}

export function selectionFrom(def: ResourceDefinition, query: URLSearchParams): Selection {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  for (const r of fields.requirements) {
    if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !(r.field in def.selectableFields)) {
      throw badRequest(`field label not supported: ${r.field}`);
    }
  }
  const getter = (obj: KubeObject) => (field: string): string | undefined => {
    if (field === 'metadata.name') return obj.metadata.name;
    if (field === 'metadata.namespace') return obj.metadata.namespace;
    return def.selectableFields[field]?.(obj);
  };
  const matchAll = labels.empty && fields.empty;
  return {
    labels,
    fields,
    name: fields.requiredValue('metadata.name'),
    matches: matchAll ? () => true : (obj) => labels.matches(obj.metadata.labels) && fields.matches(getter(obj)),
  };
}
