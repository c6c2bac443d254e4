import { invalid, type KubeObject, type ResourceDefinition } from '../api/index.js';
import { defaultPodOnlyFields } from '../api/validation/pod-spec.js';
import { LimitRanger } from './admission/limit-ranger.js';
import { NamespaceLifecycle } from './admission/namespace-lifecycle.js';
import type { NodeRestriction } from './admission/node-restriction.js';
import { PodSecurityAdmission, type PodSecurityPolicy } from './admission/pod-security.js';
import { admitDefaultTolerations } from './admission/default-toleration-seconds.js';
import { DefaultStorageClassAdmission } from './admission/default-storage-class.js';
import { PersistentVolumeClaimResizeAdmission } from './admission/persistent-volume-claim-resize.js';
import { recordUserInfo } from '../api/resources/servicecatalog/index.js';
import { admitStorageObjectInUseProtection } from './admission/storage-object-in-use-protection.js';
import { PriorityAdmission } from './admission/priority.js';
import { ResourceQuotaAdmission } from './admission/resource-quota.js';
import { ServiceAccountAdmission } from './admission/service-account.js';
import { admissionName, emptyResult, type AdmissionAttributes, type AdmissionResult, type ObjectLister, type QuotaStatusWriter } from './admission/types.js';
import type { UserInfo } from './request-context.js';
import type { ResourceStore } from './resource-store.js';
import { ServiceAllocator } from './service-allocator.js';

export type { AdmissionAttributes, AdmissionResult, ObjectLister, QuotaStatus, QuotaStatusWriter } from './admission/types.js';

export interface AdmissionOptions {
  /** The service CIDR cluster IPs come from. */
  serviceCidr?: string;
  /**
   * Current objects of a resource, from the watch caches. ServiceAccount, LimitRanger and ResourceQuota
   * admission need it and are off without it.
   */
  list?: ObjectLister;
  /** Writes a ResourceQuota's `status` (through the status subresource); without it quota status is not kept. */
  updateQuotaStatus?: QuotaStatusWriter;
  /** How often every quota's status is recomputed (deletes and failed writes are caught up this way); 0 turns it off. */
  quotaResyncMs?: number;
  /** Pod Security levels for namespaces without labels (privileged:latest for all three by default). */
  podSecurityDefaults?: PodSecurityPolicy;
  podSecurityExemptions?: { namespaces?: string[]; users?: string[]; runtimeClasses?: string[] };
  /** The random part of `kube-api-access-<suffix>` volume names (tests fix it). */
  tokenVolumeSuffix?: () => string;
  /** NodeRestriction: confines what nodes may write (on with `--authorization-mode=Node,RBAC`). */
  nodeRestriction?: NodeRestriction;
}

/** The built-in admission chain every write passes before it is stored. */
export class Admission {
  private readonly services: ServiceAllocator;
  private readonly lifecycle: NamespaceLifecycle;
  private readonly podSecurity: PodSecurityAdmission;
  private readonly priority: PriorityAdmission;
  private readonly defaultStorageClass: DefaultStorageClassAdmission;
  private readonly claimResize: PersistentVolumeClaimResizeAdmission;
  private readonly serviceAccounts?: ServiceAccountAdmission;
  private readonly limitRanger?: LimitRanger;
  private readonly quota?: ResourceQuotaAdmission;
  private readonly nodeRestriction?: NodeRestriction;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    namespaces: ResourceStore,
    services: ResourceStore,
    opts: AdmissionOptions = {},
  ) {
    this.services = new ServiceAllocator(services, opts.serviceCidr ?? '10.96.0.0/12');
    const getNamespace = async (name: string) => (await namespaces.find(undefined, name))?.obj;
    this.lifecycle = new NamespaceLifecycle(getNamespace);
    this.podSecurity = new PodSecurityAdmission({
      getNamespace,
      list: opts.list,
      defaults: opts.podSecurityDefaults,
      exemptNamespaces: opts.podSecurityExemptions?.namespaces,
      exemptUsers: opts.podSecurityExemptions?.users,
      exemptRuntimeClasses: opts.podSecurityExemptions?.runtimeClasses,
    });
    this.priority = new PriorityAdmission(opts.list);
    this.defaultStorageClass = new DefaultStorageClassAdmission(opts.list);
    this.claimResize = new PersistentVolumeClaimResizeAdmission(opts.list);
    this.nodeRestriction = opts.nodeRestriction;
    if (opts.list) {
      this.serviceAccounts = new ServiceAccountAdmission(opts.list, opts.tokenVolumeSuffix);
      this.limitRanger = new LimitRanger(opts.list);
      this.quota = new ResourceQuotaAdmission({ list: opts.list, updateStatus: opts.updateQuotaStatus });
      const every = opts.quotaResyncMs ?? 10_000;
      if (every > 0 && opts.updateQuotaStatus) {
        const timer = setInterval(() => void this.quota!.resyncAll().catch(logResyncError), every);
        timer.unref();
        this.timers.add(timer);
      }
    }
  }

  /** Stops the periodic quota resync. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * Runs the chain for a create (no `old`) or an update, and rejects with a StatusError; may change `obj`.
   * Kept without a result so existing callers type-check; `review` returns warnings and audit annotations.
   */
  async admit(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined, user?: UserInfo): Promise<void> {
    await this.review(def, obj, old, subresource, user);
  }

  /** The chain for a create or update, returning the warnings and audit annotations it produced. */
  async review(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined, user?: UserInfo): Promise<AdmissionResult> {
    const a: AdmissionAttributes = {
      def,
      operation: old ? 'UPDATE' : 'CREATE',
      obj,
      old,
      subresource,
      namespace: def.namespaced ? obj.metadata.namespace ?? old?.metadata.namespace : undefined,
      name: admissionName(obj),
      user,
    };
    const result = emptyResult();
    // Mutating steps, in upstream's order.
    await this.lifecycle.admit(a);
    if (a.operation === 'CREATE' && def.group === '' && def.plural === 'pods' && !subresource) {
      // Decoding defaults limits into missing requests before admission upstream; Wharf defaults later.
      defaultPodOnlyFields(obj.spec);
    }
    await this.limitRanger?.mutate(a);
    await this.serviceAccounts?.admit(a);
    await this.nodeRestriction?.admit(a);
    await this.priority.admit(a);
    admitDefaultTolerations(a);
    await this.defaultStorageClass.admit(a);
    admitStorageObjectInUseProtection(a);
    // Service instances and bindings carry who asked, sent to brokers as the Originating-Identity.
    if (!subresource) recordUserInfo(obj, old, user);
    if (def.group === '' && def.plural === 'services' && subresource === undefined) {
      const errors = await this.services.allocate(obj, old);
      if (errors.length > 0) throw invalid('Service', '', obj.metadata.name ?? '', errors);
    }
    // Validating steps, on the object as the mutations left it.
    await this.podSecurity.validate(a, result);
    await this.claimResize.validate(a);
    await this.limitRanger?.validate(a);
    await this.quota?.admit(a);
    if (this.quota && def.group === '' && def.plural === 'resourcequotas' && !subresource && a.namespace) this.scheduleQuotaResync(a.namespace);
    return result;
  }

  /**
   * The chain for a delete, before anything is removed: the system namespaces may not be deleted. Quota
   * usage of the namespace is recomputed once the delete has landed.
   */
  async admitDelete(def: ResourceDefinition, obj: KubeObject, user?: UserInfo): Promise<AdmissionResult> {
    const a: AdmissionAttributes = {
      def,
      operation: 'DELETE',
      obj,
      namespace: def.namespaced ? obj.metadata.namespace : undefined,
      name: admissionName(obj),
      user,
    };
    await this.lifecycle.admit(a);
    await this.nodeRestriction?.admit(a);
    await this.priority.admit(a);
    if (this.quota && a.namespace) this.scheduleQuotaResync(a.namespace);
    return emptyResult();
  }

  /** Recomputes the namespace's quota status a little later, when the write that prompted it is visible. */
  private scheduleQuotaResync(namespace: string): void {
    for (const delay of [50, 500, 2000]) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.quota!.resync(namespace).catch(logResyncError);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Recomputes every quota's status now (tests, and after a restart). */
  async resyncQuotas(namespace?: string): Promise<void> {
    if (!this.quota) return;
    if (namespace) await this.quota.resync(namespace);
    else await this.quota.resyncAll();
  }
}

function logResyncError(e: unknown): void {
  console.error('wharf admission: quota resync failed:', e);
}

/**
 * Standalone form of the delete check for callers holding no Admission: refuses deleting `default`,
 * `kube-system` and `kube-public`.
 */
export async function admitDelete(def: ResourceDefinition, obj: KubeObject, user?: UserInfo): Promise<void> {
  await new NamespaceLifecycle(async () => undefined).admit({ def, operation: 'DELETE', obj, name: admissionName(obj), user });
}
