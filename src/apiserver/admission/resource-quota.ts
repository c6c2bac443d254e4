import { deepEqual, forbidden, type KubeObject } from '../../api/index.js';
import { arr, rec, str } from '../../api/validation/json-access.js';
import { evaluatorFor, evaluatorsForHard, type QuotaEvaluator } from './quota-evaluators.js';
import {
  addInto,
  formatResourceList,
  parseResourceList,
  prettyPrint,
  quantity,
  subtractNonNegative,
  type ResourceList,
} from './resource-list.js';
import type { AdmissionAttributes, ObjectLister, QuotaStatus, QuotaStatusWriter } from './types.js';
import { admissionName } from './types.js';

/**
 * Usage admitted but not yet visible in the lister. The watch caches see a write only once it commits, so
 * without these two creates admitted back to back would both be measured against the same usage.
 */
interface Charge {
  group: string;
  plural: string;
  namespace: string;
  /** The object's name; for generateName creates the prefix. */
  name: string;
  generated: boolean;
  /** Names with the prefix already listed when the charge was made: none of them is this object. */
  seen: Set<string>;
  /** For updates: the stored resourceVersion the update replaces. */
  oldResourceVersion?: string;
  usage: ResourceList;
  expires: number;
}

/** How long a charge waits for its object to appear before it is assumed never stored (failed validation, dry run). */
const chargeLifetimeMs = 10_000;

export interface ResourceQuotaOptions {
  list: ObjectLister;
  updateStatus?: QuotaStatusWriter;
  now?: () => number;
}

function hardOf(quota: KubeObject): ResourceList {
  return parseResourceList(rec(quota.spec)?.hard);
}

function scopesOf(quota: KubeObject): string[] {
  const spec = rec(quota.spec) ?? {};
  const scopes = arr(spec.scopes).map(str);
  for (const e of arr(rec(spec.scopeSelector)?.matchExpressions)) {
    if (str(rec(e)?.operator) === 'Exists') scopes.push(str(rec(e)?.scopeName));
  }
  return scopes;
}

function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) {
    const v = list.get(n);
    if (v) out.set(n, v);
  }
  return out;
}

/**
 * ResourceQuota admission: a create (or a growing update) is refused when it would take a namespace past
 * any of its quotas, and each quota's `status.used` follows what the namespace holds.
 */
export class ResourceQuotaAdmission {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly charges: Charge[] = [];
  private readonly list: ObjectLister;
  private readonly updateStatus: QuotaStatusWriter | undefined;
  private readonly now: () => number;

  constructor(opts: ResourceQuotaOptions) {
    this.list = opts.list;
    this.updateStatus = opts.updateStatus;
    this.now = opts.now ?? Date.now;
  }

  /** Runs `fn` after every earlier quota decision in the namespace has finished. */
  private serialize<T>(namespace: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(namespace) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(() => undefined, () => undefined);
    this.locks.set(namespace, tail);
    void tail.then(() => {
      if (this.locks.get(namespace) === tail) this.locks.delete(namespace);
    });
    return run;
  }

  private handles(a: AdmissionAttributes, evaluator: QuotaEvaluator): boolean {
    if (a.subresource || !a.def.namespaced || !a.namespace) return false;
    if (a.operation === 'CREATE') return true;
    return a.operation === 'UPDATE' && evaluator.handlesUpdate;
  }

  async admit(a: AdmissionAttributes): Promise<void> {
    const evaluator = evaluatorFor(a.def.group, a.def.plural);
    if (!this.handles(a, evaluator)) return;
    const namespace = a.namespace!;
    await this.serialize(namespace, () => this.check(a, evaluator, namespace));
  }

  private async quotas(namespace: string): Promise<KubeObject[]> {
    return [...(await this.list('', 'resourcequotas', namespace))].sort((x, y) => (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''));
  }

  private async check(a: AdmissionAttributes, evaluator: QuotaEvaluator, namespace: string): Promise<void> {
    const quotas = await this.quotas(namespace);
    if (quotas.length === 0) return;
    const now = this.now();
    const name = admissionName(a.obj);
    const interesting: { quota: KubeObject; hard: ResourceList; restricted: string[] }[] = [];
    for (const quota of quotas) {
      const hard = hardOf(quota);
      const restricted = evaluator.matching([...hard.keys()]);
      if (restricted.length === 0 || !evaluator.matchesScopes(scopesOf(quota), a.obj)) continue;
      const problem = evaluator.constraints?.(restricted, a.obj);
      if (problem) throw forbidden({ group: a.def.group, resource: a.def.plural }, name, `failed quota: ${quota.metadata.name}: ${problem}`);
      interesting.push({ quota, hard, restricted });
    }
    if (interesting.length === 0) return;

    let delta = evaluator.usage(a.obj, now);
    const negative = [...delta].filter(([, q]) => q.nanos < 0n).map(([k]) => k).sort();
    if (negative.length > 0) {
      throw forbidden({ group: a.def.group, resource: a.def.plural }, name, `quota usage is negative for resource(s): ${negative.join(',')}`);
    }
    if (a.operation === 'UPDATE' && a.old) delta = subtractNonNegative(delta, evaluator.usage(a.old, now));
    if ([...delta.values()].every((q) => q.nanos === 0n)) return;

    const statuses: { quota: KubeObject; status: QuotaStatus }[] = [];
    for (const { quota, hard } of interesting) {
      const used = await this.usage(namespace, quota, hard, now);
      const requested = mask(delta, hard.keys());
      const next = new Map(used);
      addInto(next, requested);
      const exceeded = [...requested.keys()].filter((k) => next.get(k)!.nanos > hard.get(k)!.nanos).sort();
      if (exceeded.length > 0) {
        throw forbidden(
          { group: a.def.group, resource: a.def.plural },
          name,
          `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
        );
      }
      statuses.push({ quota, status: { hard: formatResourceList(hard), used: formatResourceList(next) } });
    }

    await this.charge(a, evaluator, namespace, delta, now);
    for (const { quota, status } of statuses) await this.writeStatus(quota, status);
  }

  private async charge(a: AdmissionAttributes, evaluator: QuotaEvaluator, namespace: string, usage: ResourceList, now: number): Promise<void> {
    const generated = !a.obj.metadata.name && a.operation === 'CREATE';
    const name = generated ? a.obj.metadata.generateName ?? '' : a.obj.metadata.name ?? '';
    const seen = new Set<string>();
    if (generated) {
      for (const o of await this.list(evaluator.group, evaluator.plural, namespace)) {
        if (o.metadata.name?.startsWith(name)) seen.add(o.metadata.name);
      }
    }
    const same = (c: Charge) => c.group === evaluator.group && c.plural === evaluator.plural && c.namespace === namespace && c.name === name && !c.generated;
    // At most one create or update of one name can succeed: a retry (or a dry run followed by the real
    // write) replaces the earlier charge instead of adding to it.
    if (!generated) {
      const i = this.charges.findIndex(same);
      if (i >= 0) this.charges.splice(i, 1);
    }
    this.charges.push({
      group: evaluator.group,
      plural: evaluator.plural,
      namespace,
      name,
      generated,
      seen,
      oldResourceVersion: a.operation === 'UPDATE' ? a.old?.metadata.resourceVersion : undefined,
      usage,
      expires: now + chargeLifetimeMs,
    });
  }

  /** The usage of one kind in a namespace: listed objects plus charges their objects do not show yet. */
  private async kindUsage(namespace: string, evaluator: QuotaEvaluator, scopes: string[], now: number): Promise<ResourceList> {
    let objects: KubeObject[] = [];
    try {
      objects = await this.list(evaluator.group, evaluator.plural, namespace);
    } catch {
      // A kind the server does not serve has no objects.
    }
    const total: ResourceList = new Map();
    for (const o of objects) if (evaluator.matchesScopes(scopes, o)) addInto(total, evaluator.usage(o, now));
    const byName = new Map(objects.map((o) => [o.metadata.name ?? '', o]));
    for (let i = 0; i < this.charges.length; i++) {
      const c = this.charges[i];
      if (c.group !== evaluator.group || c.plural !== evaluator.plural || c.namespace !== namespace) continue;
      if (c.expires < now || this.landed(c, objects, byName)) {
        this.charges.splice(i--, 1);
        continue;
      }
      addInto(total, c.usage);
    }
    return total;
  }

  /** Whether a charge's write now shows in the lister (or can no longer happen). */
  private landed(c: Charge, objects: KubeObject[], byName: Map<string, KubeObject>): boolean {
    if (c.oldResourceVersion !== undefined) return byName.get(c.name)?.metadata.resourceVersion !== c.oldResourceVersion;
    if (!c.generated) return byName.has(c.name);
    const fresh = objects.map((o) => o.metadata.name ?? '').find((n) => n.startsWith(c.name) && !c.seen.has(n));
    if (!fresh) return false;
    // This object is the charge's; later charges of the same prefix must not claim it again.
    for (const other of this.charges) if (other !== c && other.generated && other.name === c.name) other.seen.add(fresh);
    return true;
  }

  /** A quota's usage: every kind its hard names count, masked to those names. */
  private async usage(namespace: string, quota: KubeObject, hard: ResourceList, now: number): Promise<ResourceList> {
    const names = [...hard.keys()];
    const used: ResourceList = new Map(names.map((n) => [n, quantity(0)]));
    const scopes = scopesOf(quota);
    for (const evaluator of evaluatorsForHard(names)) {
      const kind = await this.kindUsage(namespace, evaluator, scopes, now);
      addInto(used, mask(kind, names));
    }
    // Zero stays in the format the hard limit is written in, so `0` reads as Kubernetes prints it.
    for (const n of names) if (used.get(n)!.nanos === 0n) used.set(n, { nanos: 0n, format: hard.get(n)!.format });
    return used;
  }

  private async writeStatus(quota: KubeObject, status: QuotaStatus): Promise<void> {
    if (!this.updateStatus) return;
    const current = rec(quota.status);
    if (deepEqual(current?.hard ?? {}, status.hard) && deepEqual(current?.used ?? {}, status.used)) return;
    try {
      await this.updateStatus(quota.metadata.namespace ?? '', quota.metadata.name ?? '', status);
    } catch (e) {
      // The next resync writes it again; the admission decision does not depend on the stored status.
      console.error(`wharf admission: updating quota ${quota.metadata.namespace}/${quota.metadata.name} status failed:`, e);
    }
  }

  /** Recomputes and writes the status of every quota in a namespace (after deletes, new quotas, or periodically). */
  async resync(namespace: string): Promise<void> {
    await this.serialize(namespace, async () => {
      const now = this.now();
      for (const quota of await this.quotas(namespace)) {
        const hard = hardOf(quota);
        const used = await this.usage(namespace, quota, hard, now);
        await this.writeStatus(quota, { hard: formatResourceList(hard), used: formatResourceList(used) });
      }
    });
  }

  /** Every namespace that has a quota. */
  async resyncAll(): Promise<void> {
    const all = await this.list('', 'resourcequotas', undefined);
    for (const ns of new Set(all.map((q) => q.metadata.namespace ?? ''))) await this.resync(ns);
  }
}
