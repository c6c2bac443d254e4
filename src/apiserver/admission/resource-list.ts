import { formatQuantity, parseQuantity, type Quantity } from '../../api/validation/quantity.js';
import { rec } from '../../api/validation/json-access.js';

/** A parsed ResourceList (`{cpu: 500m, memory: 1Gi}`): exact quantities by resource name. */
export type ResourceList = Map<string, Quantity>;

/** Parses a JSON ResourceList; entries that are not quantities are left out (validation reports them). */
export function parseResourceList(raw: unknown): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of Object.entries(rec(raw) ?? {})) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const q = parseQuantity(v);
    if (q) out.set(k, q);
  }
  return out;
}

export function quantity(n: number | bigint): Quantity {
  return { nanos: BigInt(n) * 1_000_000_000n, format: 'DecimalSI' };
}

/** a + b, keeping the first operand's format unless it is zero, as Kubernetes' Quantity.Add does. */
export function addQuantities(a: Quantity | undefined, b: Quantity): Quantity {
  if (!a) return { ...b };
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** Adds every entry of `b` into `a` (in place). */
export function addInto(a: ResourceList, b: ResourceList): void {
  for (const [k, v] of b) a.set(k, addQuantities(a.get(k), v));
}

/** Sets each entry of `a` to the larger of it and `b`'s. */
export function maxInto(a: ResourceList, b: ResourceList): void {
  for (const [k, v] of b) {
    const cur = a.get(k);
    if (!cur || v.nanos > cur.nanos) a.set(k, { ...v });
  }
}

/** a - b per entry of `a`, never below zero (quota charges the growth of an update, not its shrinking). */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    const nanos = other ? v.nanos - other.nanos : v.nanos;
    out.set(k, { nanos: nanos > 0n ? nanos : 0n, format: v.format });
  }
  return out;
}

export function formatResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...list.keys()].sort()) out[k] = formatQuantity(list.get(k)!);
  return out;
}

/** `key=value,key=value` sorted by key, as quota errors print resource lists. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()].sort().map((k) => `${k}=${formatQuantity(list.get(k)!)}`).join(',');
}
