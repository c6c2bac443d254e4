import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';
import type { ApiClient } from '../../client/index.js';
import { parseSchedulerConfig } from '../config/parse-config.js';
import type { KubeSchedulerConfiguration } from '../config/types.js';
import type { ExplainRecord } from '../framework/explain.js';
import { Scheduler } from '../scheduler.js';
import { clusterObjectKinds, type ClusterObjectKinds } from '../snapshot/cluster-objects.js';
import { formatExplanation, type FormatOptions, type PodState } from './format-explanation.js';
import { nodesResource, objectResources, podsResource } from './resources.js';

export interface ExplainPodOptions extends FormatOptions {
  /** The scheduler configuration whose profiles to use (object or YAML text); the default profile otherwise. */
  config?: KubeSchedulerConfiguration | string;
}

export interface PodExplanation {
  record: ExplainRecord;
  state: PodState;
  text: string;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

/**
 * A dry run of the scheduler for one pod over a snapshot built from a fresh list of nodes, pods and the
 * objects plugins read: every Filter plugin's verdict on every node and the scores of the best nodes.
 * A placed pod is taken off its node first, so the answer says where it would go now and why.
 */
export async function explainPodRecord(client: ApiClient, namespace: string, name: string, topN = 10, opts: ExplainPodOptions = {}): Promise<PodExplanation> {
  const [target, nodes, pods, ...objects] = await Promise.all([
    client.get(podsResource, name, { namespace }),
    client.list(nodesResource),
    client.list(podsResource),
    ...clusterObjectKinds.map((k) => client.list(objectResources[k]).then((l) => l.items)),
  ]);
  const pod = target as unknown as Pod;
  const config = typeof opts.config === 'string' ? parseSchedulerConfig(opts.config) : opts.config;
  // No callbacks: the dry run binds nothing and writes nothing.
  const scheduler = new Scheduler({ config, explainCapacity: 0 });
  for (const n of nodes.items) scheduler.addNode(n as unknown as Node);
  clusterObjectKinds.forEach((kind, i) => {
    for (const o of objects[i] as KubeObject[]) scheduler.setObject(kind, o as unknown as ClusterObjectKinds[typeof kind]);
  });
  let snapshotPods = 0;
  const uid = target.metadata.uid;
  for (const p of pods.items as unknown as Pod[]) {
    if (!p.spec?.nodeName || TERMINAL.has(p.status?.phase ?? '')) continue;
    if ((uid && p.metadata?.uid === uid) || (p.metadata?.namespace === namespace && p.metadata?.name === name)) continue;
    scheduler.addPod(p);
    snapshotPods++;
  }
  const candidate = structuredClone(pod);
  if (candidate.spec) delete candidate.spec.nodeName;
  const record = scheduler.explainPod(candidate, topN);
  scheduler.stop();
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const state: PodState = {
    pod: `${namespace}/${name}`,
    phase: pod.status?.phase ?? 'Pending',
    nodeName: pod.spec?.nodeName || undefined,
    nominatedNodeName: pod.status?.nominatedNodeName || undefined,
    unschedulableReason: condition?.reason,
    unschedulableMessage: condition?.message,
    priority: pod.spec?.priority,
    snapshotPods,
  };
  return { record, state, text: formatExplanation(record, state, opts) };
}

/**
 * The text `wharf explain pod NAME -n NS` prints (see explainPodRecord).
 *
 * @example
 * process.stdout.write(await explainPod(client, 'default', 'web-0', 5));
 */
export async function explainPod(client: ApiClient, namespace: string, name: string, topN = 10, opts: ExplainPodOptions = {}): Promise<string> {
  return (await explainPodRecord(client, namespace, name, topN, opts)).text;
}
