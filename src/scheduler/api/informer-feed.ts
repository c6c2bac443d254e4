import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';
import { deletedObject, type Informer, type SharedInformerFactory } from '../../client/index.js';
import type { Scheduler } from '../scheduler.js';
import { podKey } from '../snapshot/pod-info.js';
import { clusterObjectKinds, type ClusterObjectKind, type ClusterObjectKinds } from '../snapshot/cluster-objects.js';
import { nodesResource, objectResources, podsResource } from './resources.js';

/** The informers that feed one scheduler. */
export interface SchedulerInformers {
  pods: Informer<KubeObject>;
  nodes: Informer<KubeObject>;
  objects: Map<ClusterObjectKind, Informer<KubeObject>>;
  /** Removes the scheduler's handlers: informers shared with other components outlive the scheduler. */
  detach(): void;
}

// Informer objects are the JSON the API returns; the core reads them through kubernetes-types.
const asPod = (o: KubeObject): Pod => o as unknown as Pod;
const asNode = (o: KubeObject): Node => o as unknown as Node;

/**
 * Connects informers to the scheduler: nodes and the objects plugins read go to the snapshot, pods to
 * the scheduler, which sends unassigned pods of its profiles to the queue, assigned ones to the snapshot
 * (confirming its own assumptions) and drops terminal ones.
 */
export function feedScheduler(factory: SharedInformerFactory, scheduler: Scheduler): SchedulerInformers {
  const registrations: { remove(): void }[] = [];
  const nodes = factory.informerFor(nodesResource);
  registrations.push(nodes.addEventHandler({
    onAdd: (n) => scheduler.addNode(asNode(n)),
    onUpdate: (old, n) => {
      if (old !== n) scheduler.updateNode(asNode(old), asNode(n));
    },
    onDelete: (n) => scheduler.removeNode(asNode(deletedObject(n))),
  }));
  const pods = factory.informerFor(podsResource);
  // A pod the scheduler has assumed on a node but whose binding the informer has not shown yet must not
  // go back to the queue: a re-list (or any late copy of the pending pod) would have it bound twice.
  const assumedPending = (p: KubeObject): boolean =>
    !(p.spec as { nodeName?: string } | undefined)?.nodeName && scheduler.snapshot.isAssumed(podKey(asPod(p)));
  registrations.push(pods.addEventHandler({
    onAdd: (p) => {
      if (!assumedPending(p)) scheduler.addPod(asPod(p));
    },
    onUpdate: (old, p) => {
      // Resyncs and re-lists repeat objects unchanged; the scheduler has nothing to learn from them.
      if (old === p || (old.metadata.resourceVersion && old.metadata.resourceVersion === p.metadata.resourceVersion)) return;
      if (assumedPending(p)) return;
      scheduler.updatePod(asPod(old), asPod(p));
    },
    onDelete: (p) => scheduler.removePod(asPod(deletedObject(p))),
  }));
  const objects = new Map<ClusterObjectKind, Informer<KubeObject>>();
  for (const kind of clusterObjectKinds) {
    const informer = factory.informerFor(objectResources[kind]);
    const as = (o: KubeObject) => o as unknown as ClusterObjectKinds[typeof kind];
    registrations.push(informer.addEventHandler({
      onAdd: (o) => scheduler.setObject(kind, as(o)),
      onUpdate: (old, o) => {
        if (old !== o) scheduler.setObject(kind, as(o), true);
      },
      onDelete: (o) => scheduler.deleteObject(kind, as(deletedObject(o))),
    }));
    objects.set(kind, informer);
  }
  return { pods, nodes, objects, detach: () => registrations.splice(0).forEach((r) => r.remove()) };
}
