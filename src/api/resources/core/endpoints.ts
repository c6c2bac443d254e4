import { isIP } from 'node:net';
import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { portNumber, portProtocols } from '../../validation/container-validation.js';
import { arr, rec, setDefault, str } from '../../validation/json-access.js';
import { dns1123Label, dns1123Subdomain } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

function validateAddress(raw: unknown, path: string, errs: FieldError[]): void {
  const a = rec(raw) ?? {};
  const ip = str(a.ip);
  if (isIP(ip) === 0) errs.push(field.invalid(`${path}.ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  const hostname = str(a.hostname);
  if (hostname) for (const m of dns1123Label(hostname)) errs.push(field.invalid(`${path}.hostname`, hostname, m));
  const nodeName = str(a.nodeName);
  if (nodeName) for (const m of dns1123Subdomain(nodeName)) errs.push(field.invalid(`${path}.nodeName`, nodeName, m));
}

function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  arr(obj.subsets).forEach((raw, i) => {
    const s = rec(raw) ?? {};
    const path = `subsets[${i}]`;
    const addresses = arr(s.addresses);
    const notReady = arr(s.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(field.required(path, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => validateAddress(a, `${path}.addresses[${j}]`, errs));
    notReady.forEach((a, j) => validateAddress(a, `${path}.notReadyAddresses[${j}]`, errs));
    const ports = arr(s.ports);
    const names = new Set<string>();
    ports.forEach((rp, j) => {
      const p = rec(rp) ?? {};
      const pp = `${path}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && !name) errs.push(field.required(`${pp}.name`));
      else if (name) {
        for (const m of dns1123Label(name)) errs.push(field.invalid(`${pp}.name`, name, m));
        if (names.has(name)) errs.push(field.duplicate(`${pp}.name`, name));
        names.add(name);
      }
      for (const m of portNumber(p.port)) errs.push(field.invalid(`${pp}.port`, p.port ?? 0, m));
      const protocol = str(p.protocol);
      if (!protocol) errs.push(field.required(`${pp}.protocol`));
      else if (!portProtocols.includes(protocol)) errs.push(field.notSupported(`${pp}.protocol`, protocol, portProtocols));
    });
  });
  return errs;
}

/** Up to three `ip:port` endpoints, then `+ N more...` (Kubernetes' formatEndpoints). */
export function formatEndpoints(o: KubeObject): string {
  const subsets = arr(o.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const raw of subsets) {
    const s = rec(raw) ?? {};
    const addresses = arr(s.addresses).map((a) => str(rec(a)?.ip));
    const ports = arr(s.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        const host = ip.includes(':') ? `[${ip}]` : ip;
        list.push(`${host}:${String(rec(p)?.port ?? 0)}`);
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpoints = defineResource({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Endpoints',
  shortNames: ['ep'],
  singular: 'endpoints',
  generation: false,
  strategy: {
    default(obj) {
      for (const s of arr(obj.subsets)) for (const p of arr(rec(s)?.ports)) if (rec(p)) setDefault(rec(p)!, 'protocol', 'TCP');
    },
    validate: validateEndpoints,
  },
  printerColumns: [
    {
      name: 'Endpoints',
      type: 'string',
      description:
        'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
      priority: 0,
      cell: formatEndpoints,
    },
    ageColumn(),
  ],
});
