import type { PrinterColumn } from './resource.js';
import type { KubeObject } from './object.js';
import { rfc3339 } from './rfc3339.js';

/**
 * Kubernetes' human-readable durations (`5s`, `3m12s`, `2d3h`), as `kubectl get` shows in AGE and
 * similar columns: coarser as the duration grows, with at most two units.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to two seconds in the future still reads as "now": clocks of different machines drift.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24);
    const d = days % 365;
    return d === 0 ? `${Math.trunc(days / 365)}y` : `${Math.trunc(days / 365)}y${d}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** The age of an RFC 3339 timestamp at `now` (ms since epoch); `<unknown>` when there is none. */
export function timestampSince(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t) || t <= 0) return '<unknown>';
  return humanDuration(now - t);
}

export const creationTimestampDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The AGE column every kind's table shows: the object's age from `metadata.creationTimestamp`. */
export function ageColumn(): PrinterColumn {
  return {
    name: 'Age',
    type: 'string',
    description: creationTimestampDescription,
    priority: 0,
    cell: (obj: KubeObject, now: number) => timestampSince(obj.metadata.creationTimestamp, now),
  };
}

/**
 * The CREATED AT column of kinds that print only when they were created (Roles, ClusterRoles,
 * LimitRanges): RFC 3339 UTC to the second.
 */
export const createdAtColumn: PrinterColumn = {
  name: 'Created At',
  type: 'date',
  description: creationTimestampDescription,
  priority: 0,
  cell: (obj: KubeObject) => {
    const t = typeof obj.metadata.creationTimestamp === 'string' ? Date.parse(obj.metadata.creationTimestamp) : NaN;
    // Go prints a zero time for an object that has none.
    return Number.isNaN(t) ? '0001-01-01T00:00:00Z' : rfc3339(t);
  },
};
