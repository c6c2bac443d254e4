// A real API server with a controller manager running some of the workload controllers, and helpers to
// play the node agent's part (marking pods Running, Ready, Succeeded or Failed through pods/status).
import { isConflict, ResourceRegistry, type KubeObject } from '../../../src/api/index.js';
import { ControllerManager, resourceFor, type ApiClient } from '../../../src/client/index.js';
import type { ControllerEntry } from '../../../src/controllers/index.js';
import { eventually, quiet, startApi, type TestApi } from '../../client/fixtures.js';

export { eventually };

const registry = new ResourceRegistry();
export const r = {
  pods: resourceFor(registry, '', 'v1', 'pods'),
  nodes: resourceFor(registry, '', 'v1', 'nodes'),
  events: resourceFor(registry, '', 'v1', 'events'),
  claims: resourceFor(registry, '', 'v1', 'persistentvolumeclaims'),
  statefulSets: resourceFor(registry, 'apps', 'v1', 'statefulsets'),
  daemonSets: resourceFor(registry, 'apps', 'v1', 'daemonsets'),
  controllerRevisions: resourceFor(registry, 'apps', 'v1', 'controllerrevisions'),
  jobs: resourceFor(registry, 'batch', 'v1', 'jobs'),
  cronJobs: resourceFor(registry, 'batch', 'v1', 'cronjobs'),
};

export interface Harness {
  api: TestApi;
  client: ApiClient;
  manager: ControllerManager;
  close(): Promise<void>;
}

/** Runs controllers against an existing API server until `stop()`: a "process" that can crash and restart. */
export function runManager(client: ApiClient, entries: ControllerEntry[], settings: Record<string, unknown> = {}): { manager: ControllerManager; stop(): Promise<void> } {
  const manager = new ControllerManager({ client, registry, logger: quiet, settings });
  for (const e of entries) e.setup(manager);
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  return {
    manager,
    async stop() {
      abort.abort();
      await running;
      await manager.informers.stop();
    },
  };
}

export async function startControllers(entries: ControllerEntry[], settings: Record<string, unknown> = {}): Promise<Harness> {
  const api = await startApi('workload-test');
  const run = runManager(api.client, entries, settings);
  return {
    api,
    client: api.client,
    manager: run.manager,
    async close() {
      await run.stop();
      await api.close();
    },
  };
}

export async function listPods(client: ApiClient, namespace = 'default'): Promise<KubeObject[]> {
  const list = await client.list(r.pods, { namespace });
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

export type PodOutcome = 'Running' | 'Ready' | 'NotReady' | 'Succeeded' | 'Failed';

/** Writes a pod's status as a kubelet would, retrying on conflicts. */
export async function setPodStatus(client: ApiClient, pod: KubeObject | string, outcome: PodOutcome, extra: Record<string, unknown> = {}, namespace = 'default'): Promise<void> {
  const name = typeof pod === 'string' ? pod : (pod.metadata.name ?? '');
  const ns = typeof pod === 'string' ? namespace : (pod.metadata.namespace ?? namespace);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (;;) {
    const cur = await client.get(r.pods, name, { namespace: ns });
    const phase = outcome === 'Ready' || outcome === 'NotReady' ? 'Running' : outcome;
    const ready = outcome === 'Ready' ? 'True' : 'False';
    const containers = ((cur.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => ({
      name: c.name,
      ready: outcome === 'Ready',
      restartCount: 0,
      image: 'x',
      imageID: '',
      state:
        outcome === 'Succeeded' || outcome === 'Failed'
          ? { terminated: { exitCode: outcome === 'Succeeded' ? 0 : 1, reason: outcome === 'Succeeded' ? 'Completed' : 'Error', finishedAt: now } }
          : { running: { startedAt: now } },
    }));
    const status = {
      ...(cur.status as object),
      phase,
      conditions: [{ type: 'Ready', status: ready, lastTransitionTime: now }],
      containerStatuses: containers,
      ...extra,
    };
    try {
      await client.updateStatus(r.pods, { ...cur, status });
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}

export function condition(obj: KubeObject, type: string): Record<string, unknown> | undefined {
  const conds = (obj.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === type);
}

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
