import type { ResourceDefinition } from '../resource.js';
import { resourcePaths, type Operation, type Param, type PathItem } from './operations.js';
import { referencedDefinitions } from './referenced.js';

/** The `info` of every document Wharf serves; the version is the Kubernetes API level it implements. */
export const openApiInfo = { title: 'Kubernetes', version: 'v1.30.0' } as const;

const responseText: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '401': 'Unauthorized' };

export function responseDescription(code: string): string {
  return responseText[code] ?? 'Response';
}

function param(p: Param): Record<string, unknown> {
  const out: Record<string, unknown> = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) out['required'] = true;
  return out;
}

function operation(op: Operation): Record<string, unknown> {
  const params: Record<string, unknown>[] = [];
  if (op.body) {
    params.push({
      name: 'body',
      in: 'body',
      ...(op.method === 'delete' ? {} : { required: true }),
      schema: { $ref: `#/definitions/${op.body}` },
    });
  }
  params.push(...op.params.map(param));
  const responses: Record<string, unknown> = {};
  for (const [code, schema] of Object.entries(op.responses)) {
    const r: Record<string, unknown> = { description: responseDescription(code) };
    if (schema === 'string') r['schema'] = { type: 'string' };
    else if (schema) r['schema'] = { $ref: `#/definitions/${schema}` };
    responses[code] = r;
  }
  const out: Record<string, unknown> = {
    description: op.description,
    consumes: op.consumes,
    produces: op.produces,
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
  };
  if (params.length) out['parameters'] = params;
  out['responses'] = responses;
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = { ...op.gvk };
  return out;
}

type Rendered = Record<string, unknown>;

/**
 * Path items keyed by path: each operation under its method, then the path's shared parameters. Swagger
 * 2.0 and OpenAPI 3 lay paths out alike and differ only in how one operation or parameter is written.
 */
export function pathObjects(items: readonly PathItem[], operation: (op: Operation) => Rendered, param: (p: Param) => Rendered): Rendered {
  const paths: Rendered = {};
  for (const item of items) {
    const out: Rendered = {};
    for (const op of item.operations) out[op.method] = operation(op);
    if (item.params.length) out['parameters'] = item.params.map(param);
    paths[item.path] = out;
  }
  return paths;
}

/** The Swagger 2.0 document of `/openapi/v2`, built from the resource table. */
export function buildOpenApiV2(resources: readonly ResourceDefinition[]): Record<string, unknown> {
  const items = resources.flatMap(resourcePaths);
  return {
    swagger: '2.0',
    info: { ...openApiInfo },
    paths: pathObjects(items, operation, param),
    definitions: referencedDefinitions(items, resources),
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [{ BearerToken: [] }],
  };
}
