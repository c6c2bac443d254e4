import type { CachedObject } from './cached-object.js';
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
  /** The same test on a cached object, parsing it only when a field selector needs more than labels. */
  matchesCached(c: CachedObject): boolean;
  /** The one name an equality field selector on `metadata.name` pins, if any. */
  name?: string;
}

/** The selection a request's query asks for; `pinnedName` narrows it to one object (a watch on its URL). */
export function selectionFrom(def: ResourceDefinition, query: URLSearchParams, pinnedName?: string): Selection {
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
  const pinned = pinnedName !== undefined;
  const matches = (obj: KubeObject): boolean =>
    (!pinned || obj.metadata.name === pinnedName) && (matchAll || (labels.matches(obj.metadata.labels) && fields.matches(getter(obj))));
  return {
    labels,
    fields,
    name: pinnedName ?? fields.requiredValue('metadata.name'),
    matches,
    matchesCached: (c) => {
      if (pinned && c.name !== pinnedName) return false;
      if (matchAll) return true;
      if (fields.empty) return labels.matches(c.labels);
      return matches(c.obj);
    },
  };
}
