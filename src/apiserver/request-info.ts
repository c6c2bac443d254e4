import { badRequest } from '../api/index.js';

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
  // `namespaces/<ns>/<resource>...` addresses a namespaced resource; `namespaces/<ns>` alone is the namespace.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return nonResource();
  let verb = methodVerbs[method] ?? method.toLowerCase();
  if (method === 'GET' || method === 'HEAD') {
    if (watchPath || isTrue(query.get('watch'))) verb = name && !subresource ? 'watch' : watchPath ? 'watch' : 'list';
    else verb = name ? 'get' : 'list';
    if (!watchPath && isTrue(query.get('watch'))) verb = 'watch';
  } else if (method === 'DELETE' && !name) {
    verb = 'deletecollection';
  }
  if (prefix === 'api' && resource === 'namespaces' && name && namespace === undefined) namespace = name;
  return { kind: 'resource', prefix, group, version, namespace, resource, name, subresource, verb };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid URL escape in path segment "${segment}"`);
  }
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}
