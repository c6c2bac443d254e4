import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { arr, rec, str } from '../../validation/json-access.js';
import { validateLabelName } from '../../validation/label-selector-validation.js';
import { labelValue } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { canonicalizeResourceList } from '../../validation/pod-spec-defaults.js';
import { validateResourceQuantity } from '../../validation/resource-requirements.js';
import { taintEffects } from '../../validation/scheduling-validation.js';
import { immutable } from '../../validation/data-keys.js';

function validateTaints(taints: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(taints).forEach((raw, i) => {
    const t = rec(raw) ?? {};
    const p = `spec.taints[${i}]`;
    errs.push(...validateLabelName(str(t.key), `${p}.key`));
    const value = str(t.value);
    const msgs = labelValue(value);
    if (msgs.length) errs.push(field.invalid(`${p}.value`, value, msgs.join(';')));
    const effect = str(t.effect);
    if (!effect) errs.push(field.required(`${p}.effect`));
    else if (!taintEffects.includes(effect)) errs.push(field.notSupported(`${p}.effect`, effect, taintEffects));
    const key = `${str(t.key)}:${effect}`;
    if (seen.has(key)) errs.push(field.duplicate(p, 'taints must be unique by key and effect pair'));
    seen.add(key);
  });
  return errs;
}

function validateNode(obj: KubeObject): FieldError[] {
  const spec = rec(obj.spec) ?? {};
  const status = rec(obj.status) ?? {};
  const errs = validateObjectMeta(obj, false);
  errs.push(...validateTaints(spec.taints));
  const cidrs = arr(spec.podCIDRs).map(str);
  if (cidrs.length > 2) errs.push(field.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  cidrs.forEach((c, i) => {
    if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(c)) errs.push(field.invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (str(spec.podCIDR) && cidrs.length > 0 && cidrs[0] !== spec.podCIDR) {
    errs.push(field.invalid('spec.podCIDRs', cidrs, 'the first element must match `podCIDR`'));
  }
  for (const list of ['capacity', 'allocatable']) {
    for (const [name, raw] of Object.entries(rec(status[list]) ?? {})) validateResourceQuantity(name, raw, `status.${list}[${name}]`, errs);
  }
  return errs;
}

function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(obj.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs: FieldError[] = [];
  const oldCidrs = arr(oldSpec.podCIDRs);
  if (oldCidrs.length > 0 && JSON.stringify(oldCidrs) !== JSON.stringify(arr(spec.podCIDRs))) {
    errs.push(field.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(oldSpec.providerID) && spec.providerID !== oldSpec.providerID) {
    errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (str(oldSpec.externalID) && spec.externalID !== oldSpec.externalID) errs.push(immutable('spec.externalID', spec.externalID));
  return errs;
}

function nodeAddress(o: KubeObject, type: string): string {
  const found = arr(rec(o.status)?.addresses).find((a) => rec(a)?.type === type);
  return str(rec(found)?.address) || '<none>';
}

/** Ready, NotReady or Unknown, then SchedulingDisabled when cordoned. */
export function nodeStatusCell(o: KubeObject): string {
  const parts: string[] = [];
  const ready = arr(rec(o.status)?.conditions).find((c) => rec(c)?.type === 'Ready');
  if (ready) parts.push(rec(ready)?.status === 'True' ? 'Ready' : 'NotReady');
  else parts.push('Unknown');
  if (rec(o.spec)?.unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` label keys and the legacy `kubernetes.io/role` value. */
export function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeInfo(o: KubeObject, key: string, fallback = '<unknown>'): string {
  return str(rec(rec(o.status)?.nodeInfo)?.[key]) || fallback;
}

export const node = defineResource({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
  schema: 'io.k8s.api.core.v1.Node',
  shortNames: ['no'],
  subresources: { status: true, connect: ['proxy'] },
  generation: false,
  keepsStatusOnCreate: true,
  strategy: {
    default(obj) {
      const status = rec(obj.status);
      if (!status) return;
      canonicalizeResourceList(status.capacity);
      canonicalizeResourceList(status.allocatable);
      // Allocatable defaults to the whole capacity.
      if (status.allocatable === undefined && rec(status.capacity)) status.allocatable = { ...rec(status.capacity) };
    },
    validate: validateNode,
    validateUpdate: validateNodeUpdate,
  },
  printerColumns: [
    { name: 'Status', type: 'string', description: 'The status of the node', priority: 0, cell: nodeStatusCell },
    { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0, cell: nodeRoles },
    ageColumn(),
    { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', priority: 0, cell: (o) => nodeInfo(o, 'kubeletVersion', '') },
    {
      name: 'Internal-IP',
      type: 'string',
      description:
        "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
      priority: 1,
      cell: (o) => nodeAddress(o, 'InternalIP'),
    },
    {
      name: 'External-IP',
      type: 'string',
      description:
        "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
      priority: 1,
      cell: (o) => nodeAddress(o, 'ExternalIP'),
    },
    {
      name: 'OS-Image',
      type: 'string',
      description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      priority: 1,
      cell: (o) => nodeInfo(o, 'osImage'),
    },
    {
      name: 'Kernel-Version',
      type: 'string',
      description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      priority: 1,
      cell: (o) => nodeInfo(o, 'kernelVersion'),
    },
    {
      name: 'Container-Runtime',
      type: 'string',
      description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      priority: 1,
      cell: (o) => nodeInfo(o, 'containerRuntimeVersion'),
    },
  ],
  selectableFields: {
    'spec.unschedulable': (o) => String(rec(o.spec)?.unschedulable === true),
  },
});
