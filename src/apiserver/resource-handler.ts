import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiVersionOf,
  badRequest,
  conflict,
  isPlainObject,
  methodNotAllowed,
  notFound,
  pathNotFound,
  StatusError,
  unsupportedMediaType,
  type KubeObject,
  type ResourceDefinition,
  type SchemaNode,
} from '../api/index.js';
import { schemaNodeFor } from '../api/openapi/index.js';
import { serverSideApply, trackUpdate } from './apply/index.js';
import { verbsOf } from './discovery.js';
import { checkFields } from './field-validation.js';
import { decodeBody, mediaType, readBody, sendJson, sendRaw } from './http-io.js';
import { listObjects, listTable, sendListJson } from './list.js';
import { applyPatch, patchTypeFromContentType } from './patch/index.js';
import type { UserInfo } from './request-context.js';
import type { ResourceRequest } from './request-info.js';
import type { ResourceStore, WriteOptions } from './resource-store.js';
import { selectionFrom } from './selection.js';
import type { KubeletClient } from './streaming/index.js';
import { handleSubresource } from './subresources.js';
import { negotiate, partialObjectMetadata, toTable, type IncludeObject } from './table.js';
import type { CachedObject } from './watch-cache.js';
import { serveWatch } from './watch.js';
import { nowRfc3339 } from '../api/rfc3339.js';

/** What handlers need from the server: stores by definition, and the admission hooks. */
export interface HandlerContext {
  storeFor(def: ResourceDefinition): ResourceStore;
  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined;
  /** Checks and mutations run on every write before it is stored; resolves with warnings for the client. */
  admit(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined, user?: UserInfo): Promise<{ warnings: string[] }>;
  /** Checks run before a delete. */
  admitDelete(def: ResourceDefinition, obj: KubeObject, user?: UserInfo): Promise<void>;
  /** Answers a create of a review kind, which is evaluated rather than stored; undefined for other kinds. */
  review(def: ResourceDefinition, body: KubeObject, user: UserInfo, namespace: string | undefined): KubeObject | undefined;
  /** Issues a token for a ServiceAccount (TokenRequest). */
  requestToken(sa: KubeObject, body: unknown): Promise<object>;
  /** How the server reaches node APIs (pod logs); absent when it has no credentials for them. */
  readonly kubelet?: KubeletClient;
}

export interface RequestScope {
  req: IncomingMessage;
  res: ServerResponse;
  info: ResourceRequest;
  query: URLSearchParams;
  def: ResourceDefinition;
  store: ResourceStore;
  ctx: HandlerContext;
  user: UserInfo;
  /** The request's audit record, told the decoded body (it names created objects, and Request levels log it). */
  audit?: { level: string; setRequestObject(body: unknown): void };
}

const fieldValidationModes = new Set(['Strict', 'Warn', 'Ignore']);

export function schemaOf(def: ResourceDefinition): SchemaNode | undefined {
  return schemaNodeFor(def.schema);
}

function fieldManager(scope: RequestScope, required: boolean): string {
  const given = scope.query.get('fieldManager');
  if (given !== null) {
    if (given.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    if (!/^[\x20-\x7e]*$/.test(given)) throw badRequest('fieldManager: Invalid value: must consist of printable characters');
    if (given) return given;
  }
  if (required) throw badRequest('PATCH apply requests require a fieldManager');
  // Kubernetes derives a manager from the client's user agent, up to its first '/'.
  const agent = scope.req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0].slice(0, 128) || 'unknown';
}

function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function sendObject(scope: RequestScope, code: number, o: CachedObject | { obj: KubeObject; json: string }): void {
  const { as } = negotiate(scope.req.headers.accept);
  if (as === 'Table') {
    sendJson(scope.res, code, toTable(scope.def, [o.obj], { resourceVersion: o.obj.metadata.resourceVersion }, includeObject(scope.query)));
  } else if (as === 'PartialObjectMetadata') {
    sendJson(scope.res, code, partialObjectMetadata(o.obj));
  } else {
    sendRaw(scope.res, code, o.json, 'application/json');
  }
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') throw badRequest(`includeObject: Unsupported value: "${v}"`);
  return v;
}

/**
 * Reads a request body as an object of this resource: decodes JSON or YAML, checks apiVersion, kind and
 * (for named requests) name and namespace against the URL, and the fields against the schema.
 */
export async function readObject(scope: RequestScope, expect: { group: string; version: string; kind: string }): Promise<{ obj: KubeObject; warnings: string[] }> {
  const body = await readBody(scope.req);
  const value = decodeBody(body, scope.req.headers['content-type']);
  scope.audit?.setRequestObject(value);
  return checkObject(scope, value, expect);
}

export function checkObject(scope: RequestScope, value: unknown, expect: { group: string; version: string; kind: string }): { obj: KubeObject; warnings: string[] } {
  if (!isPlainObject(value)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(value)?.slice(0, 200)}'`);
  const wantVersion = apiVersionOf(expect);
  // Like kube-apiserver's decoder, a body without apiVersion or kind takes them from the URL.
  if (value.kind === undefined || value.kind === '') value.kind = expect.kind;
  if (typeof value.kind !== 'string' || typeof (value.apiVersion ?? '') !== 'string') throw badRequest('apiVersion and kind must be strings');
  if (value.apiVersion !== undefined && value.apiVersion !== '' && value.apiVersion !== wantVersion) {
    throw badRequest(`the API version in the data (${String(value.apiVersion)}) does not match the expected API version (${wantVersion})`);
  }
  if (value.kind !== expect.kind) {
    throw badRequest(`the kind in the data (${value.kind}) does not match the expected kind (${expect.kind})`);
  }
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  if (!isPlainObject(value.metadata)) throw badRequest('metadata: must be an object');
  const obj = value as KubeObject;
  obj.apiVersion = wantVersion;
  const mode = scope.query.get('fieldValidation') ?? 'Warn';
  if (!fieldValidationModes.has(mode)) {
    throw badRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const warnings: string[] = [];
  const schema = expect.kind === scope.def.kind ? schemaOf(scope.def) : undefined;
  if (schema) {
    const problems = checkFields(obj, schema);
    if (problems.wrongType.length > 0) {
      const p = problems.wrongType[0];
      throw badRequest(`${scope.def.kind} in version "${scope.def.version}" cannot be handled as a ${scope.def.kind}: json: cannot unmarshal ${p.got} into Go struct field ${p.path} of type ${p.expected}`);
    }
    if (problems.unknown.length > 0 && mode !== 'Ignore') {
      const messages = problems.unknown.map((p) => `unknown field "${p}"`);
      if (mode === 'Strict') throw badRequest(`strict decoding error: ${messages.join(', ')}`);
      warnings.push(...messages);
    }
  }
  const ns = obj.metadata.namespace;
  if (scope.def.namespaced && scope.info.namespace !== undefined) {
    if (ns !== undefined && ns !== '' && ns !== scope.info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = scope.info.namespace;
  }
  return { obj, warnings };
}

function setWarnings(res: ServerResponse, warnings: string[]): void {
  if (warnings.length > 0) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

function writeOptions(scope: RequestScope, manager: string, subresource?: string): WriteOptions {
  const apiVersion = apiVersionOf(scope.def);
  return {
    dryRun: isDryRun(scope.query),
    beforeWrite: (obj, old) => {
      trackUpdate(old, obj, { manager, apiVersion, now: nowRfc3339(), subresource, schema: schemaOf(scope.def) });
    },
  };
}

/** Dispatches one request on a resource (collection, object or subresource). */
export async function handleResource(scope: RequestScope): Promise<void> {
  const { info, def, req } = scope;
  if (def.namespaced && info.namespace === undefined && info.name !== undefined && !info.nameFromSelector) throw pathNotFound();
  if (info.subresource) return handleSubresource(scope);
  // What discovery says a resource takes is what it takes (review kinds are create-only, namespaces
  // have no deletecollection).
  if (!verbsOf(def).includes(info.verb)) throw methodNotAllowed();
  switch (info.verb) {
    case 'get':
      return handleGet(scope);
    case 'list':
      return handleList(scope);
    case 'watch':
      return handleWatch(scope);
    case 'create':
      if (info.name) throw methodNotAllowed();
      return handleCreate(scope);
    case 'update':
      if (!info.name) throw methodNotAllowed();
      return handleUpdate(scope, undefined);
    case 'patch':
      if (!info.name) throw methodNotAllowed();
      return handlePatch(scope, undefined);
    case 'delete':
      return handleDelete(scope);
    case 'deletecollection':
      return handleDeleteCollection(scope);
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource (${req.method})`);
  }
}

async function handleGet(scope: RequestScope): Promise<void> {
  const { info, store } = scope;
  const found = await store.get(info.namespace, info.name!);
  sendObject(scope, 200, found);
}

async function handleList(scope: RequestScope): Promise<void> {
  const { query, store, info } = scope;
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitText}": must be a non-negative integer`);
  const page = await listObjects(store, {
    namespace: info.namespace,
    selection: selectionFrom(scope.def, query),
    limit,
    continueToken: query.get('continue') || undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
  });
  const { as } = negotiate(scope.req.headers.accept);
  if (as === 'Table') sendJson(scope.res, 200, listTable(store, page, includeObject(query)));
  else if (as === 'PartialObjectMetadataList' || as === 'PartialObjectMetadata') {
    sendJson(scope.res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: page.resourceVersion, ...(page.continueToken ? { continue: page.continueToken } : {}) },
      items: page.items.map((i) => partialObjectMetadata(i.obj)),
    });
  } else await sendListJson(scope.res, store, page);
}

async function handleWatch(scope: RequestScope): Promise<void> {
  const { query, info } = scope;
  const timeoutText = query.get('timeoutSeconds');
  const timeoutSeconds = timeoutText ? Number(timeoutText) : undefined;
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0)) {
    throw badRequest(`timeoutSeconds: Invalid value: "${timeoutText}": must be a non-negative integer`);
  }
  // A watch on a single object's URL watches just that name.
  const selection = selectionFrom(scope.def, query, info.name);
  const { as } = negotiate(scope.req.headers.accept);
  const sendInitialText = query.get('sendInitialEvents');
  await serveWatch(scope.store, {
    namespace: info.namespace,
    selection,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    timeoutSeconds,
    allowBookmarks: query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: sendInitialText === null ? undefined : sendInitialText === 'true',
    as: as === 'Table' ? 'Table' : as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList' ? 'PartialObjectMetadata' : undefined,
    includeObject: includeObject(query),
  }, scope.req, scope.res);
}

async function handleCreate(scope: RequestScope): Promise<void> {
  const { def, store, ctx } = scope;
  const { obj, warnings } = await readObject(scope, def);
  const reviewed = ctx.review(def, obj, scope.user, scope.info.namespace);
  if (reviewed) {
    sendJson(scope.res, 201, reviewed);
    return;
  }
  if (def.namespaced && !obj.metadata.namespace) throw badRequest('the namespace of the object is required on create');
  const manager = fieldManager(scope, false);
  const opts = writeOptions(scope, manager);
  warnings.push(...(await ctx.admit(def, obj, undefined, undefined, scope.user)).warnings);
  const created = await store.create(obj, opts);
  setWarnings(scope.res, warnings);
  sendObject(scope, 201, created);
}

async function handleUpdate(scope: RequestScope, subresource: string | undefined): Promise<void> {
  const { def, store, info, ctx } = scope;
  const { obj, warnings } = await readObject(scope, def);
  if (obj.metadata.name !== undefined && obj.metadata.name !== info.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
  }
  obj.metadata.name = info.name;
  const manager = fieldManager(scope, false);
  warnings.push(...(await ctx.admit(def, obj, (await store.get(info.namespace, info.name!)).obj, subresource, scope.user)).warnings);
  const updated = await store.update(info.namespace, info.name!, obj, subresource, writeOptions(scope, manager, subresource));
  setWarnings(scope.res, warnings);
  sendObject(scope, 200, updated);
}

export { handleUpdate, handlePatch };

async function handlePatch(scope: RequestScope, subresource: string | undefined): Promise<void> {
  const { def, store, info, req, query, ctx } = scope;
  const type = mediaType(req.headers['content-type']);
  const body = await readBody(req);
  // The URL names a patched object, so the patch is decoded for the audit log only when it is logged.
  if (scope.audit?.level === 'Request' || scope.audit?.level === 'RequestResponse') {
    scope.audit.setRequestObject(decodeBody(body, type === 'application/apply-patch+yaml' ? type : 'application/json'));
  }
  const manager = fieldManager(scope, type === 'application/apply-patch+yaml');
  const schema = schemaOf(def);
  const apiVersion = apiVersionOf(def);
  let warnings: string[] = [];

  if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') {
    if (type !== 'application/apply-patch+yaml') throw unsupportedMediaType(type);
    const forceText = query.get('force');
    if (forceText !== null && forceText !== 'true' && forceText !== 'false') throw badRequest(`force: Invalid value: "${forceText}"`);
    const applied = checkObject(scope, decodeBody(body, type), def);
    warnings = applied.warnings;
    if (applied.obj.metadata.name !== undefined && applied.obj.metadata.name !== info.name) {
      throw badRequest(`the name of the object (${applied.obj.metadata.name}) does not match the name on the URL (${info.name})`);
    }
    applied.obj.metadata.name = info.name;
    const opts = { manager, apiVersion, now: nowRfc3339(), subresource, schema, force: forceText === 'true' };
    const existing = await store.find(info.namespace, info.name!);
    if (!existing) {
      if (subresource) throw notFound({ group: def.group, resource: def.plural }, info.name!);
      const created = serverSideApply(undefined, applied.obj, opts);
      if (def.namespaced) created.metadata.namespace = info.namespace;
      warnings.push(...(await ctx.admit(def, created, undefined, undefined, scope.user)).warnings);
      const result = await store.create(created, { dryRun: isDryRun(query) });
      setWarnings(scope.res, warnings);
      sendObject(scope, 201, result);
      return;
    }
    const result = await store.guaranteedUpdate(info.namespace, info.name!, subresource, async (current) => {
      const next = serverSideApply(current, applied.obj, opts);
      warnings.push(...(await ctx.admit(def, next, current, subresource, scope.user)).warnings);
      return next;
    }, { dryRun: isDryRun(query) });
    setWarnings(scope.res, warnings);
    sendObject(scope, 200, result);
    return;
  }

  const patchType = patchTypeFromContentType(type);
  if (!patchType) throw unsupportedMediaType(type);
  const patch = decodeBody(body, 'application/json');
  if (patchType === 'strategic' && !schema) throw unsupportedMediaType(type);
  const mode = query.get('fieldValidation') ?? 'Warn';
  const opts = writeOptions(scope, manager, subresource);
  const result = await store.guaranteedUpdate(info.namespace, info.name!, subresource, async (current) => {
    const preconditionRv = current.metadata.resourceVersion;
    const patched = applyPatch(patchType, current, patch, schema);
    // A patch that names no resourceVersion applies to whatever is current.
    const patchedRv = patched.metadata?.resourceVersion;
    if (patchedRv === preconditionRv) delete patched.metadata.resourceVersion;
    const checked = checkObject({ ...scope, query: withValidation(query, mode) }, patched, def);
    warnings = checked.warnings;
    if (checked.obj.metadata.name !== info.name) {
      throw badRequest(`the name of the object (${checked.obj.metadata.name}) does not match the name on the URL (${info.name})`);
    }
    warnings.push(...(await ctx.admit(def, checked.obj, current, subresource, scope.user)).warnings);
    return checked.obj;
  }, opts);
  setWarnings(scope.res, warnings);
  sendObject(scope, 200, result);
}

function withValidation(query: URLSearchParams, mode: string): URLSearchParams {
  const q = new URLSearchParams(query);
  q.set('fieldValidation', mode);
  return q;
}

interface DeleteOptionsBody {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

async function readDeleteOptions(scope: RequestScope): Promise<DeleteOptionsBody> {
  const body = await readBody(scope.req);
  let opts: DeleteOptionsBody = {};
  if (body.length > 0) {
    const value = decodeBody(body, scope.req.headers['content-type'] || 'application/json');
    if (!isPlainObject(value)) throw badRequest('DeleteOptions must be an object');
    if (value.kind !== undefined && value.kind !== 'DeleteOptions') {
      throw badRequest(`the kind in the data (${String(value.kind)}) does not match the expected kind (DeleteOptions)`);
    }
    opts = value as DeleteOptionsBody;
  }
  const q = scope.query;
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null) {
    if (!/^-?\d+$/.test(grace)) throw badRequest(`gracePeriodSeconds: Invalid value: "${grace}"`);
    opts.gracePeriodSeconds = Number(grace);
  }
  const policy = q.get('propagationPolicy');
  if (policy !== null) opts.propagationPolicy = policy as DeleteOptionsBody['propagationPolicy'];
  if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`, {
      causes: [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${opts.propagationPolicy}"`, field: 'propagationPolicy' }],
    });
  }
  const orphan = q.get('orphanDependents') ?? (opts.orphanDependents === undefined ? null : String(opts.orphanDependents));
  if (orphan !== null && opts.propagationPolicy === undefined) opts.propagationPolicy = orphan === 'true' ? 'Orphan' : 'Background';
  if (q.getAll('dryRun').length > 0) isDryRun(q);
  if (opts.dryRun !== undefined && (!Array.isArray(opts.dryRun) || opts.dryRun.some((d) => d !== 'All'))) {
    throw badRequest('dryRun: Unsupported value: supported values: "All"');
  }
  return opts;
}

async function handleDelete(scope: RequestScope): Promise<void> {
  const { store, info } = scope;
  const opts = await readDeleteOptions(scope);
  await scope.ctx.admitDelete(scope.def, (await store.get(info.namespace, info.name!)).obj, scope.user);
  const result = await store.delete(info.namespace, info.name!, {
    dryRun: isDryRun(scope.query) || (opts.dryRun?.length ?? 0) > 0,
    preconditions: opts.preconditions,
    gracePeriodSeconds: opts.gracePeriodSeconds,
    propagationPolicy: opts.propagationPolicy,
  });
  sendObject(scope, result.deleted ? 200 : 202, result.object);
}

async function handleDeleteCollection(scope: RequestScope): Promise<void> {
  const { store, info, query } = scope;
  const opts = await readDeleteOptions(scope);
  const page = await listObjects(store, { namespace: info.namespace, selection: selectionFrom(scope.def, query), limit: 0 });
  const deleted: string[] = [];
  for (const item of page.items) {
    await scope.ctx.admitDelete(scope.def, item.obj, scope.user);
    try {
      const r = await store.delete(item.obj.metadata.namespace, item.obj.metadata.name!, {
        dryRun: isDryRun(query),
        gracePeriodSeconds: opts.gracePeriodSeconds,
        propagationPolicy: opts.propagationPolicy,
      });
      deleted.push(r.object.json);
    } catch (e) {
      // Something else deleted it first: that is what was asked.
      if (e instanceof StatusError && e.reason === 'NotFound') continue;
      throw e;
    }
  }
  const d = scope.def;
  sendRaw(scope.res, 200, `{"kind":"${d.listKind}","apiVersion":"${apiVersionOf(d)}","metadata":{"resourceVersion":"${store.cache.currentRevision()}"},"items":[${deleted.join(',')}]}`, 'application/json');
}

/** 409 for a binding to a pod already on a node, worded as Kubernetes words it. */
export function alreadyAssigned(podName: string, node: string): StatusError {
  return conflict({ group: '', resource: 'pods/binding' }, podName, `pod ${podName} is already assigned to node "${node}"`);
}
