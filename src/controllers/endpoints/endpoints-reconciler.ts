import { isAlreadyExists, isNotFound, type KubeObject } from '../../api/index.js';
import type { EndpointAddress, EndpointPort, EndpointSubset } from 'kubernetes-types/core/v1.js';
import type { ApiClient, Informer, MapFunc, ReconcileResult, Reconciler, ResourceDescriptor } from '../../client/index.js';
import { splitKey } from '../../client/index.js';
import { retryConflicts } from '../internal/conflicts.js';
import { canonicalJson, semanticEqual } from '../internal/semantic-equal.js';
import { isPodReady } from '../internal/pod-util.js';
import {
  endpointLabels,
  findPort,
  podIPForService,
  podsForService,
  serviceSelector,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  type Service,
} from '../internal/service-pods.js';
import type { Pod } from '../internal/types.js';

type Endpoints = KubeObject & { subsets?: EndpointSubset[] };

/** Leader-election records live in Endpoints annotations; such objects are not a Service's endpoints. */
const leaderAnnotation = 'control-plane.alpha.kubernetes.io/leader';

/** The address of a pod in a Service's Endpoints. */
function addressFor(pod: Pod, svc: Service, ip: string): EndpointAddress {
  const a: EndpointAddress = { ip, targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid } };
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, svc)) a.hostname = pod.spec!.hostname;
  return a;
}

function portKey(p: EndpointPort): string {
  return `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}/${a.targetRef?.uid ?? ''}`;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * Packs (address, readiness, port) triples into subsets as Kubernetes' RepackSubsets: ports offered by
 * exactly the same addresses share a subset; addresses, ports and subsets come out in a stable order.
 */
export function repackSubsets(entries: { address: EndpointAddress; ready: boolean; port?: EndpointPort }[]): EndpointSubset[] {
  // port -> address key -> [address, ready]
  const byPort = new Map<string, { port?: EndpointPort; addrs: Map<string, { address: EndpointAddress; ready: boolean }> }>();
  for (const e of entries) {
    const pk = e.port ? portKey(e.port) : '<none>';
    let slot = byPort.get(pk);
    if (!slot) byPort.set(pk, (slot = { port: e.port, addrs: new Map() }));
    slot.addrs.set(addressKey(e.address), { address: e.address, ready: e.ready });
  }
  // address set -> ports
  const groups = new Map<string, { addrs: { address: EndpointAddress; ready: boolean }[]; ports: EndpointPort[] }>();
  for (const slot of byPort.values()) {
    const addrs = [...slot.addrs.values()];
    const key = addrs.map((a) => `${addressKey(a.address)}:${a.ready}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs, ports: [] }));
    if (slot.port) g.ports.push(slot.port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const subset: EndpointSubset = {};
    const ready = g.addrs.filter((a) => a.ready).map((a) => a.address).sort(compareAddresses);
    const notReady = g.addrs.filter((a) => !a.ready).map((a) => a.address).sort(compareAddresses);
    if (ready.length > 0) subset.addresses = ready;
    if (notReady.length > 0) subset.notReadyAddresses = notReady;
    if (g.ports.length > 0) subset.ports = g.ports.sort((a, b) => (portKey(a) < portKey(b) ? -1 : portKey(a) > portKey(b) ? 1 : 0));
    subsets.push(subset);
  }
  return subsets.sort((a, b) => {
    const ka = canonicalJson(a);
    const kb = canonicalJson(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** The subsets a Service's selected pods give: ready addresses, not-ready ones, per resolved port. */
export function subsetsFor(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const entries: { address: EndpointAddress; ready: boolean; port?: EndpointPort }[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIPForService(pod, svc);
    if (!ip) continue;
    const address = addressFor(pod, svc, ip);
    const ready = publishNotReady || isPodReady(pod);
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) {
      // Headless Services may have no ports at all; their addresses still count.
      if (svc.spec?.clusterIP === 'None') entries.push({ address, ready });
      continue;
    }
    for (const sp of ports) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      const port: EndpointPort = { port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) port.name = sp.name;
      if (sp.appProtocol) port.appProtocol = sp.appProtocol;
      entries.push({ address, ready, port });
    }
  }
  return repackSubsets(entries);
}

/**
 * Keeps each selector Service's Endpoints (same name) listing its pods, as Kubernetes' endpoints
 * controller: ready pods under `addresses`, others under `notReadyAddresses`, ports resolved per pod.
 * Endpoints of Services that are gone are deleted; selector-less Services are left to their owners.
 */
export class EndpointsReconciler implements Reconciler {
  constructor(
    private readonly client: ApiClient,
    private readonly services: Informer<Service>,
    private readonly pods: Informer<Pod>,
    private readonly endpoints: Informer<Endpoints>,
    private readonly resource: ResourceDescriptor,
  ) {}

  /** Endpoints changes map back to the Service only while one with a selector exists (to undo edits). */
  readonly endpointsToService: MapFunc = (ep) => {
    const svc = this.services.store.getByName(ep.metadata.namespace, ep.metadata.name!);
    return svc && serviceSelector(svc) ? [`${ep.metadata.namespace}/${ep.metadata.name}`] : [];
  };

  reconcile(key: string): Promise<ReconcileResult | void> {
    return retryConflicts(() => this.sync(key));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.store.get(key);
    const current = this.endpoints.store.get(key);
    if (!svc) {
      if (current && !current.metadata.annotations?.[leaderAnnotation]) {
        try {
          await this.client.delete(this.resource, name, { namespace, preconditions: { uid: current.metadata.uid } });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      return;
    }
    if (!serviceSelector(svc)) return;
    const subsets = subsetsFor(svc, podsForService(this.pods, svc));
    const labels = endpointLabels(svc);
    if (current && semanticEqual(current.subsets ?? [], subsets) && semanticEqual(current.metadata.labels ?? {}, labels)) return;
    if (!current) {
      const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
      try {
        await this.client.create(this.resource, ep);
      } catch (e) {
        // Someone made it meanwhile; the informer brings it and the next pass updates it.
        if (!isAlreadyExists(e)) throw e;
        throw new Error(`endpoints ${key} appeared while being created; retrying`);
      }
      return;
    }
    const next: Endpoints = { ...current, metadata: { ...current.metadata, labels }, subsets };
    await this.client.update(this.resource, next);
  }
}
