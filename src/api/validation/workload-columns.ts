import { ageColumn as sharedAgeColumn, humanDuration, timestampSince } from '../human-duration.js';
import type { PrinterColumn } from '../resource.js';
import type { KubeObject } from '../object.js';
import { formatLabelSelector } from './selector-format.js';
import { asRecord, arrayOf, intOf, specOf, statusOf, stringOf } from './workload-fields.js';

/**
 * Printer columns shared by the workload kinds, with kube-apiserver's names, descriptions and cells
 * (pkg/printers/internalversion).
 */

/** The AGE column, shared with every other kind. */
export const ageColumn: PrinterColumn = sharedAgeColumn();

export { humanDuration, timestampSince };

/** The READY column of Deployments and StatefulSets: ready replicas over desired ones (`2/3`). */
export const readyOfDesiredColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  description: 'Number of the pod with ready state',
  priority: 0,
  cell: (obj) => `${intOf(statusOf(obj).readyReplicas)}/${intOf(specOf(obj).replicas)}`,
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
