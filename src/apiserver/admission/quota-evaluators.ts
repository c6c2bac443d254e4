import { deepClone, type KubeObject } from '../../api/index.js';
import { arr, rec, str, type JsonRecord } from '../../api/validation/json-access.js';
import { defaultPodOnlyFields } from '../../api/validation/pod-spec.js';
import { isExtendedResource, isHugePageResource } from '../../api/validation/resource-requirements.js';
import { podResources } from './limit-ranger.js';
import { addInto, parseResourceList, quantity, type ResourceList } from './resource-list.js';

/**
 * How quota measures one kind of object, as Kubernetes' quota evaluators do: which quota resource names it
 * answers for, what one object uses, and which writes can change usage.
 */
export interface QuotaEvaluator {
  group: string;
  plural: string;
  /** The subset of a quota's hard resource names this kind is counted under. */
  matching(names: readonly string[]): string[];
  usage(obj: KubeObject, now: number): ResourceList;
  /** Whether a write of this kind may change usage (creates always do; some updates too). */
  handlesUpdate: boolean;
  /** For pods: cpu and memory quotas require every container to state them. */
  constraints?(required: readonly string[], obj: KubeObject): string | undefined;
  /** Whether the object falls under a quota's scopes; kinds without scopes match only unscoped quotas. */
  matchesScopes(scopes: readonly string[], obj: KubeObject): boolean;
}

/** `count/<resource>` for core kinds, `count/<resource>.<group>` for the others. */
export function objectCountName(group: string, plural: string): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

function noScopes(scopes: readonly string[]): boolean {
  return scopes.length === 0;
}

/** Counts objects: `count/<resource>` and, for the kinds that had one, the legacy bare name. */
export function objectCountEvaluator(group: string, plural: string, legacy?: string): QuotaEvaluator {
  const names = [objectCountName(group, plural), ...(legacy ? [legacy] : [])];
  return {
    group,
    plural,
    matching: (input) => input.filter((n) => names.includes(n)),
    usage: () => new Map(names.map((n) => [n, quantity(1)])),
    handlesUpdate: false,
    matchesScopes: noScopes,
  };
}

const podNames = new Set([
  'count/pods', 'pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
/** Quotas on these must be met by every container stating them: an old Kubernetes rule it keeps for compatibility. */
const podValidationSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** The compute usage of requests and limits, under every quota name that counts it. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', quantity(1)]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, q] of requests) {
    if (isHugePageResource(r)) {
      out.set(r, q);
      out.set(`requests.${r}`, q);
    } else if (isExtendedResource(r)) {
      out.set(`requests.${r}`, q);
    }
  }
  return out;
}

function containerNames(spec: JsonRecord): JsonRecord[] {
  return [...arr(spec.containers), ...arr(spec.initContainers)].map((c) => rec(c) ?? {});
}

/** A pod stops counting against compute quota once it has finished, or its deletion grace period has passed. */
function podCountsForCompute(pod: KubeObject, now: number): boolean {
  const phase = str(rec(pod.status)?.phase);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletion = pod.metadata.deletionTimestamp;
  if (deletion) {
    const grace = typeof pod.metadata.deletionGracePeriodSeconds === 'number' ? pod.metadata.deletionGracePeriodSeconds : 0;
    if (now > Date.parse(deletion) + grace * 1000) return false;
  }
  return true;
}

function isTerminating(spec: JsonRecord): boolean {
  return typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0;
}

function isBestEffort(spec: JsonRecord): boolean {
  return containerNames(spec).every((c) => {
    const r = rec(c.resources);
    return Object.keys(rec(r?.requests) ?? {}).length === 0 && Object.keys(rec(r?.limits) ?? {}).length === 0;
  });
}

/** The pod with the defaults decoding would have given it (requests copied from limits), for measuring. */
function defaultedSpec(pod: KubeObject): JsonRecord {
  const spec = deepClone(rec(pod.spec) ?? {});
  defaultPodOnlyFields(spec);
  return spec;
}

export const podEvaluator: QuotaEvaluator = {
  group: '',
  plural: 'pods',
  matching: (input) => input.filter((n) => podNames.has(n) || n.startsWith('hugepages-') || n.startsWith('requests.hugepages-') || (n.startsWith('requests.') && isExtendedResource(n.slice('requests.'.length)))),
  usage(pod, now) {
    const result: ResourceList = new Map([['count/pods', quantity(1)]]);
    if (!podCountsForCompute(pod, now)) return result;
    const spec = defaultedSpec(pod);
    const requests = podResources(spec, 'requests');
    const limits = podResources(spec, 'limits');
    // Pod overhead is charged on top of what the containers ask for.
    const overhead = parseResourceList(spec.overhead);
    if (overhead.size > 0) {
      for (const [k, v] of overhead) {
        if (requests.has(k)) addInto(requests, new Map([[k, v]]));
        if (limits.has(k)) addInto(limits, new Map([[k, v]]));
      }
    }
    for (const [k, v] of computeUsage(requests, limits)) result.set(k, v);
    return result;
  },
  handlesUpdate: false,
  constraints(required, pod) {
    const needed = required.filter((r) => podValidationSet.has(r));
    if (needed.length === 0) return undefined;
    const spec = defaultedSpec(pod);
    const missing = new Map<string, Set<string>>();
    for (const c of containerNames(spec)) {
      const r = rec(c.resources);
      const have = computeUsage(parseResourceList(r?.requests), parseResourceList(r?.limits));
      for (const n of needed) {
        if (have.has(n)) continue;
        if (!missing.has(n)) missing.set(n, new Set());
        missing.get(n)!.add(str(c.name));
      }
    }
    if (missing.size === 0) return undefined;
    const parts = [...missing.keys()].sort().map((n) => `${n} for: ${[...missing.get(n)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
  matchesScopes(scopes, pod) {
    const spec = rec(pod.spec) ?? {};
    return scopes.every((scope) => {
      switch (scope) {
        case 'Terminating':
          return isTerminating(spec);
        case 'NotTerminating':
          return !isTerminating(spec);
        case 'BestEffort':
          return isBestEffort(spec);
        case 'NotBestEffort':
          return !isBestEffort(spec);
        case 'PriorityClass':
          return str(spec.priorityClassName) !== '';
        default:
          return false;
      }
    });
  },
};

export const serviceEvaluator: QuotaEvaluator = {
  group: '',
  plural: 'services',
  matching: (input) => input.filter((n) => ['count/services', 'services', 'services.loadbalancers', 'services.nodeports'].includes(n)),
  usage(svc) {
    const spec = rec(svc.spec) ?? {};
    const type = str(spec.type) || 'ClusterIP';
    const ports = arr(spec.ports).length;
    const result: ResourceList = new Map([
      ['count/services', quantity(1)],
      ['services', quantity(1)],
      ['services.loadbalancers', quantity(0)],
      ['services.nodeports', quantity(0)],
    ]);
    if (type === 'NodePort') result.set('services.nodeports', quantity(ports));
    if (type === 'LoadBalancer') {
      result.set('services.loadbalancers', quantity(1));
      // A load balancer takes node ports unless told not to.
      if (spec.allocateLoadBalancerNodePorts !== false) result.set('services.nodeports', quantity(ports));
    }
    return result;
  },
  handlesUpdate: true,
  matchesScopes: noScopes,
};

const storageClassSuffix = '.storageclass.storage.k8s.io/';

export const claimEvaluator: QuotaEvaluator = {
  group: '',
  plural: 'persistentvolumeclaims',
  matching: (input) =>
    input.filter((n) => ['count/persistentvolumeclaims', 'persistentvolumeclaims', 'requests.storage'].includes(n) || n.includes(storageClassSuffix)),
  usage(pvc) {
    const spec = rec(pvc.spec) ?? {};
    const result: ResourceList = new Map([
      ['count/persistentvolumeclaims', quantity(1)],
      ['persistentvolumeclaims', quantity(1)],
    ]);
    const storage = parseResourceList(rec(spec.resources)?.requests).get('storage');
    if (storage) result.set('requests.storage', storage);
    const className = str(spec.storageClassName);
    if (className) {
      result.set(`${className}${storageClassSuffix}persistentvolumeclaims`, quantity(1));
      if (storage) result.set(`${className}${storageClassSuffix}requests.storage`, storage);
    }
    return result;
  },
  handlesUpdate: true,
  matchesScopes: noScopes,
};

const builtin: QuotaEvaluator[] = [
  podEvaluator,
  serviceEvaluator,
  claimEvaluator,
  objectCountEvaluator('', 'configmaps', 'configmaps'),
  objectCountEvaluator('', 'secrets', 'secrets'),
  objectCountEvaluator('', 'replicationcontrollers', 'replicationcontrollers'),
  objectCountEvaluator('', 'resourcequotas', 'resourcequotas'),
];

/** The evaluator of a kind: a built-in one, or an object counter for any other namespaced resource. */
export function evaluatorFor(group: string, plural: string): QuotaEvaluator {
  return builtin.find((e) => e.group === group && e.plural === plural) ?? objectCountEvaluator(group, plural);
}

/** The kinds a quota's hard names count, so its usage can be measured: built-ins plus every `count/...` name. */
export function evaluatorsForHard(names: readonly string[]): QuotaEvaluator[] {
  const out = builtin.filter((e) => e.matching(names).length > 0);
  for (const n of names) {
    if (!n.startsWith('count/')) continue;
    const rest = n.slice('count/'.length);
    const dot = rest.indexOf('.');
    const plural = dot < 0 ? rest : rest.slice(0, dot);
    const group = dot < 0 ? '' : rest.slice(dot + 1);
    if (!out.some((e) => e.group === group && e.plural === plural)) out.push(objectCountEvaluator(group, plural));
  }
  return out;
}
