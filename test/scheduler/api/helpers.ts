// Shared by the scheduler API tests: a real API server, nodes with zones and capacity, pods that ask for resources.
import type { KubeObject } from '../../../src/api/index.js';
import type { ApiClient } from '../../../src/client/index.js';
import { nodesResource, podsResource } from '../../../src/scheduler/api/resources.js';

export { startApi, eventually, quiet, type TestApi } from '../../client/fixtures.js';

export const events = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };
export const priorityClasses = { group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses', namespaced: false, kind: 'PriorityClass' };
export { nodesResource, podsResource };

export function nodeObject(name: string, zone: string, cpu = '4', memory = '32Gi', pods = '110'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } },
    spec: {},
    status: { capacity: { cpu, memory, pods }, allocatable: { cpu, memory, pods }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function podObject(name: string, opts: { cpu?: string; memory?: string; labels?: Record<string, string>; spec?: Record<string, unknown>; namespace?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', labels: opts.labels ?? {} },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: opts.cpu ?? '100m', memory: opts.memory ?? '500Mi' } } }],
      ...opts.spec,
    },
  };
}

export async function createNodes(client: ApiClient, nodes: KubeObject[]): Promise<void> {
  for (const n of nodes) await client.create(nodesResource, n);
}

export async function getPod(client: ApiClient, name: string, namespace = 'default'): Promise<KubeObject & { spec: { nodeName?: string }; status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; nominatedNodeName?: string } }> {
  return (await client.get(podsResource, name, { namespace })) as never;
}

export async function podEvents(client: ApiClient, podName: string, reason: string): Promise<KubeObject[]> {
  const list = await client.list(events, { namespace: 'default' });
  return list.items.filter((e) => (e.involvedObject as { name?: string }).name === podName && e.reason === reason);
}
