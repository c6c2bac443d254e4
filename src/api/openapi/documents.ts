import type { ResourceDefinition } from '../resource.js';
import type { PathItem } from './operations.js';
import { encodeOpenApiV2 } from './protobuf.js';
import { buildOpenApiV2 } from './v2.js';
import { buildOpenApiV3Document, contentHash, v3PathGroups } from './v3.js';

/** A served document: the object, its JSON bytes and their hash (the ETag and the v3 `hash=`). */
export interface RenderedDocument {
  doc: Record<string, unknown>;
  json: Uint8Array;
  hash: string;
}

interface Documents {
  v2?: RenderedDocument;
  v2Protobuf?: Uint8Array;
  v3Groups?: Map<string, PathItem[]>;
  v3: Map<string, RenderedDocument>;
  v3Index?: RenderedDocument;
}

/**
 * Documents are built once per resource list: the list is immutable, and custom resources arrive as a new
 * list, which gets its own entry (the old one is collected with it).
 */
const cache = new WeakMap<readonly ResourceDefinition[], Documents>();

function documentsOf(resources: readonly ResourceDefinition[]): Documents {
  let d = cache.get(resources);
  if (!d) {
    d = { v3: new Map() };
    cache.set(resources, d);
  }
  return d;
}

function render(doc: Record<string, unknown>): RenderedDocument {
  const json = Buffer.from(JSON.stringify(doc));
  return { doc, json, hash: contentHash(json) };
}

export function renderedV2(resources: readonly ResourceDefinition[]): RenderedDocument {
  const d = documentsOf(resources);
  d.v2 ??= render(buildOpenApiV2(resources));
  return d.v2;
}

export function v2ProtobufBytes(resources: readonly ResourceDefinition[]): Uint8Array {
  const d = documentsOf(resources);
  d.v2Protobuf ??= encodeOpenApiV2(renderedV2(resources).doc);
  return d.v2Protobuf;
}

function groups(resources: readonly ResourceDefinition[]): Map<string, PathItem[]> {
  const d = documentsOf(resources);
  d.v3Groups ??= v3PathGroups(resources);
  return d.v3Groups;
}

/** The OpenAPI 3 document at `/openapi/v3/<gvPath>`, or undefined for a path that serves none. */
export function renderedV3(resources: readonly ResourceDefinition[], gvPath: string): RenderedDocument | undefined {
  const key = gvPath.replace(/^\/+|\/+$/g, '');
  const d = documentsOf(resources);
  const hit = d.v3.get(key);
  if (hit) return hit;
  const items = groups(resources).get(key);
  if (!items) return undefined;
  const rendered = render(buildOpenApiV3Document(resources, items));
  d.v3.set(key, rendered);
  return rendered;
}

/** `/openapi/v3`: each document's path and hash-pinned URL. */
export function renderedV3Index(resources: readonly ResourceDefinition[]): RenderedDocument {
  const d = documentsOf(resources);
  if (!d.v3Index) {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const key of [...groups(resources).keys()].sort()) {
      const doc = renderedV3(resources, key) as RenderedDocument;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
    }
    d.v3Index = render({ paths });
  }
  return d.v3Index;
}
