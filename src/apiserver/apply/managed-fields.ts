import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';
import type { JsonObject } from '../../api/object.js';
import { deepEqual, isPlainObject } from '../../api/object.js';
import { FieldSet } from './field-set.js';
import { decodeFieldsV1Shared, encodeFieldsV1Shared, knownFieldsV1 } from './fields-v1.js';

export type { ManagedFieldsEntry };

/** One manager's ownership: the decoded form of a managedFields entry. */
export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/**
 * Managers keyed by identity: manager, operation and subresource, plus the apiVersion for Update
 * entries (an applier keeps one entry across versions; an updater gets one per version).
 */
export type ManagedFields = Map<string, ManagerFields>;

export function managerId(m: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // The same JSON shape upstream uses, so ids order identically when sorted.
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update' && m.apiVersion) id.apiVersion = m.apiVersion;
  if (m.subresource) id.subresource = m.subresource;
  if (!id.manager) delete id.manager;
  return JSON.stringify(id);
}

/** Thrown for a managedFields value that is not a valid list of entries. */
export class ManagedFieldsError extends Error {}

/**
 * Decodes `metadata.managedFields`; throws ManagedFieldsError with upstream's wording when malformed.
 * `reference` (the stored object's entries) only saves work: a request that echoes an entry back
 * unchanged gets the set already decoded for the stored one. The sets returned must not be changed.
 */
export function decodeManagedFields(entries: unknown, reference?: unknown): ManagedFields {
  const out: ManagedFields = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    if (!isPlainObject(raw)) throw new ManagedFieldsError(`managed fields entry ${i} must be an object`);
    const e = raw as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (typeof e.apiVersion !== 'string' || e.apiVersion.length < 1) throw new ManagedFieldsError('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    let set: FieldSet;
    try {
      set = sameAsReference(e.fieldsV1, reference, i) ?? decodeFieldsV1Shared(e.fieldsV1 ?? {});
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set from entry ${i}: ${(err as Error).message}`);
    }
    const m: ManagerFields = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      set,
    };
    if (e.subresource) m.subresource = e.subresource;
    if (e.time) m.time = e.time;
    out.set(managerId(m), m);
  });
  return out;
}

/** The stored entry's set when entry `i` of a request carries the same fieldsV1 (a fresh copy of it, typically). */
function sameAsReference(raw: unknown, reference: unknown, i: number): FieldSet | undefined {
  if (raw === undefined || !Array.isArray(reference)) return undefined;
  const known = knownFieldsV1(raw);
  if (known) return known;
  const ref: unknown = reference[i];
  if (!isPlainObject(ref)) return undefined;
  // Only a set that decoded before counts: then equal content decodes to an equal set, without error.
  const refSet = knownFieldsV1(ref.fieldsV1);
  return refSet && deepEqual(raw, ref.fieldsV1) ? refSet : undefined;
}

function seconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Encodes managers back to entries in kube-apiserver's order: Apply first, then oldest first. */
export function encodeManagedFields(managed: ManagedFields): ManagedFieldsEntry[] | undefined {
  if (managed.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managed.values()) {
    // Field order follows the API type, as clients that diff raw JSON expect.
    const e: ManagedFieldsEntry = {};
    if (m.manager) e.manager = m.manager;
    e.operation = m.operation;
    e.apiVersion = m.apiVersion;
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = encodeFieldsV1Shared(m.set) as JsonObject as ManagedFieldsEntry['fieldsV1'];
    if (m.subresource) e.subresource = m.subresource;
    entries.push(e);
  }
  const cmp = (a: string | undefined, b: string | undefined): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

/** `managedFields: []` or `[{}]` in a write asks to drop all tracking, as upstream allows. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isPlainObject(entries[0]) && Object.keys(entries[0]).length === 0;
}

/** The fields no manager ever owns: identity and bookkeeping set by the server. */
const STRIPPED: ReadonlyArray<readonly string[]> = [
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'creationTimestamp'],
  ['metadata', 'selfLink'],
  ['metadata', 'uid'],
  ['metadata', 'clusterName'],
  ['metadata', 'generation'],
  ['metadata', 'managedFields'],
  ['metadata', 'resourceVersion'],
];

export const strippedFields: FieldSet = FieldSet.of(...STRIPPED.map((p) => p.map((name) => ({ kind: 'field' as const, name }))));

/** The cap on Update entries before the oldest are folded into `ancient-changes`. */
export const MAX_UPDATE_MANAGERS = 10;

/** Folds the oldest Update entries into one `ancient-changes` entry per apiVersion beyond the cap. */
export function capUpdateManagers(managed: ManagedFields, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, m]) => m.operation === 'Update').map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => seconds(managed.get(a)!.time) - seconds(managed.get(b)!.time) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const m = managed.get(id)!;
    const bucket: ManagerFields = { manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion, set: m.set };
    const bucketId = managerId(bucket);
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    if (!managed.has(bucketId)) {
      const f = managed.get(first)!;
      managed.delete(first);
      managed.set(bucketId, { ...f, manager: 'ancient-changes', operation: 'Update', subresource: undefined });
    }
    const b = managed.get(bucketId)!;
    managed.set(bucketId, { ...b, set: m.set.union(b.set), time: m.time });
    managed.delete(id);
    length--;
  }
}
