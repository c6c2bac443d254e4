import { isIP } from 'node:net';
import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { portName, portNumber, portProtocols } from '../../validation/container-validation.js';
import { arr, num, rec, setDefault, str, type JsonRecord } from '../../validation/json-access.js';
import { dns1035Label, dns1123Label, dns1123Subdomain, qualifiedName } from '../../validation/names.js';
import { validateLabels, validateObjectMeta } from '../../validation/object-meta.js';
import { formatLabels } from './printer-helpers.js';

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const ipFamilies = ['IPv4', 'IPv6'];
const trafficPolicies = ['Cluster', 'Local'];
const invalidIP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function specOf(o: KubeObject): JsonRecord {
  return rec(o.spec) ?? {};
}

function isHeadless(spec: JsonRecord): boolean {
  return spec.clusterIP === 'None' || str(arr(spec.clusterIPs)[0]) === 'None';
}

function defaultService(obj: KubeObject): void {
  const spec = rec(obj.spec);
  if (!spec) return;
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const config = rec(spec.sessionAffinityConfig) ?? {};
    const clientIP = rec(config.clientIP) ?? {};
    setDefault(clientIP, 'timeoutSeconds', 10800);
    config.clientIP = clientIP;
    spec.sessionAffinityConfig = config;
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of arr(spec.ports)) {
    const port = rec(p);
    if (!port) continue;
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  const type = spec.type;
  if ((type === 'NodePort' || type === 'LoadBalancer') && !str(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (type !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (type === 'ExternalName') return;
  // clusterIP and clusterIPs[0] are one value; either fills the other.
  const ips = arr(spec.clusterIPs).map(str);
  if (str(spec.clusterIP) && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
  else if (!str(spec.clusterIP) && ips.length > 0) spec.clusterIP = ips[0];
  const first = str(spec.clusterIP);
  // A headless service without a selector has no addresses of its own, so it may span both families.
  if (first === 'None' && Object.keys(rec(spec.selector) ?? {}).length === 0) {
    setDefault(spec, 'ipFamilyPolicy', 'RequireDualStack');
    if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
    const families = arr(spec.ipFamilies).map(str);
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') spec.ipFamilies = [...families, families[0] === 'IPv6' ? 'IPv4' : 'IPv6'];
    return;
  }
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  if (arr(spec.ipFamilies).length === 0) spec.ipFamilies = [isIP(first) === 6 ? 'IPv6' : 'IPv4'];
}

function validatePorts(spec: JsonRecord, errs: FieldError[]): void {
  const ports = arr(spec.ports);
  const names = new Set<string>();
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((raw, i) => {
    const p = rec(raw) ?? {};
    const path = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(field.required(`${path}.name`));
    else if (name) {
      for (const m of dns1123Label(name)) errs.push(field.invalid(`${path}.name`, name, m));
      if (names.has(name)) errs.push(field.duplicate(`${path}.name`, name));
      names.add(name);
    }
    for (const m of portNumber(p.port)) errs.push(field.invalid(`${path}.port`, p.port ?? 0, m));
    const protocol = str(p.protocol);
    if (!protocol) errs.push(field.required(`${path}.protocol`));
    else if (!portProtocols.includes(protocol)) errs.push(field.notSupported(`${path}.protocol`, protocol, portProtocols));
    const target = p.targetPort;
    if (typeof target === 'string') for (const m of portName(target)) errs.push(field.invalid(`${path}.targetPort`, target, m));
    else for (const m of portNumber(target)) errs.push(field.invalid(`${path}.targetPort`, target ?? 0, m));
    if (p.appProtocol !== undefined && p.appProtocol !== null) {
      for (const m of qualifiedName(str(p.appProtocol))) errs.push(field.invalid(`${path}.appProtocol`, p.appProtocol, m));
    }
    const nodePort = num(p.nodePort) ?? 0;
    if (nodePort !== 0) {
      if (spec.type === 'ClusterIP') errs.push(field.forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      for (const m of portNumber(nodePort)) errs.push(field.invalid(`${path}.nodePort`, nodePort, m));
      const key = `${protocol}/${nodePort}`;
      if (seenNodePorts.has(key)) errs.push(field.duplicate(`${path}.nodePort`, nodePort));
      seenNodePorts.add(key);
    }
    const key = `${protocol}/${str(p.port) || p.port}`;
    if (seenPorts.has(key)) errs.push(field.duplicate(path, { port: p.port, protocol }));
    seenPorts.add(key);
    if (spec.type === 'LoadBalancer' && p.port === 10250) {
      errs.push(field.invalid(path, p.port, 'may not expose port 10250 externally since it is used by kubelet'));
    }
  });
}

function validateClusterIPs(spec: JsonRecord, errs: FieldError[]): void {
  const ips = arr(spec.clusterIPs).map(str);
  if (ips.length > 0 && ips[0] !== str(spec.clusterIP)) errs.push(field.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) errs.push(field.required('spec.ipFamilyPolicy'));
  else if (!ipFamilyPolicies.includes(str(spec.ipFamilyPolicy))) errs.push(field.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ipFamilyPolicies));
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(field.invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      return;
    }
    if (i === 0 && ip === '') return;
    if (isIP(ip) === 0) errs.push(field.invalid(`spec.clusterIPs[${i}]`, ip, invalidIP));
  });
  if (ips.length > 2) errs.push(field.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  const families = arr(spec.ipFamilies).map(str);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!ipFamilies.includes(f)) errs.push(field.notSupported(`spec.ipFamilies[${i}]`, f, ipFamilies));
    if (seen.has(f)) errs.push(field.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (families.length > 2) errs.push(field.invalid('spec.ipFamilies', families, 'may only hold up to 2 values'));
  if (spec.ipFamilyPolicy === 'SingleStack' && ips.filter((ip) => ip !== 'None' && ip !== '').length > 1) {
    errs.push(field.invalid('spec.clusterIPs', ips, 'must be exactly one value when `ipFamilyPolicy` is SingleStack'));
  }
}

function validateService(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true, dns1035Label);
  const spec = specOf(obj);
  const type = str(spec.type);
  const headless = isHeadless(spec);
  if (arr(spec.ports).length === 0 && !headless && type !== 'ExternalName') errs.push(field.required('spec.ports'));
  if (type === 'LoadBalancer' && headless) errs.push(field.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && headless) errs.push(field.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if (arr(spec.clusterIPs).length > 0 || str(spec.clusterIP)) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length > 0) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (!cname) errs.push(field.required('spec.externalName'));
    else for (const m of dns1123Subdomain(cname)) errs.push(field.invalid('spec.externalName', cname, m));
  }
  validatePorts(spec, errs);
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) errs.push(field.required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(field.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const timeout = num(rec(rec(rec(spec.sessionAffinityConfig)?.clientIP))?.timeoutSeconds) ?? 0;
    if (timeout <= 0 || timeout > 86400) {
      errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  if (type !== 'ExternalName') validateClusterIPs(spec, errs);
  arr(spec.externalIPs).forEach((ip, i) => {
    if (isIP(str(ip)) === 0) errs.push(field.invalid(`spec.externalIPs[${i}]`, ip, invalidIP));
  });
  if (!type) errs.push(field.required('spec.type'));
  else if (!serviceTypes.includes(type)) errs.push(field.notSupported('spec.type', type, serviceTypes));
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined && etp !== null && etp !== '') {
    if (type !== 'NodePort' && type !== 'LoadBalancer') errs.push(field.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
    else if (!trafficPolicies.includes(str(etp))) errs.push(field.notSupported('spec.externalTrafficPolicy', etp, trafficPolicies));
  } else if (type === 'NodePort' || type === 'LoadBalancer') {
    errs.push(field.required('spec.externalTrafficPolicy'));
  }
  const itp = spec.internalTrafficPolicy;
  if (type !== 'ExternalName') {
    if (itp === undefined || itp === null || itp === '') errs.push(field.required('spec.internalTrafficPolicy'));
    else if (!trafficPolicies.includes(str(itp))) errs.push(field.notSupported('spec.internalTrafficPolicy', itp, trafficPolicies));
  }
  const hc = num(spec.healthCheckNodePort) ?? 0;
  if (hc !== 0 && !(type === 'LoadBalancer' && etp === 'Local')) {
    errs.push(field.invalid('spec.healthCheckNodePort', hc, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  }
  return errs;
}

function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return errs;
  if (isHeadless(spec) && isHeadless(oldSpec)) return errs;
  const ips = arr(spec.clusterIPs).map(str);
  const oldIps = arr(oldSpec.clusterIPs).map(str);
  if (oldIps.length === ips.length) {
    oldIps.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(field.invalid(`spec.clusterIPs[${i}]`, ips, 'may not change once set'));
    });
  } else if (oldIps.length > ips.length) {
    if (ips.length === 0) errs.push(field.invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    else if (ips[0] !== oldIps[0]) errs.push(field.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(field.invalid('spec.clusterIPs[0]', ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIps.length > 0 && ips[0] !== oldIps[0]) {
    errs.push(field.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
  }
  const families = arr(spec.ipFamilies).map(str);
  const oldFamilies = arr(oldSpec.ipFamilies).map(str);
  if (oldFamilies.length > 0 && families.length > 0 && families[0] !== oldFamilies[0]) {
    errs.push(field.invalid('spec.ipFamilies[0]', families, 'may not change once set'));
  }
  return errs;
}

/**
 * On update, values the apiserver allocated (cluster IPs, node ports, health check port) carry over
 * when the writer leaves them out, as `kubectl apply` of the original manifest does.
 */
function carryAllocatedValues(obj: KubeObject, old: KubeObject): void {
  const spec = rec(obj.spec);
  const oldSpec = specOf(old);
  if (!spec || spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return;
  if (!str(spec.clusterIP) && arr(spec.clusterIPs).length === 0 && str(oldSpec.clusterIP)) {
    spec.clusterIP = oldSpec.clusterIP;
    spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (spec.type === oldSpec.type && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) {
    const oldPorts = arr(oldSpec.ports).map((p) => rec(p) ?? {});
    for (const p of arr(spec.ports)) {
      const port = rec(p);
      if (!port || port.nodePort) continue;
      const match = oldPorts.find((o) => o.port === port.port && str(o.protocol || 'TCP') === str(port.protocol || 'TCP'));
      if (match?.nodePort) port.nodePort = match.nodePort;
    }
  }
  if (spec.healthCheckNodePort === undefined && oldSpec.healthCheckNodePort !== undefined && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** LoadBalancer ingress addresses, sorted and joined; cut to 16 characters unless wide. */
function loadBalancerAddresses(o: KubeObject): string {
  const addrs = new Set<string>();
  for (const ing of arr(rec(rec(o.status)?.loadBalancer)?.ingress)) {
    const ip = str(rec(ing)?.ip);
    const host = str(rec(ing)?.hostname);
    if (ip) addrs.add(ip);
    else if (host) addrs.add(host);
  }
  return [...addrs].sort().join(',');
}

export function serviceExternalIP(o: KubeObject): string {
  const spec = specOf(o);
  const external = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      let lb = loadBalancerAddresses(o);
      if (lb.length > 16) lb = `${lb.slice(0, 13)}...`;
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

export function servicePorts(o: KubeObject): string {
  const pieces = arr(specOf(o).ports).map((p) => {
    const port = rec(p) ?? {};
    const nodePort = num(port.nodePort) ?? 0;
    return nodePort > 0 ? `${port.port}:${nodePort}/${str(port.protocol)}` : `${port.port}/${str(port.protocol)}`;
  });
  return pieces.length ? pieces.join(',') : '<none>';
}

export const service = defineResource({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Service',
  shortNames: ['svc'],
  categories: ['all'],
  subresources: { status: true, connect: ['proxy'] },
  generation: false,
  strategy: {
    prepare(obj, ctx) {
      if (ctx.old && ctx.subresource === undefined) carryAllocatedValues(obj, ctx.old);
    },
    default: defaultService,
    validate: validateService,
    validateUpdate: validateServiceUpdate,
  },
  printerColumns: [
    {
      name: 'Type',
      type: 'string',
      description:
        'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
      priority: 0,
      cell: (o) => str(specOf(o).type),
    },
    {
      name: 'Cluster-IP',
      type: 'string',
      description:
        'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
      priority: 0,
      cell: (o) => str(arr(specOf(o).clusterIPs)[0]) || '<none>',
    },
    {
      name: 'External-IP',
      type: 'string',
      description:
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
      priority: 0,
      cell: serviceExternalIP,
    },
    {
      name: 'Port(s)',
      type: 'string',
      description: 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
      priority: 0,
      cell: servicePorts,
    },
    ageColumn(),
    {
      name: 'Selector',
      type: 'string',
      description:
        'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
      priority: 1,
      cell: (o) => formatLabels(specOf(o).selector),
    },
  ],
});
