import { arr, rec } from './json-access.js';
import { parseQuantity } from './quantity.js';

/**
 * A pod's quality-of-service class as Kubernetes computes it from cpu and memory: Guaranteed when every
 * container limits both and requests equal limits, BestEffort when nothing is requested or limited,
 * Burstable otherwise. A request left out while its limit is set counts as the limit (the defaulter
 * copies it), so the class is the same before and after defaulting.
 */
export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = ['cpu', 'memory'];

export function podQOSClass(spec: unknown): QOSClass {
  const s = rec(spec) ?? {};
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const add = (m: Map<string, bigint>, k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
  for (const c of [...arr(s.containers), ...arr(s.initContainers)]) {
    const res = rec(rec(c)?.resources) ?? {};
    const reqs = rec(res.requests) ?? {};
    const lims = rec(res.limits) ?? {};
    const limited = new Set<string>();
    for (const name of qosResources) {
      const raw = reqs[name] ?? lims[name];
      const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantity(raw) : undefined;
      if (q && q.nanos > 0n) add(requests, name, q.nanos);
      const rawLim = lims[name];
      const l = typeof rawLim === 'string' || typeof rawLim === 'number' ? parseQuantity(rawLim) : undefined;
      if (l && l.nanos > 0n) {
        limited.add(name);
        add(limits, name, l.nanos);
      }
    }
    if (!limited.has('cpu') || !limited.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
