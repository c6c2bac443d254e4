import type { PrinterColumn } from '../resource.js';
import type { KubeObject } from '../object.js';
import { formatLabelSelector } from './selector-format.js';
import { asRecord, arrayOf, stringOf } from './workload-fields.js';

/**
 * Printer columns shared by the workload kinds, with kube-apiserver's names, descriptions and cells
 * (pkg/printers/internalversion).
 */

/** Description of every AGE column: ObjectMeta.creationTimestamp's documentation. */
export const ageDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/**
 * apimachinery's duration.HumanDuration: two significant units at most, coarser as time grows
 * (`45s`, `3m12s`, `5h`, `2d3h`, `3y`). Kept here until a shared formatter exists.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
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
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince: the age of an RFC 3339 timestamp, `<unknown>` when absent. */
export function timestampSince(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: ageDescription,
  priority: 0,
  cell: (obj, now) => timestampSince(obj.metadata.creationTimestamp, now),
};

/** The pod template of a workload: `spec.template`, or `spec.jobTemplate.spec.template` for CronJobs. */
export type TemplateOf = (obj: KubeObject) => unknown;

export const specTemplate: TemplateOf = (obj) => asRecord(obj.spec)?.template;

/** layoutContainerCells: container names and images, comma-separated in template order. */
function containerCells(template: unknown): { names: string; images: string } {
  const containers = arrayOf(asRecord(asRecord(template)?.spec)?.containers).map((c) => asRecord(c) ?? {});
  return {
    names: containers.map((c) => stringOf(c.name)).join(','),
    images: containers.map((c) => stringOf(c.image)).join(','),
  };
}

export function containersColumn(templateOf: TemplateOf = specTemplate): PrinterColumn {
  return {
    name: 'Containers',
    type: 'string',
    description: 'Names of each container in the template.',
    priority: 1,
    cell: (obj) => containerCells(templateOf(obj)).names,
  };
}

export function imagesColumn(templateOf: TemplateOf = specTemplate): PrinterColumn {
  return {
    name: 'Images',
    type: 'string',
    description: 'Images referenced by each container in the template.',
    priority: 1,
    cell: (obj) => containerCells(templateOf(obj)).images,
  };
}

/** The wide SELECTOR column, formatted as metav1.FormatLabelSelector does. */
export function selectorColumn(description: string, selectorOf: (obj: KubeObject) => unknown = (o) => asRecord(o.spec)?.selector): PrinterColumn {
  return {
    name: 'Selector',
    type: 'string',
    description,
    priority: 1,
    cell: (obj) => formatLabelSelector(selectorOf(obj)),
  };
}

/** printBool / printBoolPtr: `True`, `False`, or `<unset>` for an absent value. */
export function printBool(v: unknown): string {
  if (v === undefined || v === null) return '<unset>';
  return v === true ? 'True' : 'False';
}
