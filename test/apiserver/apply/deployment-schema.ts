import type { SchemaNode } from '../../../src/api/schema.js';

/** A hand-written Deployment-like schema for the apply tests. */
const leaf = (type: string): SchemaNode => ({ type, field: () => undefined, items: () => undefined, values: () => undefined });

const struct = (fields: Record<string, SchemaNode>, extra: Partial<SchemaNode> = {}): SchemaNode => ({
  type: 'object',
  field: (name) => fields[name],
  items: () => undefined,
  values: () => undefined,
  ...extra,
});

const map = (value: SchemaNode): SchemaNode => ({ type: 'object', field: () => undefined, items: () => undefined, values: () => value });

const list = (item: SchemaNode, extra: Partial<SchemaNode>): SchemaNode => ({
  type: 'array',
  field: () => undefined,
  items: () => item,
  values: () => undefined,
  ...extra,
});

const port = struct({ containerPort: leaf('integer'), protocol: { ...leaf('string'), default: 'TCP' } as SchemaNode, name: leaf('string') });

const container = struct({
  name: leaf('string'),
  image: leaf('string'),
  args: list(leaf('string'), { listType: 'atomic' }),
  ports: list(port, { listType: 'map', listMapKeys: ['containerPort', 'protocol'] }),
  env: list(struct({ name: leaf('string'), value: leaf('string') }), { patchStrategy: 'merge', patchMergeKey: 'name' }),
  resources: struct({ limits: map(leaf('string')) }),
});

const meta = struct({
  name: leaf('string'),
  namespace: leaf('string'),
  uid: leaf('string'),
  resourceVersion: leaf('string'),
  labels: map(leaf('string')),
  annotations: map(leaf('string')),
  finalizers: list(leaf('string'), { listType: 'set' }),
});

export const deploymentSchema: SchemaNode = struct({
  apiVersion: leaf('string'),
  kind: leaf('string'),
  metadata: meta,
  spec: struct({
    replicas: leaf('integer'),
    paused: leaf('boolean'),
    selector: struct({ matchLabels: map(leaf('string')) }, { mapType: 'atomic' }),
    template: struct({
      metadata: meta,
      spec: struct({ containers: list(container, { listType: 'map', listMapKeys: ['name'] }) }),
    }),
  }),
  status: struct({ replicas: leaf('integer') }),
});
