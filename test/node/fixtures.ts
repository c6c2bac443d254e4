// Helpers for node agent and node controller tests: pods to bind by hand (no scheduler runs here).
import type { KubeObject } from '../../src/api/index.js';
import type { ApiClient } from '../../src/client/index.js';
import { pods } from '../client/fixtures.js';

export interface PodOptions {
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  tolerations?: Record<string, unknown>[];
  containers?: string[];
}

export function simPod(name: string, o: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', ...(o.annotations ? { annotations: o.annotations } : {}), ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      containers: (o.containers ?? ['c']).map((c) => ({ name: c, image: 'nginx:1.27' })),
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
      ...(o.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: o.terminationGracePeriodSeconds } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    },
  };
}

/** Binds a pod to a node through the binding subresource, as the scheduler would. */
export async function bind(client: ApiClient, name: string, node: string, namespace = 'default'): Promise<void> {
  await client.request('POST', `/api/v1/namespaces/${namespace}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });
}

/** Creates and binds a pod. */
export async function createBound(client: ApiClient, pod: KubeObject, node: string): Promise<KubeObject> {
  const created = await client.create(pods, pod);
  await bind(client, pod.metadata.name!, node, pod.metadata.namespace);
  return created;
}

export async function getPod(client: ApiClient, name: string, namespace = 'default'): Promise<KubeObject> {
  return client.get(pods, name, { namespace });
}

export function phaseOf(pod: KubeObject): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}

export function conditionOf(obj: KubeObject, type: string): { status: string; reason?: string; message?: string } | undefined {
  return ((obj.status as { conditions?: { type: string; status: string; reason?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

/** Resolves true once the pod is gone from the API. */
export async function isGone(client: ApiClient, name: string, namespace = 'default'): Promise<boolean> {
  try {
    await getPod(client, name, namespace);
    return false;
  } catch (e) {
    if ((e as { reason?: string }).reason === 'NotFound') return true;
    throw e;
  }
}
