import { isNotFound, type KubeObject } from '../../api/index.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { ApiClient, Informer, MapFunc, ReconcileResult, Reconciler, ResourceDescriptor } from '../../client/index.js';
import { splitKey } from '../../client/index.js';
import { retryConflicts } from '../internal/conflicts.js';
import { controllerRefOf } from '../internal/controller-ref.js';
import { isPodReady } from '../internal/pod-util.js';
import { canonicalJson, semanticEqual } from '../internal/semantic-equal.js';
import { endpointLabels, familyOf, findPort, podIPs, podsForService, serviceFamilies, serviceSelector, shouldPodBeInEndpoints, shouldSetHostname, type IpFamily, type Service } from '../internal/service-pods.js';
import type { Pod } from '../internal/types.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';

export type EndpointSlice = KubeObject & { addressType: string; endpoints?: Endpoint[] | null; ports?: EndpointPort[] | null };

/** Slices by the Service they belong to (`namespace/name`). */
export const serviceIndex = 'wharf.io/endpointslice-service';
export const byService = (obj: KubeObject): string[] => {
  const svc = obj.metadata.labels?.[serviceNameLabel];
  return svc ? [`${obj.metadata.namespace}/${svc}`] : [];
};

type Node = KubeObject & { metadata: { labels?: Record<string, string> } };

interface Group {
  ports: EndpointPort[];
  endpoints: Map<string, Endpoint>;
}

const portsKey = (ports: readonly EndpointPort[] | null | undefined): string => canonicalJson([...(ports ?? [])].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))));
const endpointKey = (ep: Endpoint): string => `${ep.targetRef?.uid ?? ''}/${ep.addresses.join(',')}`;

/** Compares resourceVersions numerically where they are numbers (etcd and Wharf revisions), else by equality. */
function olderThan(a: string | undefined, b: string): boolean {
  if (a === undefined) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) < BigInt(b);
  return a !== b;
}

export interface EndpointSliceReconcilerOptions {
  /** 100 as Kubernetes' default. */
  maxEndpointsPerSlice?: number;
}

/**
 * Keeps each selector Service's EndpointSlices (labelled with the Service name and this controller
 * as manager, owned by the Service) listing its pods per address family and port set, at most
 * `maxEndpointsPerSlice` per slice: endpoints stay in the slice they are in, new ones fill slices with
 * room before new slices are made, and a Service with no endpoints keeps one empty placeholder slice.
 */
export class EndpointSliceReconciler implements Reconciler {
  /** Writes not yet seen in the cache, per Service: slice name -> resourceVersion written, or 'deleted'. */
  private readonly pending = new Map<string, Map<string, string>>();
  private readonly max: number;

  constructor(
    private readonly client: ApiClient,
    private readonly services: Informer<Service>,
    private readonly pods: Informer<Pod>,
    private readonly slices: Informer<EndpointSlice>,
    private readonly nodes: Informer<Node> | undefined,
    private readonly resource: ResourceDescriptor,
    opts: EndpointSliceReconcilerOptions = {},
  ) {
    this.max = opts.maxEndpointsPerSlice ?? 100;
  }

  /** Slices map to their Service when this controller manages them. */
  readonly sliceToService: MapFunc = (slice) => (slice.metadata.labels?.[managedByLabel] === controllerName ? byService(slice) : []);

  /** True while the cache lags behind this controller's own writes for the Service. */
  private cacheIsStale(key: string, namespace: string | undefined): boolean {
    const pending = this.pending.get(key);
    if (!pending) return false;
    for (const [name, rv] of pending) {
      const cached = this.slices.store.getByName(namespace, name);
      const caughtUp = rv === 'deleted' ? !cached : cached !== undefined && !olderThan(cached.metadata.resourceVersion, rv);
      if (caughtUp) pending.delete(name);
    }
    if (pending.size === 0) this.pending.delete(key);
    return pending.size > 0;
  }

  private note(key: string, name: string, rv: string): void {
    let m = this.pending.get(key);
    if (!m) this.pending.set(key, (m = new Map()));
    m.set(name, rv);
  }

  reconcile(key: string): Promise<ReconcileResult | void> {
    return retryConflicts(() => this.sync(key));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const { namespace } = splitKey(key);
    if (this.cacheIsStale(key, namespace)) return { requeueAfterMs: 100 };
    const svc = this.services.store.get(key);
    // A deleted Service's slices go with it through their owner reference.
    if (!svc || !serviceSelector(svc) || svc.metadata.deletionTimestamp) return;
    const existing = this.slices.store.byIndex(serviceIndex, key).filter((s) => s.metadata.labels?.[managedByLabel] === controllerName);
    const pods = podsForService(this.pods, svc);
    const families = serviceFamilies(svc);
    for (const s of existing) {
      if (!families.includes(s.addressType as IpFamily)) await this.remove(key, s);
    }
    for (const family of families) {
      await this.reconcileFamily(key, svc, family, pods, existing.filter((s) => s.addressType === family));
    }
  }

  private desired(svc: Service, family: IpFamily, pods: readonly Pod[]): Map<string, Group> {
    const groups = new Map<string, Group>();
    const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const addresses = podIPs(pod).filter((ip) => familyOf(ip) === family);
      if (addresses.length === 0) continue;
      const ports: EndpointPort[] = [];
      for (const sp of svc.spec?.ports ?? []) {
        const num = findPort(pod, sp);
        if (num === undefined) continue;
        const p: EndpointPort = { name: sp.name ?? '', port: num, protocol: sp.protocol ?? 'TCP' };
        if (sp.appProtocol) p.appProtocol = sp.appProtocol;
        ports.push(p);
      }
      const serving = isPodReady(pod);
      const terminating = Boolean(pod.metadata.deletionTimestamp);
      const ready = publishNotReady || (serving && !terminating);
      const ep: Endpoint = {
        addresses: [addresses[0]],
        conditions: { ready, serving, terminating },
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      };
      if (pod.spec?.nodeName) {
        ep.nodeName = pod.spec.nodeName;
        const zone = this.nodes?.store.get(pod.spec.nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'];
        if (zone) ep.zone = zone;
      }
      if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
      const pk = portsKey(ports);
      let g = groups.get(pk);
      if (!g) groups.set(pk, (g = { ports, endpoints: new Map() }));
      g.endpoints.set(endpointKey(ep), ep);
    }
    return groups;
  }

  private metaFor(svc: Service): { labels: Record<string, string>; ownerReferences: NonNullable<KubeObject['metadata']['ownerReferences']> } {
    const labels = endpointLabels(svc);
    delete labels[serviceNameLabel];
    delete labels[managedByLabel];
    labels[serviceNameLabel] = svc.metadata.name!;
    labels[managedByLabel] = controllerName;
    return {
      labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    };
  }

  private async reconcileFamily(key: string, svc: Service, family: IpFamily, pods: readonly Pod[], existing: EndpointSlice[]): Promise<void> {
    const groups = this.desired(svc, family, pods);
    const meta = this.metaFor(svc);
    interface Plan {
      slice?: EndpointSlice;
      ports: EndpointPort[];
      endpoints: Endpoint[];
      changed: boolean;
    }
    const plans: Plan[] = [];
    const toDelete: EndpointSlice[] = [];
    // Keep endpoints where they are; drop the ones no longer wanted.
    for (const slice of [...existing].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
      const group = groups.get(portsKey(slice.ports));
      if (!group) {
        toDelete.push(slice);
        continue;
      }
      let changed = !semanticEqual(slice.metadata.labels ?? {}, meta.labels) || controllerRefOf(slice)?.uid !== svc.metadata.uid;
      const endpoints: Endpoint[] = [];
      for (const ep of slice.endpoints ?? []) {
        const k = endpointKey(ep);
        const want = group.endpoints.get(k);
        if (!want) {
          changed = true;
          continue;
        }
        if (!semanticEqual(want, ep)) changed = true;
        endpoints.push(want);
        group.endpoints.delete(k);
      }
      if (endpoints.length > this.max) {
        // Over the limit (the limit was lowered): the excess is placed again below.
        for (const ep of endpoints.splice(this.max)) group.endpoints.set(endpointKey(ep), ep);
        changed = true;
      }
      plans.push({ slice, ports: slice.ports ?? [], endpoints, changed });
    }
    // Place new endpoints: first into slices with room, then into new slices.
    for (const group of groups.values()) {
      const left = [...group.endpoints.values()];
      for (const plan of plans) {
        if (left.length === 0) break;
        if (portsKey(plan.ports) !== portsKey(group.ports) || plan.endpoints.length >= this.max) continue;
        plan.endpoints.push(...left.splice(0, this.max - plan.endpoints.length));
        plan.changed = true;
      }
      while (left.length > 0) plans.push({ ports: group.ports, endpoints: left.splice(0, this.max), changed: true });
    }
    for (const plan of plans) {
      if (plan.slice && plan.endpoints.length === 0) {
        toDelete.push(plan.slice);
        plan.changed = false;
      }
    }
    const live = plans.filter((p) => !p.slice || p.endpoints.length > 0);
    if (live.length === 0) {
      // No endpoints at all: one empty placeholder slice stands for the Service.
      const keep = toDelete.findIndex((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
      if (keep >= 0) {
        const [slice] = toDelete.splice(keep, 1);
        const changed = !semanticEqual(slice.metadata.labels ?? {}, meta.labels);
        live.push({ slice, ports: [], endpoints: [], changed });
      } else live.push({ ports: [], endpoints: [], changed: true });
    }
    for (const plan of live) {
      if (!plan.changed) continue;
      plan.endpoints.sort((a, b) => endpointKey(a).localeCompare(endpointKey(b)));
      if (plan.slice) {
        const next: EndpointSlice = { ...plan.slice, metadata: { ...plan.slice.metadata, ...meta }, endpoints: plan.endpoints, ports: plan.ports };
        const written = await this.client.update(this.resource, next);
        this.note(key, written.metadata.name!, written.metadata.resourceVersion!);
      } else {
        const slice: EndpointSlice = {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, ...meta },
          addressType: family,
          endpoints: plan.endpoints,
          ports: plan.ports,
        };
        const written = await this.client.create(this.resource, slice);
        this.note(key, written.metadata.name!, written.metadata.resourceVersion!);
      }
    }
    for (const slice of toDelete) await this.remove(key, slice);
  }

  private async remove(key: string, slice: EndpointSlice): Promise<void> {
    try {
      await this.client.delete(this.resource, slice.metadata.name!, { namespace: slice.metadata.namespace, preconditions: { uid: slice.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.note(key, slice.metadata.name!, 'deleted');
  }
}
