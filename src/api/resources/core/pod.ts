import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { arr, rec, str, type JsonRecord } from '../../validation/json-access.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { podQOSClass } from '../../validation/pod-qos.js';
import { defaultPodOnlyFields, defaultPodSpec } from '../../validation/pod-spec-defaults.js';
import { validatePodSpec } from '../../validation/pod-spec.js';
import { validatePodUpdate } from '../../validation/pod-update.js';
import { podIP, readinessGatesCell, summarizePod } from './pod-printer.js';

/** Priorities of the built-in PriorityClasses, which priority admission resolves without a lookup. */
const builtinPriorities: Record<string, number> = {
  'system-cluster-critical': 2000000000,
  'system-node-critical': 2000001000,
};

function defaultPod(obj: KubeObject): void {
  const spec = rec(obj.spec);
  if (spec) {
    defaultPodSpec(spec);
    defaultPodOnlyFields(spec);
    // Priority admission: no class means priority 0; a built-in class its fixed value.
    const className = str(spec.priorityClassName);
    if (spec.priority === undefined || spec.priority === null) {
      if (!className) spec.priority = 0;
      else if (className in builtinPriorities) spec.priority = builtinPriorities[className];
    }
    if (spec.priority !== undefined && (spec.preemptionPolicy === undefined || spec.preemptionPolicy === null)) {
      spec.preemptionPolicy = 'PreemptLowerPriority';
    }
  }
  // The v1 API carries both the single and the plural IP fields; either fills the other.
  const status = rec(obj.status);
  if (status) {
    for (const [one, many] of [['podIP', 'podIPs'], ['hostIP', 'hostIPs']] as const) {
      if (str(status[one]) && arr(status[many]).length === 0) status[many] = [{ ip: status[one] }];
      else if (!str(status[one]) && arr(status[many]).length > 0) status[one] = str(rec(arr(status[many])[0])?.ip);
    }
  }
}

/** Bound to a node and not finished: the node must stop it before it can go. */
function runningOnNode(obj: KubeObject): boolean {
  const nodeName = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  return Boolean(nodeName) && phase !== 'Succeeded' && phase !== 'Failed';
}

export const pod = defineResource({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Pod',
  shortNames: ['po'],
  categories: ['all'],
  subresources: { status: true, binding: true, log: true, eviction: true, connect: ['exec', 'attach', 'portforward', 'proxy'] },
  generation: false,
  strategy: {
    prepare(obj, ctx) {
      if (ctx.subresource === 'delete') return;
      if (!ctx.old) {
        obj.status = { phase: 'Pending', qosClass: podQOSClass(obj.spec) };
        return;
      }
      // The QoS class is fixed at creation; a status writer that leaves it out keeps it.
      const status = rec(obj.status);
      const oldQos = rec(ctx.old.status)?.qosClass;
      if (status && status.qosClass === undefined && oldQos !== undefined) status.qosClass = oldQos;
    },
    default: defaultPod,
    validate(obj) {
      return [...validateObjectMeta(obj, true), ...validatePodSpec(obj.spec, 'spec')];
    },
    // A pod its node runs is stopped there first: it gets its termination grace period (or the client's)
    // and stays until the node confirms. Unbound and finished pods go at once.
    deletionGracePeriod(obj, requested) {
      if (!runningOnNode(obj)) return 0;
      const spec = obj.spec as { terminationGracePeriodSeconds?: number };
      return Math.max(0, requested ?? obj.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30);
    },
    deletionBlocked(obj) {
      return runningOnNode(obj) && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
    },
    validateUpdate: validatePodUpdate,
  },
  printerColumns: [
    {
      name: 'Ready',
      type: 'string',
      description: 'The aggregate readiness state of this pod for accepting traffic.',
      priority: 0,
      cell: (o, now) => summarizePod(o, now).ready,
    },
    {
      name: 'Status',
      type: 'string',
      description: 'The aggregate status of the containers in this pod.',
      priority: 0,
      cell: (o, now) => summarizePod(o, now).status,
    },
    {
      name: 'Restarts',
      type: 'string',
      description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      priority: 0,
      cell: (o, now) => summarizePod(o, now).restarts,
    },
    ageColumn(),
    {
      name: 'IP',
      type: 'string',
      description: 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      priority: 1,
      cell: (o) => podIP(o),
    },
    {
      name: 'Node',
      type: 'string',
      description:
        'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.',
      priority: 1,
      cell: (o) => str(rec(o.spec)?.nodeName) || '<none>',
    },
    {
      name: 'Nominated Node',
      type: 'string',
      description:
        'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      priority: 1,
      cell: (o) => str(rec(o.status)?.nominatedNodeName) || '<none>',
    },
    {
      name: 'Readiness Gates',
      type: 'string',
      description:
        'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      priority: 1,
      cell: (o) => readinessGatesCell(o),
    },
  ],
  selectableFields: {
    'spec.nodeName': (o) => str(specOf(o).nodeName),
    'spec.restartPolicy': (o) => str(specOf(o).restartPolicy),
    'spec.schedulerName': (o) => str(specOf(o).schedulerName),
    'spec.serviceAccountName': (o) => str(specOf(o).serviceAccountName),
    'spec.hostNetwork': (o) => String(specOf(o).hostNetwork === true),
    'status.phase': (o) => str(rec(o.status)?.phase),
    'status.podIP': (o) => str(rec(arr(rec(o.status)?.podIPs)[0])?.ip) || str(rec(o.status)?.podIP),
    'status.nominatedNodeName': (o) => str(rec(o.status)?.nominatedNodeName),
  },
});

function specOf(o: KubeObject): JsonRecord {
  return rec(o.spec) ?? {};
}
