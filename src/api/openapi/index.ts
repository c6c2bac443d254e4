/**
 * OpenAPI for Wharf's API server: the schemas of Kubernetes types (for patching and apply, through
 * SchemaNode) and the documents kube-apiserver serves at `/openapi/v2` and `/openapi/v3`, derived from the
 * resource table. Documents are cached per resource list, so pass the same array while it is unchanged.
 */
import type { ResourceDefinition } from '../resource.js';
import { renderedV2, renderedV3, renderedV3Index } from './documents.js';
import { encodeOpenApiV2 } from './protobuf.js';

export { schemaNodeFor } from './schema-node.js';
export { addDefinitions, definitions, definitionsEnvVar, definitionsPath } from './definitions.js';
export type { Definitions, JsonSchema } from './json-schema.js';
export { openApiResponse, openApiV2ProtobufMediaType, type OpenApiResponse } from './endpoint.js';
export { decodeOpenApiV2 } from './protobuf.js';
export { listSemantics, type FieldSemantics } from './list-semantics.js';

/** The Swagger 2.0 document of `/openapi/v2`. */
export function openApiV2(resources: readonly ResourceDefinition[]): Record<string, unknown> {
  return renderedV2(resources).doc;
}

/** A Swagger 2.0 document in gnostic's `openapi.v2.Document` protobuf encoding. */
export function openApiV2Protobuf(doc: object): Uint8Array {
  return encodeOpenApiV2(doc);
}

/** The `/openapi/v3` index: `{ paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=…' }, … } }`. */
export function openApiV3Index(resources: readonly ResourceDefinition[]): Record<string, unknown> {
  return renderedV3Index(resources).doc;
}

/** The OpenAPI 3.0 document of `api/v1`, `apis/apps/v1`, `api`, `apis`, `apis/apps`, `version`; else undefined. */
export function openApiV3GroupVersion(
  resources: readonly ResourceDefinition[],
  gvPath: string,
): Record<string, unknown> | undefined {
  return renderedV3(resources, gvPath)?.doc;
}
