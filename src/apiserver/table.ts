import type { KubeObject, PrinterColumn, ResourceDefinition } from '../api/index.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const nameColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const createdAtColumn: PrinterColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
  priority: 0,
  cell: (obj) => obj.metadata.creationTimestamp ?? null,
};

function columnsOf(def: ResourceDefinition): PrinterColumn[] {
  return def.printerColumns.length > 0 ? def.printerColumns : [createdAtColumn];
}

export function partialObjectMetadata(obj: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function row(def: ResourceDefinition, obj: KubeObject, include: IncludeObject, now: number): object {
  const name = def.displayName ? def.displayName(obj) : (obj.metadata.name ?? '');
  const cells: unknown[] = def.nameColumnLast ? [] : [name];
  for (const c of columnsOf(def)) {
    let v: unknown;
    try {
      v = c.cell(obj, now);
    } catch {
      // A printer must never fail a read: a malformed object shows an unknown cell.
      v = '<unknown>';
    }
    cells.push(v === undefined ? null : v);
  }
  if (def.nameColumnLast) cells.push(name);
  const r: Record<string, unknown> = { cells };
  if (include === 'Object') r.object = obj;
  else if (include === 'Metadata') r.object = partialObjectMetadata(obj);
  return r;
}

export function columnDefinitions(def: ResourceDefinition): object[] {
  const columns = columnsOf(def).map((c) =>
    c === createdAtColumn
      ? // Kubernetes' default table convertor declares this column with type date and no format.
        { name: c.name, type: 'date', format: '', description: c.description, priority: c.priority }
      : {
          name: c.name,
          type: c.type === 'date' ? 'string' : c.type,
          format: c.format ?? (c.type === 'date' ? 'date' : ''),
          description: c.description,
          priority: c.priority,
        },
  );
  return def.nameColumnLast ? [...columns, { ...nameColumn, priority: 1 }] : [nameColumn, ...columns];
}

/** A meta.k8s.io/v1 Table for `objects`; `withColumns` false leaves columnDefinitions out (watch events after the first). */
export function toTable(
  def: ResourceDefinition,
  objects: readonly KubeObject[],
  meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  include: IncludeObject,
  withColumns = true,
): object {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(def) : null,
    rows: objects.map((o) => row(def, o, include, now)),
  };
}

export interface AcceptedRepresentation {
  as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | undefined;
}

/** Reads `as=Table;g=meta.k8s.io;v=v1` (and v1beta1) style Accept headers; plain JSON otherwise. */
export function negotiate(accept: string | undefined): AcceptedRepresentation {
  if (!accept) return { as: undefined };
  for (const part of accept.split(',')) {
    const params = new Map<string, string>();
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    for (const p of rest) {
      const [k, v] = p.split('=');
      params.set(k, v);
    }
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const as = params.get('as');
    if (!as) return { as: undefined };
    if (params.get('g') !== 'meta.k8s.io') continue;
    if (as === 'Table' || as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as };
  }
  return { as: undefined };
}
