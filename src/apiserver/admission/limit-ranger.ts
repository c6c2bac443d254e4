import { forbidden, type KubeObject } from '../../api/index.js';
import { arr, ensureRecord, rec, str, type JsonRecord } from '../../api/validation/json-access.js';
import { formatQuantity, type Quantity } from '../../api/validation/quantity.js';
import { addInto, maxInto, parseResourceList, type ResourceList } from './resource-list.js';
import type { AdmissionAttributes, ObjectLister } from './types.js';
import { admissionName, aggregate } from './types.js';

const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

function milli(q: Quantity): bigint {
  const m = q.nanos / 1_000_000n;
  return q.nanos % 1_000_000n > 0n ? m + 1n : m;
}

const show = formatQuantity;

function minConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!req) return `minimum ${name} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (milli(req) < milli(enforced)) return `minimum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req)}`;
  if (lim && milli(lim) < milli(enforced)) return `minimum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!lim) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No limit is specified`;
  if (milli(lim) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(lim)}`;
  if (req && milli(req) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req)}`;
  return undefined;
}

/** Max for kinds that have no limits (PVCs): the request is what is capped. */
function maxRequestConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const req = requests.get(name);
  if (!req) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (milli(req) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!req || milli(req) === 0n) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no request is specified or request is 0`;
  if (!lim || milli(lim) === 0n) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(milli(lim)) / Number(milli(req));
  if (observed * 1000 > Number(milli(enforced))) {
    return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

interface LimitItem {
  type: string;
  max: ResourceList;
  min: ResourceList;
  default: ResourceList;
  defaultRequest: ResourceList;
  maxLimitRequestRatio: ResourceList;
}

function limitItems(lr: KubeObject): LimitItem[] {
  return arr(rec(lr.spec)?.limits).map((raw) => {
    const l = rec(raw) ?? {};
    return {
      type: str(l.type),
      max: parseResourceList(l.max),
      min: parseResourceList(l.min),
      default: parseResourceList(l.default),
      defaultRequest: parseResourceList(l.defaultRequest),
      maxLimitRequestRatio: parseResourceList(l.maxLimitRequestRatio),
    };
  });
}

function containersOf(spec: JsonRecord, list: 'containers' | 'initContainers'): JsonRecord[] {
  return arr(spec[list]).map((c) => rec(c)).filter((c): c is JsonRecord => c !== undefined);
}

function resourcesOf(c: JsonRecord): { requests: ResourceList; limits: ResourceList } {
  const r = rec(c.resources);
  return { requests: parseResourceList(r?.requests), limits: parseResourceList(r?.limits) };
}

/** Fills container requests and limits a LimitRange defaults and the pod left out; notes what it set. */
export function applyLimitRangeDefaults(lr: KubeObject, pod: KubeObject): void {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const raw of arr(rec(lr.spec)?.limits)) {
    const l = rec(raw) ?? {};
    if (str(l.type) !== 'Container') continue;
    for (const [k, v] of Object.entries(rec(l.defaultRequest) ?? {})) requests[k] = String(v);
    for (const [k, v] of Object.entries(rec(l.default) ?? {})) limits[k] = String(v);
  }
  const spec = rec(pod.spec);
  if (!spec || (Object.keys(requests).length === 0 && Object.keys(limits).length === 0)) return;
  const notes: string[] = [];
  const lists: ['containers' | 'initContainers', string][] = [['containers', 'container'], ['initContainers', 'init container']];
  for (const [list, label] of lists) {
    for (const c of containersOf(spec, list)) {
      const resources = ensureRecord(c, 'resources');
      const cLimits = ensureRecord(resources, 'limits');
      const cRequests = ensureRecord(resources, 'requests');
      const setLimits = Object.keys(limits).filter((k) => cLimits[k] === undefined).sort();
      const setRequests = Object.keys(requests).filter((k) => cRequests[k] === undefined).sort();
      for (const k of setLimits) cLimits[k] = limits[k];
      for (const k of setRequests) cRequests[k] = requests[k];
      if (setRequests.length > 0) notes.push(`${setRequests.join(', ')} request for ${label} ${str(c.name)}`);
      if (setLimits.length > 0) notes.push(`${setLimits.join(', ')} limit for ${label} ${str(c.name)}`);
      // Empty maps would be stored as such; Kubernetes omits them.
      if (Object.keys(cLimits).length === 0) delete resources.limits;
      if (Object.keys(cRequests).length === 0) delete resources.requests;
    }
  }
  if (notes.length > 0) {
    pod.metadata.annotations = { ...pod.metadata.annotations, [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}` };
  }
}

/** A pod's effective requests or limits: its containers and sidecars summed, init containers taken at their peak. */
export function podResources(spec: JsonRecord, which: 'requests' | 'limits'): ResourceList {
  const total: ResourceList = new Map();
  for (const c of containersOf(spec, 'containers')) addInto(total, resourcesOf(c)[which]);
  const sidecars: ResourceList = new Map();
  const initPeak: ResourceList = new Map();
  for (const c of containersOf(spec, 'initContainers')) {
    const own = resourcesOf(c)[which];
    if (str(c.restartPolicy) === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const withSidecars: ResourceList = new Map();
      addInto(withSidecars, own);
      addInto(withSidecars, sidecars);
      maxInto(initPeak, withSidecars);
    }
  }
  maxInto(total, initPeak);
  return total;
}

/** The constraint failures of one LimitRange for a pod, in upstream's order. */
export function podLimitViolations(lr: KubeObject, pod: KubeObject): string[] {
  const spec = rec(pod.spec) ?? {};
  const errs: string[] = [];
  const push = (e: string | undefined) => e && errs.push(e);
  for (const limit of limitItems(lr)) {
    if (limit.type === 'Container') {
      for (const c of [...containersOf(spec, 'containers'), ...containersOf(spec, 'initContainers')]) {
        const { requests, limits } = resourcesOf(c);
        for (const [k, v] of limit.min) push(minConstraint(limit.type, k, v, requests, limits));
        for (const [k, v] of limit.max) push(maxConstraint(limit.type, k, v, requests, limits));
        for (const [k, v] of limit.maxLimitRequestRatio) push(ratioConstraint(limit.type, k, v, requests, limits));
      }
    }
    if (limit.type === 'Pod') {
      const requests = podResources(spec, 'requests');
      const limits = podResources(spec, 'limits');
      for (const [k, v] of limit.min) push(minConstraint(limit.type, k, v, requests, limits));
      for (const [k, v] of limit.max) push(maxConstraint(limit.type, k, v, requests, limits));
      for (const [k, v] of limit.maxLimitRequestRatio) push(ratioConstraint(limit.type, k, v, requests, limits));
    }
  }
  return errs;
}

/** Storage bounds of one LimitRange for a claim: only `spec.resources.requests` counts. */
export function claimLimitViolations(lr: KubeObject, pvc: KubeObject): string[] {
  const requests = parseResourceList(rec(rec(pvc.spec)?.resources)?.requests);
  const errs: string[] = [];
  for (const limit of limitItems(lr)) {
    if (limit.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of limit.min) {
      const e = minConstraint(limit.type, k, v, requests, new Map());
      if (e) errs.push(e);
    }
    for (const [k, v] of limit.max) {
      const e = maxRequestConstraint(limit.type, k, v, requests);
      if (e) errs.push(e);
    }
  }
  return errs;
}

/**
 * LimitRanger: containers get the defaults their namespace's LimitRanges name, then pods and claims are
 * held to each LimitRange's min, max and limit/request ratio.
 */
export class LimitRanger {
  constructor(private readonly list: ObjectLister) {}

  private applies(a: AdmissionAttributes): 'pod' | 'claim' | undefined {
    if (a.subresource || a.def.group !== '' || a.operation === 'DELETE') return undefined;
    // Objects on their way out are left alone.
    if (a.old?.metadata.deletionTimestamp) return undefined;
    // Containers cannot change after create, so pod updates are not checked again.
    if (a.def.plural === 'pods') return a.operation === 'CREATE' ? 'pod' : undefined;
    if (a.def.plural === 'persistentvolumeclaims') return 'claim';
    return undefined;
  }

  private async limitRanges(namespace: string | undefined): Promise<KubeObject[]> {
    return namespace ? await this.list('', 'limitranges', namespace) : [];
  }

  /** The mutating half: defaults. */
  async mutate(a: AdmissionAttributes): Promise<void> {
    if (this.applies(a) !== 'pod') return;
    for (const lr of await this.limitRanges(a.namespace)) applyLimitRangeDefaults(lr, a.obj);
  }

  /** The validating half: bounds, after every mutation has run. */
  async validate(a: AdmissionAttributes): Promise<void> {
    const kind = this.applies(a);
    if (!kind) return;
    for (const lr of await this.limitRanges(a.namespace)) {
      const errs = kind === 'pod' ? podLimitViolations(lr, a.obj) : claimLimitViolations(lr, a.obj);
      if (errs.length > 0) throw forbidden({ group: '', resource: a.def.plural }, admissionName(a.obj), aggregate(errs));
    }
  }
}
