// Shared helpers for the client tests: a real Wharf API server on a real port, and polling.
import { ApiServer } from '../../src/apiserver/server.js';
import { ResourceRegistry, type KubeObject } from '../../src/api/index.js';
import { MemoryStore, type Store } from '../../src/storage/index.js';
import { ApiClient } from '../../src/client/api-client.js';
import type { Logger } from '../../src/client/informer.js';
import { resourceFor } from '../../src/client/resource-descriptor.js';

export const registry = new ResourceRegistry();
export const configMaps = resourceFor(registry, '', 'v1', 'configmaps');
export const pods = resourceFor(registry, '', 'v1', 'pods');
export const namespaces = resourceFor(registry, '', 'v1', 'namespaces');
export const nodes = resourceFor(registry, '', 'v1', 'nodes');
export const deployments = resourceFor(registry, 'apps', 'v1', 'deployments');
export const leases = resourceFor(registry, 'coordination.k8s.io', 'v1', 'leases');
export const events = resourceFor(registry, '', 'v1', 'events');

/** Swallows expected log lines (failed reconciles, broken streams) so test output stays readable. */
export const quiet: Logger = () => {};

export interface TestApi {
  server: ApiServer;
  store: Store;
  port: number;
  client: ApiClient;
  /** Stops the server only, keeping the store, so a new one can start on the same port. */
  stopServer(): Promise<void>;
  /** Starts a new server on the same store and port; `before` may write through it before it listens. */
  restartServer(before?: (server: ApiServer) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function startApi(component = 'test'): Promise<TestApi> {
  const store = new MemoryStore();
  let server = new ApiServer({ store });
  const port = await server.listen(0);
  const client = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, component, timeoutMs: 5000 });
  const api: TestApi = {
    server,
    store,
    port,
    client,
    async stopServer() {
      await server.close();
    },
    async restartServer(before) {
      server = new ApiServer({ store });
      api.server = server;
      await before?.(server);
      await server.listen(port);
    },
    async close() {
      client.close();
      await server.close();
      await store.close();
    },
  };
  return api;
}

export function configMap(name: string, data: Record<string, string> = { k: 'v' }, namespace = 'default', labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data };
}

/** The same Deployment builder as the apiserver tests use. */
export { deployment } from '../apiserver/fixtures.js';

export function pod(name: string, nodeName?: string, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  };
}

/** Polls until `check` returns true (or throws no more), failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
