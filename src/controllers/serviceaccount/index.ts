import { isAlreadyExists, isNotFound, type KubeObject } from '../../api/index.js';
import { controllerFor, type ApiClient, type Manager, type ResourceDescriptor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';

/** `manager.settings.serviceaccount`. */
export interface ServiceAccountSettings {
  /** The cluster CA (PEM) published to every namespace as the `kube-root-ca.crt` ConfigMap; none when absent. */
  rootCaPem?: string;
  workers?: number;
}

const rootCaConfigMap = 'kube-root-ca.crt';
const rootCaDescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Creates `obj` unless it exists; someone else creating it first is success. */
async function ensure(client: ApiClient, r: ResourceDescriptor, exists: boolean, obj: KubeObject): Promise<void> {
  if (exists) return;
  try {
    await client.create(r, obj);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/**
 * Every active namespace gets a `default` ServiceAccount and, when the cluster has a CA, the
 * `kube-root-ca.crt` ConfigMap that pods' token volumes mount — Kubernetes' service account and root CA
 * publisher controllers in one. Level-triggered: a deleted account or ConfigMap comes back.
 */
export const serviceAccountController: ControllerEntry = {
  name: 'serviceaccount',
  setup(manager: Manager) {
    const settings = (manager.settings.serviceaccount ?? {}) as ServiceAccountSettings;
    const namespaces = manager.resource('', 'v1', 'namespaces');
    const serviceAccounts = manager.resource('', 'v1', 'serviceaccounts');
    const configMaps = manager.resource('', 'v1', 'configmaps');
    const nsInformer = manager.informers.informerFor(namespaces);
    const saInformer = manager.informers.informerFor(serviceAccounts);
    const cmInformer = manager.informers.informerFor(configMaps);
    const toNamespace = (obj: KubeObject): string[] => (obj.metadata.namespace ? [obj.metadata.namespace] : []);
    const controller = controllerFor(manager.informers, namespaces)
      .named('serviceaccount-controller')
      .watches(serviceAccounts, (obj) => (obj.metadata.name === 'default' ? toNamespace(obj) : []))
      .watches(configMaps, (obj) => (obj.metadata.name === rootCaConfigMap ? toNamespace(obj) : []))
      .complete(
        {
          reconcile: async (key) => {
            const ns = nsInformer.store.get(key);
            if (!ns || ns.metadata.deletionTimestamp) return;
            const name = ns.metadata.name!;
            try {
              await ensure(manager.client, serviceAccounts, Boolean(saInformer.store.getByName(name, 'default')), {
                apiVersion: 'v1',
                kind: 'ServiceAccount',
                metadata: { name: 'default', namespace: name },
              });
              if (settings.rootCaPem) {
                await ensure(manager.client, configMaps, Boolean(cmInformer.store.getByName(name, rootCaConfigMap)), {
                  apiVersion: 'v1',
                  kind: 'ConfigMap',
                  metadata: { name: rootCaConfigMap, namespace: name, annotations: { 'kubernetes.io/description': rootCaDescription } },
                  data: { 'ca.crt': settings.rootCaPem },
                });
              }
            } catch (e) {
              // The namespace went away or is terminating: nothing to publish.
              if (isNotFound(e) || (e instanceof Error && /being terminated/.test(e.message))) return;
              throw e;
            }
          },
        },
        { workers: settings.workers ?? 2, logger: manager.logger },
      );
    manager.add({ name: 'serviceaccount', start: (signal) => controller.start(signal) });
  },
};
