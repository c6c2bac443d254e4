import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { event as coreEvent } from '../core/event.js';
import { dns1123Subdomain, qualifiedName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { asRecord, intOf, stringOf } from '../../validation/workload-fields.js';
import { validateImmutable } from '../../validation/workload-validation.js';

/**
 * events.k8s.io/v1 Event. Kubernetes stores these as core Events and validates the core shape, so
 * error paths name the core fields (`message` for `note`, `involvedObject` for `regarding`, `source`
 * for `deprecatedSource`...), which this file reproduces.
 */

const reportingInstanceLimit = 128;
const actionLimit = 128;
const reasonLimit = 128;
const noteLimit = 1024;

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

function validateEvent(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = obj.metadata.namespace ?? '';
  const regarding = asRecord(obj.regarding) ?? {};
  const controller = stringOf(obj.reportingController);
  const instance = stringOf(obj.reportingInstance);
  const action = stringOf(obj.action);
  const reason = stringOf(obj.reason);
  const note = stringOf(obj.note);
  if (isSet(obj.eventTime)) {
    if (!isSet(regarding.namespace) && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(field.invalid('involvedObject.namespace', regarding.namespace ?? '', 'does not match event.namespace'));
    }
    if (controller === '') errs.push(field.required('reportingController'));
    for (const m of qualifiedName(controller)) errs.push(field.invalid('reportingController', controller, m));
    if (instance === '') errs.push(field.required('reportingInstance'));
    if (instance.length > reportingInstanceLimit) errs.push(field.invalid('reportingInstance', '', `can have at most ${reportingInstanceLimit} characters`));
    if (action === '') errs.push(field.required('action'));
    if (action.length > actionLimit) errs.push(field.invalid('action', '', `can have at most ${actionLimit} characters`));
    if (reason === '') errs.push(field.required('reason'));
    if (reason.length > reasonLimit) errs.push(field.invalid('reason', '', `can have at most ${reasonLimit} characters`));
    if (note.length > noteLimit) errs.push(field.invalid('message', '', `can have at most ${noteLimit} characters`));
  }
  for (const m of dns1123Subdomain(namespace)) errs.push(field.invalid('namespace', namespace, m));

  // events.k8s.io adds strict rules on top of the core ones.
  errs.push(...validateObjectMeta(obj, true));
  const series = asRecord(obj.series);
  if (series) {
    if (intOf(series.count) < 2) errs.push(field.invalid('series.count', '', 'should be at least 2'));
    if (!isSet(series.lastObservedTime)) errs.push(field.required('series.lastObservedTime'));
  }
  if (!isSet(obj.eventTime)) errs.push(field.required('eventTime'));
  if (obj.type !== 'Normal' && obj.type !== 'Warning') errs.push(field.invalid('type', '', `has invalid value: ${stringOf(obj.type)}`));
  if (isSet(obj.deprecatedFirstTimestamp)) errs.push(field.invalid('firstTimestamp', '', 'needs to be unset'));
  if (isSet(obj.deprecatedLastTimestamp)) errs.push(field.invalid('lastTimestamp', '', 'needs to be unset'));
  if (intOf(obj.deprecatedCount) !== 0) errs.push(field.invalid('count', '', 'needs to be unset'));
  const source = asRecord(obj.deprecatedSource) ?? {};
  if (isSet(source.component) || isSet(source.host)) errs.push(field.invalid('source', '', 'needs to be unset'));
  return errs;
}

/** The events.k8s.io field behind each core field an update may not change. */
const immutable: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['reason', 'reason'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingController', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

function validateEventUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [v1, core] of immutable) errs.push(...validateImmutable(obj[v1], old[v1], core));
  return errs;
}

/**
 * The core/v1 fields behind an events.k8s.io/v1 Event's table cells: Kubernetes converts both versions to
 * the one internal Event and prints that, so the core table serves both.
 */
function asCoreEvent(obj: KubeObject): KubeObject {
  return {
    ...obj,
    involvedObject: obj.regarding,
    message: obj.note,
    source: obj.deprecatedSource,
    firstTimestamp: obj.deprecatedFirstTimestamp,
    lastTimestamp: obj.deprecatedLastTimestamp,
    count: obj.deprecatedCount,
    reportingComponent: obj.reportingController,
  };
}

export const eventV1 = defineResource({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  schema: 'io.k8s.api.events.v1.Event',
  shortNames: ['ev'],
  generation: false,
  strategy: { validate: validateEvent, validateUpdate: validateEventUpdate },
  nameColumnLast: true,
  printerColumns: coreEvent.printerColumns.map((c) => ({ ...c, cell: (obj, now) => c.cell(asCoreEvent(obj), now) })),
  selectableFields: {
    'regarding.kind': (obj) => stringOf(asRecord(obj.regarding)?.kind),
    'regarding.namespace': (obj) => stringOf(asRecord(obj.regarding)?.namespace),
    'regarding.name': (obj) => stringOf(asRecord(obj.regarding)?.name),
    'regarding.uid': (obj) => stringOf(asRecord(obj.regarding)?.uid),
    'regarding.apiVersion': (obj) => stringOf(asRecord(obj.regarding)?.apiVersion),
    'regarding.resourceVersion': (obj) => stringOf(asRecord(obj.regarding)?.resourceVersion),
    'regarding.fieldPath': (obj) => stringOf(asRecord(obj.regarding)?.fieldPath),
    reason: (obj) => stringOf(obj.reason),
    reportingController: (obj) => stringOf(obj.reportingController),
    source: (obj) => stringOf(asRecord(obj.deprecatedSource)?.component) || stringOf(obj.reportingController),
    type: (obj) => stringOf(obj.type),
  },
});

