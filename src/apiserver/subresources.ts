import {
  badRequest,
  getPath,
  invalid,
  labelSelectorFromObject,
  methodNotAllowed,
  pathNotFound,
  StatusError,
  field,
  type KubeObject,
} from '../api/index.js';
import { decodeBody, readBody, sendJson, sendRaw } from './http-io.js';
import { alreadyAssigned, checkObject, handlePatch, handleUpdate, readObject, type RequestScope } from './resource-handler.js';
import { applyPatch, patchTypeFromContentType } from './patch/index.js';
import { mediaType } from './http-io.js';
import { unsupportedMediaType } from '../api/index.js';
import { nowRfc3339 } from '../api/rfc3339.js';
import { chooseContainer, proxyLog, streamingSubresources } from './streaming/index.js';

/** Serves `status`, `scale`, `binding`, `log`, `eviction` and `finalize` for the kinds that have them. */
export async function handleSubresource(scope: RequestScope): Promise<void> {
  const { info, def } = scope;
  const sub = info.subresource!;
  const s = def.subresources;
  switch (sub) {
    case 'status':
      if (!s.status) throw pathNotFound();
      if (info.verb === 'get') return sendRaw(scope.res, 200, (await scope.store.get(info.namespace, info.name!)).json, 'application/json');
      if (info.verb === 'update') return handleUpdate(scope, 'status');
      if (info.verb === 'patch') return handlePatch(scope, 'status');
      throw methodNotAllowed();
    case 'scale':
      if (!s.scale) throw pathNotFound();
      return handleScale(scope);
    case 'binding':
      if (!s.binding) throw pathNotFound();
      if (info.verb !== 'create') throw methodNotAllowed();
      return handleBinding(scope);
    case 'log':
      if (!s.log) throw pathNotFound();
      if (info.verb !== 'get') throw methodNotAllowed();
      return handleLog(scope);
    case 'eviction':
      if (!s.eviction) throw pathNotFound();
      if (info.verb !== 'create') throw methodNotAllowed();
      return handleEviction(scope);
    case 'token': {
      if (!s.token) throw pathNotFound();
      if (info.verb !== 'create') throw methodNotAllowed();
      const sa = (await scope.store.get(info.namespace, info.name!)).obj;
      const body = decodeBody(await readBody(scope.req), scope.req.headers['content-type']);
      return sendJson(scope.res, 201, await scope.ctx.requestToken(sa, body));
    }
    case 'finalize':
      if (!s.finalize) throw pathNotFound();
      if (info.verb !== 'update') throw methodNotAllowed();
      return handleFinalize(scope);
    default:
      if (s.connect?.includes(sub)) {
        await scope.store.get(info.namespace, info.name!);
        // Upgrade requests never get here (the server's 'upgrade' handler takes them).
        if (def.group === '' && def.plural === 'pods' && streamingSubresources.has(sub)) throw badRequest('Upgrade request required');
        throw new StatusError(503, 'ServiceUnavailable', `${sub} is not available: no node serves ${def.plural} "${info.name}" yet`);
      }
      throw pathNotFound();
  }
}

function scaleOf(scope: RequestScope, obj: KubeObject): KubeObject {
  const spec = scope.def.subresources.scale!;
  const selectorObj = spec.labelSelectorPath ? getPath(obj, spec.labelSelectorPath) : getPath(obj, ['spec', 'selector']);
  let selector = '';
  if (spec.labelSelectorPath) selector = labelSelectorFromObject(selectorObj).toString();
  else if (selectorObj && typeof selectorObj === 'object') {
    selector = Object.entries(selectorObj as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: (getPath(obj, spec.specReplicasPath) as number | undefined) ?? 0 },
    status: { replicas: (getPath(obj, spec.statusReplicasPath) as number | undefined) ?? 0, ...(selector ? { selector } : {}) },
  };
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const step of path.slice(0, -1)) {
    if (typeof cur[step] !== 'object' || cur[step] === null) cur[step] = {};
    cur = cur[step] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

const scaleSchemaless = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

async function handleScale(scope: RequestScope): Promise<void> {
  const { info, store, def } = scope;
  const spec = def.subresources.scale!;
  if (info.verb === 'get') {
    sendJson(scope.res, 200, scaleOf(scope, (await store.get(info.namespace, info.name!)).obj));
    return;
  }
  let desired: (current: KubeObject) => KubeObject;
  if (info.verb === 'update') {
    const { obj } = await readObject(scope, scaleSchemaless);
    desired = () => obj;
  } else if (info.verb === 'patch') {
    const type = patchTypeFromContentType(mediaType(scope.req.headers['content-type']));
    if (!type) throw unsupportedMediaType(mediaType(scope.req.headers['content-type']));
    const patch = decodeBody(await readBody(scope.req), 'application/json');
    desired = (current) => applyPatch(type, scaleOf(scope, current), patch, undefined);
  } else throw methodNotAllowed();
  const result = await store.guaranteedUpdate(info.namespace, info.name!, 'scale', (current) => {
    const scale = checkObject(scope, desired(current), scaleSchemaless).obj;
    const replicas = getPath(scale, ['spec', 'replicas']);
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
      throw invalid('Scale', 'autoscaling', info.name!, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
    }
    const wantedRv = scale.metadata.resourceVersion;
    if (wantedRv && wantedRv !== current.metadata.resourceVersion) {
      return { ...current, metadata: { ...current.metadata, resourceVersion: wantedRv } };
    }
    setPath(current, spec.specReplicasPath, replicas ?? 0);
    return current;
  });
  sendJson(scope.res, 200, scaleOf(scope, result.obj));
}

async function handleBinding(scope: RequestScope): Promise<void> {
  const { info, store } = scope;
  const { obj: binding } = await readObject(scope, { group: '', version: 'v1', kind: 'Binding' });
  const target = binding.target as { kind?: string; name?: string } | undefined;
  if (!target?.name) throw invalid('Binding', '', info.name!, [field.required('target.name')]);
  if (target.kind && target.kind !== 'Node') throw invalid('Binding', '', info.name!, [field.notSupported('target.kind', target.kind, ['Node'])]);
  await store.guaranteedUpdate(info.namespace, info.name!, 'binding', (pod) => {
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) throw alreadyAssigned(info.name!, spec.nodeName ?? '');
    if (spec.nodeName) throw alreadyAssigned(info.name!, spec.nodeName);
    const uid = binding.metadata.uid;
    if (uid && uid !== pod.metadata.uid) throw badRequest(`the UID in the bind request (${uid}) does not match the UID of the pod (${pod.metadata.uid})`);
    spec.nodeName = target.name;
    pod.spec = spec;
    const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: null }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowRfc3339() });
    status.conditions = conditions;
    pod.status = status;
    return pod;
  }, {});
  sendJson(scope.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

async function handleLog(scope: RequestScope): Promise<void> {
  const { info, store, query } = scope;
  const pod = (await store.get(info.namespace, info.name!)).obj;
  const container = chooseContainer(pod, query.get('container'));
  const nodes = scope.ctx.lookup('', 'v1', 'nodes');
  if (nodes && (await proxyLog({ pods: store, nodes: scope.ctx.storeFor(nodes), kubelet: scope.ctx.kubelet }, pod, container, query, scope.res))) return;
  // Not bound yet, or its node publishes no node API (a simulated fleet without one): an empty log.
  sendRaw(scope.res, 200, '', 'text/plain');
}

async function handleEviction(scope: RequestScope): Promise<void> {
  const { info, store, ctx } = scope;
  const { obj: eviction } = await readObject(scope, { group: 'policy', version: 'v1', kind: 'Eviction' });
  if (eviction.metadata.name && eviction.metadata.name !== info.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const pod = (await store.get(info.namespace, info.name!)).obj;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  // Terminal or already-deleting pods may always go; others only within their disruption budgets.
  if (phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp) {
    const pdbDef = ctx.lookup('policy', 'v1', 'poddisruptionbudgets');
    if (pdbDef) {
      const pdbs = ctx.storeFor(pdbDef);
      await pdbs.cache.sync();
      const matching = pdbs.cache.list(pdbs.listPrefix(info.namespace)).filter((p) => {
        // In policy/v1 an empty selector selects every pod of the namespace; a missing one selects none.
        const sel = labelSelectorFromObject((p.obj.spec as { selector?: unknown } | undefined)?.selector);
        return sel.matches(pod.metadata.labels);
      });
      if (matching.length > 1) {
        throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      for (const p of matching) {
        const allowed = (p.obj.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0;
        if (allowed < 1) {
          throw new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
            causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${p.obj.metadata.name} needs ${(p.obj.status as { desiredHealthy?: number } | undefined)?.desiredHealthy ?? 0} healthy pods and has ${(p.obj.status as { currentHealthy?: number } | undefined)?.currentHealthy ?? 0} currently` }],
          });
        }
      }
    }
  }
  const options = (eviction.deleteOptions ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } };
  await store.delete(info.namespace, info.name!, { gracePeriodSeconds: options.gracePeriodSeconds, preconditions: options.preconditions });
  sendJson(scope.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

async function handleFinalize(scope: RequestScope): Promise<void> {
  const { info, store } = scope;
  const { obj } = await readObject(scope, scope.def);
  const finalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  const result = await store.guaranteedUpdate(info.namespace, info.name!, 'finalize', (current) => {
    current.spec = { ...(current.spec as object), finalizers };
    if (finalizers.length === 0) delete (current.spec as { finalizers?: string[] }).finalizers;
    return current;
  });
  sendRaw(scope.res, 200, result.json, 'application/json');
}
