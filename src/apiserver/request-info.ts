import { badRequest, parseFieldSelector } from '../api/index.js';

/**
 * What a request URL addresses, as Kubernetes' RequestInfo resolves it: the API path parts and the verb
 * (get, list, watch, create, update, patch, delete, deletecollection) that authorization and handlers use.
 */
export interface ResourceRequest {
  kind: 'resource';
  /** `api` for the core group, `apis` for the others. */
  prefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  /** The name came from a `metadata.name=` field selector of a list or watch, not from the path. */
  nameFromSelector?: boolean;
  subresource?: string;
  verb: string;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const methodVerbs: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
  GET: 'get',
  HEAD: 'get',
};

export function resolveRequest(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const nonResource = (): NonResourceRequest => ({ kind: 'nonresource', path: pathname, verb: (method === 'GET' || method === 'HEAD' ? 'get' : methodVerbs[method] ?? method.toLowerCase()) });
  const parts = pathname.split('/').filter(Boolean).map(decodeSegment);
  if (parts[0] !== 'api' && parts[0] !== 'apis') return nonResource();
  const prefix = parts[0] as 'api' | 'apis';
  let rest: string[];
  let group = '';
  let version: string;
  if (prefix === 'api') {
    if (parts.length < 3) return nonResource();
    version = parts[1];
    rest = parts.slice(2);
  } else {
    if (parts.length < 4) return nonResource();
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>...` addresses a namespaced resource; `namespaces/<ns>` alone is the namespace,
  // and `namespaces/<ns>/status` and `/finalize` are subresources of that namespace, not resources in it.
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length >= 3 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return nonResource();
  const info: ResourceRequest = { kind: 'resource', prefix, group, version, namespace, resource, name, subresource, verb: methodVerbs[method] ?? method.toLowerCase() };
  if (method === 'GET' || method === 'HEAD') {
    const watchQuery = query.has('watch') && queryBool(query.get('watch')!);
    if (watchPath) info.verb = 'watch';
    else if (name) info.verb = watchQuery ? 'watch' : 'get';
    else info.verb = watchQuery ? 'watch' : 'list';
    // A list or watch of one name is authorized as that name, as Kubernetes' RequestInfo does.
    if (!name && !watchPath) {
      const selected = nameFromFieldSelector(query.get('fieldSelector'));
      if (selected !== undefined) {
        info.name = selected;
        info.nameFromSelector = true;
      }
    }
  } else if (method === 'DELETE' && !name) {
    info.verb = 'deletecollection';
  }
  return info;
}

function nameFromFieldSelector(text: string | null): string | undefined {
  if (!text) return undefined;
  let name: string | undefined;
  try {
    name = parseFieldSelector(text).requiredValue('metadata.name');
  } catch {
    return undefined;
  }
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('%')) return undefined;
  return name;
}

/** Path steps after `namespaces/<ns>/` that are subresources of the namespace rather than resources in it. */
const namespaceSubresources = new Set(['status', 'finalize']);

/** Kubernetes' query-parameter booleans: "0" and any casing of "false" are false, anything else (even "") true. */
function queryBool(v: string): boolean {
  return v !== '0' && v.toLowerCase() !== 'false';
}

function decodeSegment(segment: string): string {
  // Nearly every segment has no escape to decode.
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid URL escape in path segment "${segment}"`);
  }
}
