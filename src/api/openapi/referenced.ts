import type { ResourceDefinition } from '../resource.js';
import { definitions } from './definitions.js';
import { refName, type JsonSchema } from './json-schema.js';
import { listDefinitionOf, type PathItem } from './operations.js';

/**
 * The definitions a set of paths needs: the schemas its operations name plus everything those refer to.
 * Kinds without a definition (custom resources without a published schema) get a free-form object
 * schema, so refs always resolve.
 */
export function referencedDefinitions(
  paths: readonly PathItem[],
  resources: readonly ResourceDefinition[],
): Record<string, JsonSchema> {
  const defs = definitions();
  const placeholders = new Map<string, JsonSchema>();
  for (const r of resources) {
    if (defs[r.schema]) continue;
    const gvk = { group: r.group, version: r.version };
    placeholders.set(r.schema, {
      description: `${r.kind} is a custom resource without a published schema.`,
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [{ ...gvk, kind: r.kind }],
    });
    placeholders.set(listDefinitionOf(r), {
      description: `${r.listKind} is a list of ${r.kind}.`,
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        items: { type: 'array', items: { $ref: `#/definitions/${r.schema}` } },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' },
      },
      required: ['items'],
      'x-kubernetes-group-version-kind': [{ ...gvk, kind: r.listKind }],
    });
  }
  const out: Record<string, JsonSchema> = {};
  const pending: string[] = [];
  for (const p of paths) {
    for (const op of p.operations) {
      if (op.body) pending.push(op.body);
      for (const schema of Object.values(op.responses)) if (schema && schema !== 'string') pending.push(schema);
    }
  }
  while (pending.length) {
    const name = pending.pop() as string;
    if (out[name]) continue;
    const schema = defs[name] ?? placeholders.get(name);
    if (!schema) continue;
    out[name] = schema;
    collectRefs(schema, pending);
  }
  const sorted: Record<string, JsonSchema> = {};
  for (const name of Object.keys(out).sort()) sorted[name] = out[name] as JsonSchema;
  return sorted;
}

function collectRefs(schema: JsonSchema, into: string[]): void {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    if (name) into.push(name);
  }
  if (schema.properties) for (const p of Object.values(schema.properties)) collectRefs(p, into);
  if (schema.items) collectRefs(schema.items, into);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') collectRefs(schema.additionalProperties, into);
  if (schema.allOf) for (const s of schema.allOf) collectRefs(s, into);
}
