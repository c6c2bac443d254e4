import type { Container, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/index.js';
import { parseQuantity, type Quantity } from '../../../api/validation/quantity.js';
import { ContainerConfigError } from './pod-resources.js';

/** What the downward API can tell a pod beyond its object: its IPs and the node's allocatable resources. */
export interface DownwardContext {
  podIP: string;
  hostIP: string;
  /** The node's allocatable resources (`cpu`, `memory`, `ephemeral-storage`): a limit that is not set reads as these. */
  nodeAllocatable: Record<string, string>;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `k="v"` lines sorted by key, as the downward API writes labels and annotations. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k])}`)
    .join('\n');
}

/** A `fieldRef.fieldPath`'s value; `forVolume` allows the whole labels and annotations maps. */
export function fieldRefValue(pod: KubeObject, fieldPath: string, ctx: DownwardContext, forVolume = false): string {
  const md = pod.metadata;
  const spec = (pod.spec ?? {}) as { nodeName?: string; serviceAccountName?: string };
  const sub = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (sub) return (sub[1] === 'labels' ? md.labels : md.annotations)?.[sub[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'spec.nodeName':
      return spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return spec.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'metadata.labels':
      if (forVolume) return formatMap(md.labels);
      break;
    case 'metadata.annotations':
      if (forVolume) return formatMap(md.annotations);
      break;
  }
  throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * A `resourceFieldRef`'s value, as kubelet computes it: the container's limit (the node's allocatable
 * when none is set) or request, divided by the divisor and rounded up.
 */
export function resourceFieldRefValue(pod: KubeObject, ref: ResourceFieldSelector, ctx: DownwardContext, defaultContainer?: string): string {
  const name = ref.containerName || defaultContainer;
  const containers = [...(((pod.spec ?? {}) as { containers?: Container[] }).containers ?? []), ...(((pod.spec ?? {}) as { initContainers?: Container[] }).initContainers ?? [])];
  const c = containers.find((x) => x.name === name);
  if (!c) throw new ContainerConfigError(`container ${name ?? ''} not found`);
  const [kind, resource] = ref.resource.split(/\.(.*)/s);
  if ((kind !== 'limits' && kind !== 'requests') || !['cpu', 'memory', 'ephemeral-storage'].includes(resource ?? '')) throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
  const set = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[resource];
  let q: Quantity | undefined = set === undefined ? undefined : parseQuantity(set);
  if (!q && kind === 'limits') q = parseQuantity(ctx.nodeAllocatable[resource] ?? '0');
  const amount = q?.nanos ?? 0n;
  const divisor = parseQuantity(ref.divisor ?? '1')?.nanos ?? 1_000_000_000n;
  if (divisor <= 0n) throw new ContainerConfigError(`invalid divisor ${String(ref.divisor)}`);
  return String(ceilDiv(amount, divisor));
}
