import type { ResourceDefinition } from '../resource.js';
import { contentHash } from './v3.js';
import { renderedV2, renderedV3, renderedV3Index, v2ProtobufBytes } from './documents.js';

/** The media type kubectl asks for to get `/openapi/v2` as gnostic protobuf. */
export const openApiV2ProtobufMediaType = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** What the HTTP layer writes for an OpenAPI request. */
export interface OpenApiResponse {
  body: Uint8Array;
  contentType: string;
  /** A strong ETag, quoted, for `If-None-Match`. */
  etag: string;
  cacheControl: string;
}

/**
 * The response for `GET <path>` under `/openapi/`: `/openapi/v2`, `/openapi/v3` and
 * `/openapi/v3/<group-version path>`; undefined when nothing is served there (404). `accept` selects the
 * protobuf encoding of v2; `query` is the request's query string, whose `hash` pins a v3 document.
 */
export function openApiResponse(
  resources: readonly ResourceDefinition[],
  path: string,
  accept = '',
  query: URLSearchParams = new URLSearchParams(),
): OpenApiResponse | undefined {
  const p = path.replace(/\/+$/, '');
  if (p === '/openapi/v2') {
    if (accept.includes(openApiV2ProtobufMediaType)) {
      const body = v2ProtobufBytes(resources);
      // kube-apiserver answers the protobuf form as octet-stream: Go cannot parse the '@' of the requested media type.
      return { body, contentType: 'application/octet-stream', etag: `"${contentHash(body)}"`, cacheControl: 'no-cache, private' };
    }
    const d = renderedV2(resources);
    return { body: d.json, contentType: 'application/json', etag: `"${d.hash}"`, cacheControl: 'no-cache, private' };
  }
  if (p === '/openapi/v3') {
    const d = renderedV3Index(resources);
    return { body: d.json, contentType: 'application/json', etag: `"${d.hash}"`, cacheControl: 'no-cache, private' };
  }
  if (p.startsWith('/openapi/v3/')) {
    const d = renderedV3(resources, p.slice('/openapi/v3/'.length));
    if (!d) return undefined;
    // A URL carrying the current hash names immutable content; any other is revalidated.
    const pinned = query.get('hash') === d.hash;
    return {
      body: d.json,
      contentType: 'application/json',
      etag: `"${d.hash}"`,
      cacheControl: pinned ? 'public, immutable' : 'no-cache, private',
    };
  }
  return undefined;
}
