import { field, type FieldError } from '../../errors.js';
import { timestampSince } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { num, rec, str, type JsonRecord } from '../../validation/json-access.js';
import { dns1123Subdomain, qualifiedName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

/**
 * core/v1 Events. Kubernetes validates them leniently for this API version (old clients write them):
 * the namespace must agree with the involved object, and events with `eventTime` (the newer shape)
 * must name their reporter, action and reason.
 */
function validateEvent(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  const involved = rec(obj.involvedObject) ?? {};
  const ns = obj.metadata.namespace ?? '';
  const involvedNs = str(involved.namespace);
  const mismatch = () => field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!str(obj.eventTime)) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(mismatch());
    } else if (ns !== involvedNs) errs.push(mismatch());
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const controller = str(obj.reportingComponent);
    if (!controller) errs.push(field.required('reportingController'));
    for (const m of qualifiedName(controller)) errs.push(field.invalid('reportingController', controller, m));
    const instance = str(obj.reportingInstance);
    if (!instance) errs.push(field.required('reportingInstance'));
    if (instance.length > 128) errs.push(field.invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = str(obj.action);
    if (!action) errs.push(field.required('action'));
    if (action.length > 128) errs.push(field.invalid('action', '', 'can have at most 128 characters'));
    const reason = str(obj.reason);
    if (!reason) errs.push(field.required('reason'));
    if (reason.length > 128) errs.push(field.invalid('reason', '', 'can have at most 128 characters'));
    if (str(obj.message).length > 1024) errs.push(field.invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of dns1123Subdomain(ns)) errs.push(field.invalid('namespace', ns, m));
  return errs;
}

interface EventTimes {
  first: string;
  last: string;
  count: number;
}

function eventTimes(o: KubeObject, now: number): EventTimes {
  const first = str(o.firstTimestamp) ? timestampSince(o.firstTimestamp, now) : timestampSince(o.eventTime, now);
  let last = str(o.lastTimestamp) ? timestampSince(o.lastTimestamp, now) : first;
  let count = num(o.count) ?? 0;
  const series = rec(o.series);
  if (series) {
    last = timestampSince(series.lastObservedTime, now);
    count = num(series.count) ?? 0;
  } else if (count === 0) {
    // Events of the newer API that happened once carry no count.
    count = 1;
  }
  return { first, last, count };
}

function involved(o: KubeObject): JsonRecord {
  return rec(o.involvedObject) ?? {};
}

/** `kind/name` of the involved object, lower-cased kind, as `kubectl get events` shows it. */
export function eventObjectCell(o: KubeObject): string {
  const inv = involved(o);
  const kind = str(inv.kind).toLowerCase();
  return str(inv.name) ? `${kind}/${str(inv.name)}` : kind;
}

/** The reporting component, then `, host` when known. */
export function eventSourceCell(o: KubeObject): string {
  const source = rec(o.source) ?? {};
  const component = str(source.component) || str(o.reportingComponent);
  const instance = str(source.host) || str(o.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

export const event = defineResource({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Event',
  shortNames: ['ev'],
  generation: false,
  strategy: {
    validate: validateEvent,
  },
  nameColumnLast: true,
  printerColumns: [
    {
      name: 'Last Seen',
      type: 'string',
      description: 'The time at which the most recent occurrence of this event was recorded.',
      priority: 0,
      cell: (o, now) => eventTimes(o, now).last,
    },
    { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning), new types could be added in the future', priority: 0, cell: (o) => str(o.type) },
    {
      name: 'Reason',
      type: 'string',
      description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      priority: 0,
      cell: (o) => str(o.reason),
    },
    { name: 'Object', type: 'string', description: 'The object that this event is about.', priority: 0, cell: eventObjectCell },
    {
      name: 'Subobject',
      type: 'string',
      description:
        'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
      priority: 1,
      cell: (o) => str(involved(o).fieldPath),
    },
    { name: 'Source', type: 'string', description: 'The component reporting this event. Should be a short machine understandable string.', priority: 1, cell: eventSourceCell },
    { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.', priority: 0, cell: (o) => str(o.message).trim() },
    {
      name: 'First Seen',
      type: 'string',
      description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      priority: 1,
      cell: (o, now) => eventTimes(o, now).first,
    },
    { name: 'Count', type: 'string', description: 'The number of times this event has occurred.', priority: 1, cell: (o, now) => eventTimes(o, now).count },
  ],
  selectableFields: {
    'involvedObject.kind': (o) => str(involved(o).kind),
    'involvedObject.namespace': (o) => str(involved(o).namespace),
    'involvedObject.name': (o) => str(involved(o).name),
    'involvedObject.uid': (o) => str(involved(o).uid),
    'involvedObject.apiVersion': (o) => str(involved(o).apiVersion),
    'involvedObject.resourceVersion': (o) => str(involved(o).resourceVersion),
    'involvedObject.fieldPath': (o) => str(involved(o).fieldPath),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str(rec(o.source)?.component) || str(o.reportingComponent),
    type: (o) => str(o.type),
  },
});
