import { isIPv4, isIPv6 } from 'node:net';
import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { dns1123Label, dns1123Subdomain, qualifiedName } from '../../validation/names.js';
import { validateLabels, validateObjectMeta } from '../../validation/object-meta.js';
import { ageColumn } from '../../validation/workload-columns.js';
import { arrayOf, asRecord } from '../../validation/workload-fields.js';
import { validateImmutable } from '../../validation/workload-validation.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 20000;
const maxTopologyLabels = 16;

/** discovery/v1 SetDefaults_EndpointPort: an unnamed port is named "", protocol TCP. */
function defaultEndpointSlice(obj: KubeObject): void {
  for (const p of arrayOf(obj.ports)) {
    const port = asRecord(p);
    if (!port) continue;
    if (port.name === undefined || port.name === null) port.name = '';
    if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
  }
}

/** ValidateNonSpecialIP: endpoints must be reachable addresses. */
function specialIPErrors(ip: string, path: string): FieldError[] {
  const v4 = isIPv4(ip);
  const lower = ip.toLowerCase();
  const firstOctets = v4 ? ip.split('.').map(Number) : [];
  if (v4 ? ip === '0.0.0.0' : /^[0:]+$/.test(lower)) return [field.invalid(path, ip, 'may not be unspecified (0.0.0.0, ::)')];
  if (v4 ? firstOctets[0] === 127 : lower === '::1') return [field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if (v4 ? firstOctets[0] === 169 && firstOctets[1] === 254 : /^fe[89ab]/.test(lower)) {
    return [field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  }
  if (v4 ? firstOctets[0] === 224 && firstOctets[1] === 0 && firstOctets[2] === 0 : /^ff02:/.test(lower)) {
    return [field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  }
  return [];
}

function validateAddress(address: unknown, addressType: unknown, path: string): FieldError[] {
  const a = typeof address === 'string' ? address : '';
  switch (addressType) {
    case 'IPv4':
      return isIPv4(a) ? specialIPErrors(a, path) : [field.invalid(path, a, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIPv6(a) ? specialIPErrors(a, path) : [field.invalid(path, a, 'must be a valid IPv6 address')];
    case 'FQDN': {
      if (a === '') return [field.required(path)];
      const errs = dns1123Subdomain(a).map((m) => field.invalid(path, a, m));
      if (errs.length === 0 && !a.includes('.')) errs.push(field.invalid(path, a, 'should be a domain with at least two segments separated by dots'));
      return errs;
    }
    default:
      // Unknown address types are reported on addressType; their addresses go unchecked.
      return [];
  }
}

function validateEndpoints(endpoints: unknown[], addressType: unknown): FieldError[] {
  if (endpoints.length > maxEndpoints) {
    return [{ type: 'FieldValueTooMany', field: 'endpoints', detail: `must have at most ${maxEndpoints} items`, value: endpoints.length }];
  }
  const errs: FieldError[] = [];
  endpoints.forEach((e, i) => {
    const ep = asRecord(e) ?? {};
    const p = `endpoints[${i}]`;
    const addresses = arrayOf(ep.addresses);
    if (addresses.length === 0) errs.push(field.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) {
      errs.push({ type: 'FieldValueTooMany', field: `${p}.addresses`, detail: `must have at most ${maxAddresses} items`, value: addresses.length });
    }
    addresses.forEach((a, j) => errs.push(...validateAddress(a, addressType, `${p}.addresses[${j}]`)));
    if (typeof ep.nodeName === 'string') for (const m of dns1123Subdomain(ep.nodeName)) errs.push(field.invalid(`${p}.nodeName`, ep.nodeName, m));
    const topology = asRecord(ep.deprecatedTopology);
    if (topology && Object.keys(topology).length > maxTopologyLabels) {
      errs.push({
        type: 'FieldValueTooMany',
        field: `${p}.deprecatedTopology`,
        detail: `must have at most ${maxTopologyLabels} items`,
        value: Object.keys(topology).length,
      });
    }
    errs.push(...validateLabels(ep.deprecatedTopology, `${p}.deprecatedTopology`));
    if (typeof ep.hostname === 'string') for (const m of dns1123Label(ep.hostname)) errs.push(field.invalid(`${p}.hostname`, ep.hostname, m));
  });
  return errs;
}

function validatePorts(ports: unknown[]): FieldError[] {
  if (ports.length > maxPorts) return [{ type: 'FieldValueTooMany', field: 'ports', detail: `must have at most ${maxPorts} items`, value: ports.length }];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = asRecord(raw) ?? {};
    const p = `ports[${i}]`;
    const name = typeof port.name === 'string' ? port.name : '';
    if (name !== '') for (const m of dns1123Label(name)) errs.push(field.invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
    else names.add(name);
    if (port.protocol === undefined || port.protocol === null) errs.push(field.required(`${p}.protocol`));
    else if (!protocols.includes(String(port.protocol))) errs.push(field.notSupported(`${p}.protocol`, port.protocol, protocols));
    if (typeof port.appProtocol === 'string') for (const m of qualifiedName(port.appProtocol)) errs.push(field.invalid(`${p}.appProtocol`, port.appProtocol, m));
  });
  return errs;
}

function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  const addressType = obj.addressType;
  if (addressType === undefined || addressType === null || addressType === '') errs.push(field.required('addressType'));
  else if (!addressTypes.includes(String(addressType))) errs.push(field.notSupported('addressType', addressType, addressTypes));
  errs.push(...validateEndpoints(arrayOf(obj.endpoints), addressType));
  errs.push(...validatePorts(arrayOf(obj.ports)));
  return errs;
}

function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateImmutable(obj.addressType, old.addressType, 'addressType')];
}

/** Up to `max` items joined by commas, then ` + N more...`; `<unset>` when empty. */
function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

export const endpointSlice = defineResource({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  schema: 'io.k8s.api.discovery.v1.EndpointSlice',
  strategy: { default: defaultEndpointSlice, validate: validateEndpointSlice, validateUpdate: validateEndpointSliceUpdate },
  printerColumns: [
    {
      name: 'AddressType',
      type: 'string',
      description:
        'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
      priority: 0,
      cell: (obj) => String(obj.addressType ?? ''),
    },
    {
      name: 'Ports',
      type: 'string',
      description:
        'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
      priority: 0,
      cell: (obj) =>
        listWithMore(
          arrayOf(obj.ports).map((raw) => {
            const port = asRecord(raw) ?? {};
            if (typeof port.port === 'number') return String(port.port);
            return typeof port.name === 'string' ? port.name : '*';
          }),
        ),
    },
    {
      name: 'Endpoints',
      type: 'string',
      description: 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
      priority: 0,
      cell: (obj) => listWithMore(arrayOf(obj.endpoints).flatMap((e) => arrayOf(asRecord(e)?.addresses).map(String))),
    },
    ageColumn,
  ],
});
