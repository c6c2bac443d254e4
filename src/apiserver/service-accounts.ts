import { isAlreadyExists, isNotFound, type KubeObject } from '../api/index.js';
import { handleTokenRequest, tokenRequestBoundObjectRef } from './authn/index.js';
import type { ResourceStore } from './resource-store.js';

export interface TokenIssuer {
  privateKeyPem: string;
  issuer: string;
}

/**
 * Every namespace gets a `default` ServiceAccount (and, when the cluster has a CA, the
 * `kube-root-ca.crt` ConfigMap pods mount with their token), as Kubernetes' service account and root CA
 * publisher controllers do. Level-triggered: on start it fills in what every namespace lacks.
 */
export class ServiceAccountPublisher {
  constructor(
    private readonly namespaces: ResourceStore,
    private readonly serviceAccounts: ResourceStore,
    private readonly configMaps: ResourceStore,
    private readonly rootCaPem: string | undefined,
  ) {}

  async start(): Promise<void> {
    await this.namespaces.cache.sync();
    this.namespaces.cache.watch(
      {
        deliver: (events) => {
          for (const ev of events) if (ev.type !== 'DELETED') void this.ensure(ev.object.obj);
        },
        close: () => {},
      },
      this.namespaces.cache.currentRevision(),
    );
    for (const ns of this.namespaces.cache.list(this.namespaces.prefix)) await this.ensure(ns.obj);
  }

  private async ensure(ns: KubeObject): Promise<void> {
    const name = ns.metadata.name!;
    if (ns.metadata.deletionTimestamp) return;
    try {
      if (!(await this.serviceAccounts.find(name, 'default'))) {
        await this.serviceAccounts.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
      }
      if (this.rootCaPem && !(await this.configMaps.find(name, 'kube-root-ca.crt'))) {
        await this.configMaps.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
          data: { 'ca.crt': this.rootCaPem },
        });
      }
    } catch (e) {
      // Racing another writer, or the namespace is going away: the next event tries again.
      if (!isAlreadyExists(e) && !isNotFound(e) && !(e instanceof Error && /forbidden|terminated/i.test(e.message))) {
        console.error(`wharf apiserver: publishing service account in ${name} failed:`, e);
      }
    }
  }
}

/** Answers `POST serviceaccounts/<name>/token` with a signed, bound token. */
export async function issueToken(
  issuer: TokenIssuer,
  sa: KubeObject,
  body: unknown,
  lookup: (kind: string, namespace: string | undefined, name: string) => Promise<KubeObject | undefined>,
): Promise<object> {
  const ref = tokenRequestBoundObjectRef(body);
  const boundObject = ref ? await lookup(ref.kind, sa.metadata.namespace, ref.name) : undefined;
  return handleTokenRequest(body, sa, issuer.privateKeyPem, issuer.issuer, { boundObject });
}
