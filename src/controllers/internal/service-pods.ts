import { labelSelectorFromObject, type KubeObject, type LabelSelector } from '../../api/index.js';
import { objectKey, type Informer, type MapFunc } from '../../client/index.js';
import type { ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.js';
import type { Pod } from './types.js';

export type Service = KubeObject & { spec?: ServiceSpec };

/** A Service's pod selector, or undefined when it has none (selector-less Services get no endpoints from controllers). */
export function serviceSelector(svc: Service): LabelSelector | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return labelSelectorFromObject({ matchLabels: sel });
}

/** The pods of the Service's namespace its selector picks. */
export function podsForService(pods: Informer<Pod>, svc: Service): Pod[] {
  const sel = serviceSelector(svc);
  if (!sel) return [];
  return pods.store.byIndex('namespace', svc.metadata.namespace ?? '').filter((p) => sel.matches(p.metadata.labels));
}

/** Maps a pod to the Services in its namespace whose selectors pick it. */
export function servicesForPod(services: Informer<Service>): MapFunc {
  return (pod) =>
    services.store
      .byIndex('namespace', pod.metadata.namespace ?? '')
      .filter((svc) => serviceSelector(svc)?.matches(pod.metadata.labels))
      .map((svc) => objectKey(svc));
}

/**
 * Whether a pod belongs in a Service's endpoints at all: it has an IP, has not finished, and (unless
 * terminating endpoints are wanted) is not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** The container port a Service port targets on this pod: a number as is, a name looked up in the pod's containers. */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

export type IpFamily = 'IPv4' | 'IPv6';

export const familyOf = (ip: string): IpFamily => (ip.includes(':') ? 'IPv6' : 'IPv4');

/** The pod's IPs, primary first. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => Boolean(ip));
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

/** The Service's IP families: as set, else the cluster IP's, else IPv4. */
export function serviceFamilies(svc: Service): IpFamily[] {
  const fams = (svc.spec?.ipFamilies ?? []).filter((f): f is IpFamily => f === 'IPv4' || f === 'IPv6');
  if (fams.length > 0) return fams;
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None') return [familyOf(ip)];
  return ['IPv4'];
}

/** The pod IP the Endpoints of a Service use: the first of the Service's primary family. */
export function podIPForService(pod: Pod, svc: Service): string | undefined {
  const ips = podIPs(pod);
  const want = serviceFamilies(svc)[0];
  return ips.find((ip) => familyOf(ip) === want);
}

/** A pod's hostname becomes its endpoint's when the pod names this Service as its subdomain. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return Boolean(pod.spec?.hostname) && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/** The labels controllers give a Service's Endpoints and EndpointSlices: the Service's, plus the headless mark. */
export function endpointLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  else delete labels['service.kubernetes.io/headless'];
  return labels;
}
