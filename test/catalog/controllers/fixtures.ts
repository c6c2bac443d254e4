// Shared helpers for the catalog controllers' tests: a real API server with the catalog controllers, an
// example broker registered as a ClusterServiceBroker, and quick retry and poll timings.
import { startExampleBroker, type ExampleBroker, type ExampleBrokerOptions } from '../../../src/catalog/brokers/index.js';
import { catalogBindingController } from '../../../src/catalog/controllers/binding/index.js';
import { catalogBrokerController } from '../../../src/catalog/controllers/broker/index.js';
import { catalogInstanceController } from '../../../src/catalog/controllers/instance/index.js';
import { resourceFor } from '../../../src/client/index.js';
import type { KubeObject } from '../../../src/api/index.js';
import { eventually, registry, startCluster, type Cluster } from '../../controllers/fixtures.js';

export { eventually };

const sc = (plural: string) => resourceFor(registry, 'servicecatalog.k8s.io', 'v1beta1', plural);
export const cr = {
  clusterServiceBrokers: sc('clusterservicebrokers'),
  serviceBrokers: sc('servicebrokers'),
  clusterServiceClasses: sc('clusterserviceclasses'),
  serviceClasses: sc('serviceclasses'),
  clusterServicePlans: sc('clusterserviceplans'),
  servicePlans: sc('serviceplans'),
  serviceInstances: sc('serviceinstances'),
  serviceBindings: sc('servicebindings'),
  secrets: resourceFor(registry, '', 'v1', 'secrets'),
  events: resourceFor(registry, '', 'v1', 'events'),
};

export interface CatalogEnv {
  cluster: Cluster;
  broker: ExampleBroker;
  close(): Promise<void>;
}

/** Fast timings so backoff and polling show within a test. */
export const fastSettings = { catalog: { retryBaseMs: 200, retryMaxMs: 1000, pollIntervalMs: 100, maxPollIntervalMs: 2000, requestTimeoutMs: 2000 } };

export async function startCatalog(brokerOpts: ExampleBrokerOptions = {}, catalogSettings: Record<string, number> = {}): Promise<CatalogEnv> {
  const broker = await startExampleBroker(brokerOpts);
  const settings = { catalog: { ...fastSettings.catalog, ...catalogSettings } };
  const cluster = await startCluster([catalogBrokerController, catalogInstanceController, catalogBindingController], settings);
  return {
    cluster,
    broker,
    async close() {
      await cluster.close();
      await broker.close();
    },
  };
}

export function clusterBroker(name: string, url: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ClusterServiceBroker', metadata: { name }, spec: { url, ...spec } };
}

export function instance(name: string, plan = 'small', spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'servicecatalog.k8s.io/v1beta1',
    kind: 'ServiceInstance',
    metadata: { name, namespace: 'default' },
    spec: { clusterServiceClassExternalName: 'example-db', clusterServicePlanExternalName: plan, ...spec },
  };
}

export function binding(name: string, instanceName: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ServiceBinding', metadata: { name, namespace: 'default' }, spec: { instanceRef: { name: instanceName }, ...spec } };
}

interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export function condition(obj: KubeObject | undefined, type: string): Cond | undefined {
  return ((obj?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

export function statusOf(obj: KubeObject): Record<string, unknown> {
  return (obj.status ?? {}) as Record<string, unknown>;
}

/** Waits for the object's condition to reach `status` (and `reason`, when given). */
export async function waitCondition(env: CatalogEnv, r: (typeof cr)[keyof typeof cr], name: string, type: string, status: string, reason?: string, timeoutMs = 20_000): Promise<KubeObject> {
  let last: KubeObject | undefined;
  try {
    return await eventually(
      async () => {
        last = await env.cluster.client.get(r, name, { namespace: r.namespaced ? 'default' : undefined });
        const c = condition(last, type);
        return c && c.status === status && (!reason || c.reason === reason) ? last : undefined;
      },
      timeoutMs,
      `${name} ${type}=${status}${reason ? ` (${reason})` : ''}`,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
}

/** Registers the example broker and waits for its classes and plans. */
export async function registerBroker(env: CatalogEnv, name = 'example', spec: Record<string, unknown> = {}): Promise<void> {
  await env.cluster.client.create(cr.clusterServiceBrokers, clusterBroker(name, env.broker.url, spec));
  await waitCondition(env, cr.clusterServiceBrokers, name, 'Ready', 'True');
  await eventually(async () => (await env.cluster.client.list(cr.clusterServicePlans)).items.length >= 2, 10_000, 'plans');
}

/** Events about one object, newest last. */
export async function eventsFor(env: CatalogEnv, name: string, namespace = 'default'): Promise<{ reason: string; message: string; type: string }[]> {
  const list = await env.cluster.client.list(cr.events, { namespace });
  return list.items
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => ({ reason: String(e.reason), message: String(e.message), type: String(e.type) }));
}
