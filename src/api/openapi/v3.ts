import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../resource.js';
import { definitionsRefPrefix, type JsonSchema } from './json-schema.js';
import { discoveryPaths, gvPath, resourceListPath, resourcePaths, type Operation, type Param, type PathItem } from './operations.js';
import { referencedDefinitions } from './referenced.js';
import { openApiInfo, pathObjects, responseDescription } from './v2.js';

const componentsPrefix = '#/components/schemas/';

/** Rewrites a Swagger 2.0 schema into OpenAPI 3.0 form: component refs, and described refs as `allOf`. */
export function toV3Schema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema) as [keyof JsonSchema & string, unknown][]) {
    if (key === '$ref') continue;
    if (key === 'properties' && value && typeof value === 'object') {
      const props: Record<string, JsonSchema> = {};
      for (const [name, p] of Object.entries(value as Record<string, JsonSchema>)) props[name] = toV3Schema(p);
      out.properties = props;
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = toV3Schema(value as JsonSchema);
    } else {
      (out as Record<string, unknown>)[key] = value;
    }
  }
  if (schema.$ref) {
    const ref = schema.$ref.startsWith(definitionsRefPrefix)
      ? componentsPrefix + schema.$ref.slice(definitionsRefPrefix.length)
      : schema.$ref;
    // OpenAPI 3.0 ignores siblings of $ref, so a ref with a description or extensions is wrapped.
    if (Object.keys(out).length === 0) return { $ref: ref };
    out.allOf = [{ $ref: ref }];
  }
  return out;
}

function param(p: Param): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, in: p.in, description: p.description };
  if (p.required) out['required'] = true;
  out['schema'] = { type: p.type, uniqueItems: true };
  return out;
}

function ref(name: string): JsonSchema {
  return { $ref: componentsPrefix + name };
}

function operation(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { tags: [op.tag], description: op.description, operationId: op.operationId };
  if (op.params.length) out['parameters'] = op.params.map(param);
  if (op.body) {
    const content: Record<string, unknown> = {};
    for (const media of op.consumes) content[media] = { schema: ref(op.body) };
    out['requestBody'] = op.method === 'delete' ? { content } : { content, required: true };
  }
  const responses: Record<string, unknown> = {};
  for (const [code, schema] of Object.entries(op.responses)) {
    const r: Record<string, unknown> = { description: responseDescription(code) };
    if (schema) {
      const content: Record<string, unknown> = {};
      for (const media of op.produces) content[media] = { schema: schema === 'string' ? { type: 'string' } : ref(schema) };
      r['content'] = content;
    }
    responses[code] = r;
  }
  out['responses'] = responses;
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = { ...op.gvk };
  return out;
}

function document(items: readonly PathItem[], resources: readonly ResourceDefinition[]): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(referencedDefinitions(items, resources))) schemas[name] = toV3Schema(schema);
  return {
    openapi: '3.0.0',
    info: { ...openApiInfo },
    paths: pathObjects(items, operation, param),
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

/** Every OpenAPI 3 document path (`api/v1`, `apis/apps/v1`, `api`, `apis`, `apis/apps`, `version`) -> its paths. */
export function v3PathGroups(resources: readonly ResourceDefinition[]): Map<string, PathItem[]> {
  const groups = new Map<string, PathItem[]>();
  for (const r of resources) {
    const key = gvPath(r.group, r.version);
    let items = groups.get(key);
    if (!items) {
      items = [resourceListPath(r.group, r.version)];
      groups.set(key, items);
    }
    items.push(...resourcePaths(r));
  }
  for (const [key, items] of discoveryPaths(resources)) groups.set(key, items);
  return groups;
}

/** The OpenAPI 3.0 document of one of the paths `v3PathGroups` lists. */
export function buildOpenApiV3Document(
  resources: readonly ResourceDefinition[],
  items: readonly PathItem[],
): Record<string, unknown> {
  return document(items, resources);
}

/** The content hash kube-apiserver puts in `serverRelativeURL`: upper-case hex SHA-512 of the JSON. */
export function contentHash(json: string | Uint8Array): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}
