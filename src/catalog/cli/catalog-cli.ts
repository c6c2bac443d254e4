/**
 * The verbs of `wharf catalog`, svcat's set against Wharf's servicecatalog.k8s.io API: register,
 * deregister and sync brokers, browse the marketplace, provision and deprovision instances, bind and
 * unbind, get and describe. Each verb writes through the ordinary API (the controllers do the broker
 * calls), prints what kubectl would, and with `wait` follows the object until it is Ready, Failed or
 * gone. Commander wiring lives in `catalog-command.ts`; this class is what tests drive.
 */
import { stringify as toYaml } from 'yaml';
import { isNotFound, type KubeObject } from '../../api/index.js';
import {
  abandonAnnotation,
  type ClusterServiceBrokerSpec,
  type Condition,
  type ServiceBindingSpec,
  type ServiceInstanceSpec,
} from '../../api/resources/servicecatalog/index.js';
import type { ApiClient, ResourceDescriptor } from '../../client/index.js';
import { CATALOG_API_VERSION, catalogResources as res } from './catalog-resources.js';
import { instanceClass, instancePlan, type BindingObject, type BrokerObject, type InstanceObject, type OfferingObject, type OfferingSpec } from './catalog-objects.js';
import { describeBinding, describeInstance } from './describe.js';
import { age, formatTable } from './format.js';
import { acceptMaintenanceAnnotation, annotationOf, maintenanceVersionAnnotation, rotateAnnotation, rotationState } from '../wharf-annotations.js';

export interface CatalogCliOptions {
  client: ApiClient;
  /** Where output goes; stdout by default. */
  out?: (text: string) => void;
  /** How often `wait` looks again. Default 1000 ms. */
  pollIntervalMs?: number;
}

export interface RegisterOptions {
  url: string;
  /** Set: a namespaced ServiceBroker there; absent: a ClusterServiceBroker. */
  namespace?: string;
  basicSecret?: string;
  bearerSecret?: string;
  /** Namespace of the auth Secret of a ClusterServiceBroker (default `default`). */
  secretNamespace?: string;
  /** PEM of the CA that signed the broker's serving certificate. */
  caPem?: string;
  skipTlsVerify?: boolean;
  relistBehavior?: string;
  relistDuration?: string;
  classRestrictions?: string[];
  planRestrictions?: string[];
}

export interface WaitOptions {
  wait?: boolean;
  timeoutMs?: number;
}

export interface ProvisionOptions extends WaitOptions {
  namespace: string;
  className: string;
  planName: string;
  parameters?: Record<string, unknown>;
  /** Secret keys whose JSON object values are merged into the parameters: `secret[key]`. */
  secretParameters?: { name: string; key: string }[];
  externalId?: string;
}

export interface BindOptions extends WaitOptions {
  namespace: string;
  name?: string;
  secretName?: string;
  parameters?: Record<string, unknown>;
  secretParameters?: { name: string; key: string }[];
  externalId?: string;
}

export interface DeleteVerbOptions extends WaitOptions {
  namespace: string;
  abandon?: boolean;
}

export type GetKind = 'brokers' | 'classes' | 'plans' | 'instances' | 'bindings';
export type OutputFormat = 'table' | 'json' | 'yaml';

export interface GetOptions {
  namespace: string;
  allNamespaces?: boolean;
  output?: OutputFormat;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** `Ready`/`Failed` conditions that speak of the current spec (or say nothing of generations). */
function conditionFor(obj: { metadata: KubeObject['metadata']; status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  const generation = obj.metadata.generation ?? 0;
  return obj.status?.conditions?.find((c) => c.type === type && c.status === 'True' && (c.observedGeneration === undefined || c.observedGeneration >= generation));
}

export class CatalogCli {
  private readonly client: ApiClient;
  private readonly out: (text: string) => void;
  private readonly pollIntervalMs: number;

  constructor(opts: CatalogCliOptions) {
    this.client = opts.client;
    this.out = opts.out ?? ((text) => console.log(text));
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
  }

  // ---- brokers ------------------------------------------------------------------------------------

  async register(name: string, o: RegisterOptions): Promise<BrokerObject> {
    if (o.basicSecret && o.bearerSecret) throw new TypeError('give --basic-secret or --bearer-secret, not both');
    if (o.caPem && o.skipTlsVerify) throw new TypeError('give --ca or --skip-tls, not both');
    const namespaced = o.namespace !== undefined;
    const secretRef = (secret: string) => (namespaced ? { name: secret } : { namespace: o.secretNamespace ?? 'default', name: secret });
    const spec: ClusterServiceBrokerSpec = {
      url: o.url,
      ...(o.basicSecret ? { authInfo: { basic: { secretRef: secretRef(o.basicSecret) } } } : {}),
      ...(o.bearerSecret ? { authInfo: { bearer: { secretRef: secretRef(o.bearerSecret) } } } : {}),
      ...(o.caPem ? { caBundle: Buffer.from(o.caPem).toString('base64') } : {}),
      ...(o.skipTlsVerify ? { insecureSkipTLSVerify: true } : {}),
      ...(o.relistBehavior ? { relistBehavior: o.relistBehavior } : {}),
      ...(o.relistDuration ? { relistDuration: o.relistDuration } : {}),
      ...(o.classRestrictions?.length || o.planRestrictions?.length
        ? {
            catalogRestrictions: {
              ...(o.classRestrictions?.length ? { serviceClass: o.classRestrictions } : {}),
              ...(o.planRestrictions?.length ? { servicePlan: o.planRestrictions } : {}),
            },
          }
        : {}),
    };
    const r = namespaced ? res.serviceBrokers : res.clusterServiceBrokers;
    const created = await this.client.create<BrokerObject>(r, {
      apiVersion: CATALOG_API_VERSION,
      kind: r.kind!,
      metadata: { name, ...(namespaced ? { namespace: o.namespace } : {}) },
      spec,
    });
    this.out(`${r.kind!.toLowerCase()}.servicecatalog.k8s.io/${name} created`);
    return created;
  }

  async deregister(name: string, namespace?: string): Promise<void> {
    const r = namespace !== undefined ? res.serviceBrokers : res.clusterServiceBrokers;
    await this.client.delete(r, name, namespace !== undefined ? { namespace } : {});
    this.out(`${r.kind!.toLowerCase()}.servicecatalog.k8s.io/${name} deleted`);
  }

  /** Asks the controller to fetch the catalog again by raising `spec.relistRequests`. */
  async sync(name: string, namespace?: string): Promise<number> {
    const r = namespace !== undefined ? res.serviceBrokers : res.clusterServiceBrokers;
    const opts = namespace !== undefined ? { namespace } : {};
    for (let attempt = 0; ; attempt++) {
      const broker = await this.client.get<BrokerObject>(r, name, opts);
      const next = (broker.spec?.relistRequests ?? 0) + 1;
      // The resourceVersion makes a concurrent bump fail with 409 instead of being lost.
      const patch = { metadata: { resourceVersion: broker.metadata.resourceVersion }, spec: { relistRequests: next } };
      try {
        await this.client.patch(r, name, patch, { ...opts, type: 'merge' });
        this.out(`Synchronization requested for broker: ${name}`);
        return next;
      } catch (e) {
        if (attempt >= 4 || (e as { code?: number }).code !== 409) throw e;
      }
    }
  }

  // ---- marketplace --------------------------------------------------------------------------------

  async marketplace(namespace: string): Promise<string> {
    const { classes, plans } = await this.offerings(namespace);
    const rows = classes
      .filter((c) => !c.status?.removedFromBrokerCatalog)
      .map((c) => {
        const mine = plans.filter((p) => planClassName(p) === c.metadata.name && (p.metadata.namespace ?? '') === (c.metadata.namespace ?? '') && !p.status?.removedFromBrokerCatalog);
        return [c.spec?.externalName ?? c.metadata.name!, mine.map((p) => p.spec?.externalName ?? p.metadata.name!).join(', '), c.spec?.description ?? ''];
      });
    const text = formatTable(['class', 'plans', 'description'], rows);
    this.out(text);
    return text;
  }

  // ---- instances ----------------------------------------------------------------------------------

  async provision(name: string, o: ProvisionOptions): Promise<InstanceObject> {
    const { classes, plans } = await this.offerings(o.namespace);
    const cls =
      classes.find((c) => c.spec?.externalName === o.className && !c.metadata.namespace) ??
      classes.find((c) => c.spec?.externalName === o.className) ??
      classes.find((c) => c.metadata.name === o.className);
    if (!cls) {
      const known = [...new Set(classes.map((c) => c.spec?.externalName ?? c.metadata.name))].join(', ') || 'none';
      throw new Error(`class "${o.className}" is not in the marketplace (classes: ${known})`);
    }
    const cluster = !cls.metadata.namespace;
    const classPlans = plans.filter((p) => planClassName(p) === cls.metadata.name && (p.metadata.namespace ?? '') === (cls.metadata.namespace ?? ''));
    const plan = classPlans.find((p) => p.spec?.externalName === o.planName) ?? classPlans.find((p) => p.metadata.name === o.planName);
    if (!plan) {
      const known = classPlans.map((p) => p.spec?.externalName ?? p.metadata.name).join(', ') || 'none';
      throw new Error(`plan "${o.planName}" is not a plan of class "${o.className}" (plans: ${known})`);
    }
    // Class and plan must be named the same way: by external name when both were given so, else by object name.
    const byExternalName = cls.spec?.externalName === o.className && plan.spec?.externalName === o.planName;
    const spec: ServiceInstanceSpec = {};
    if (cluster && byExternalName) Object.assign(spec, { clusterServiceClassExternalName: o.className, clusterServicePlanExternalName: o.planName });
    else if (cluster) Object.assign(spec, { clusterServiceClassName: cls.metadata.name, clusterServicePlanName: plan.metadata.name });
    else if (byExternalName) Object.assign(spec, { serviceClassExternalName: o.className, servicePlanExternalName: o.planName });
    else Object.assign(spec, { serviceClassName: cls.metadata.name, servicePlanName: plan.metadata.name });
    if (o.parameters && Object.keys(o.parameters).length) spec.parameters = o.parameters as ServiceInstanceSpec['parameters'];
    if (o.secretParameters?.length) spec.parametersFrom = o.secretParameters.map((s) => ({ secretKeyRef: { name: s.name, key: s.key } }));
    if (o.externalId) spec.externalID = o.externalId;
    const created = await this.client.create<InstanceObject>(res.serviceInstances, {
      apiVersion: CATALOG_API_VERSION,
      kind: 'ServiceInstance',
      metadata: { name, namespace: o.namespace },
      spec,
    });
    this.out(`serviceinstance.servicecatalog.k8s.io/${name} created`);
    if (!o.wait) return created;
    return this.waitReady<InstanceObject>(res.serviceInstances, name, o.namespace, 'serviceinstance', o.timeoutMs);
  }

  async deprovision(name: string, o: DeleteVerbOptions): Promise<void> {
    await this.deleteObject(res.serviceInstances, 'serviceinstance', name, o);
  }

  // ---- bindings -----------------------------------------------------------------------------------

  async bind(instance: string, o: BindOptions): Promise<BindingObject> {
    const name = o.name ?? instance;
    // Refuse early with a clear message rather than leave a binding waiting for an instance that is not there.
    await this.client.get(res.serviceInstances, instance, { namespace: o.namespace }).catch((e: unknown) => {
      if (isNotFound(e)) throw new Error(`serviceinstance "${instance}" not found in namespace "${o.namespace}"`);
      throw e;
    });
    const spec: ServiceBindingSpec = {
      instanceRef: { name: instance },
      secretName: o.secretName ?? name,
      ...(o.parameters && Object.keys(o.parameters).length ? { parameters: o.parameters as ServiceBindingSpec['parameters'] } : {}),
      ...(o.secretParameters?.length ? { parametersFrom: o.secretParameters.map((s) => ({ secretKeyRef: { name: s.name, key: s.key } })) } : {}),
      ...(o.externalId ? { externalID: o.externalId } : {}),
    };
    const created = await this.client.create<BindingObject>(res.serviceBindings, {
      apiVersion: CATALOG_API_VERSION,
      kind: 'ServiceBinding',
      metadata: { name, namespace: o.namespace },
      spec,
    });
    this.out(`servicebinding.servicecatalog.k8s.io/${name} created`);
    if (!o.wait) return created;
    return this.waitReady<BindingObject>(res.serviceBindings, name, o.namespace, 'servicebinding', o.timeoutMs);
  }

  /** Deletes the binding named, or every binding of the instance when no name is given. */
  async unbind(instance: string | undefined, o: DeleteVerbOptions & { name?: string }): Promise<string[]> {
    let names: string[];
    if (o.name) names = [o.name];
    else {
      if (!instance) throw new TypeError('name an instance, or a binding with --name');
      const all = await this.client.list<BindingObject>(res.serviceBindings, { namespace: o.namespace });
      names = all.items.filter((b) => b.spec?.instanceRef?.name === instance).map((b) => b.metadata.name!);
      if (names.length === 0) throw new Error(`serviceinstance "${instance}" has no bindings in namespace "${o.namespace}"`);
    }
    await Promise.all(names.map((n) => this.deleteObject(res.serviceBindings, 'servicebinding', n, o)));
    return names;
  }

  /**
   * Asks for new credentials: a new value of the binding's `rotate` annotation (the time). With `wait`,
   * returns once the controller acted on it and fails when the credentials stayed as they were.
   */
  async rotate(name: string, o: WaitOptions & { namespace: string }): Promise<void> {
    const before = await this.client.get<BindingObject>(res.serviceBindings, name, { namespace: o.namespace });
    const token = new Date().toISOString();
    await this.client.patch(res.serviceBindings, name, { metadata: { annotations: { [rotateAnnotation]: token } } }, { namespace: o.namespace, type: 'merge' });
    this.out(`servicebinding.servicecatalog.k8s.io/${name} annotated (rotation requested)`);
    if (!o.wait) return;
    const previous = rotationState(before).bindingID ?? before.spec?.externalID;
    const deadline = Date.now() + (o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    for (;;) {
      const b = await this.client.get<BindingObject>(res.serviceBindings, name, { namespace: o.namespace });
      const r = rotationState(b);
      if (r.observed === token && !r.successor && !r.retiring?.length) {
        const current = r.bindingID ?? b.spec?.externalID;
        if (current === previous) {
          const why = b.status?.lastError?.reason === 'RotationFailed' ? b.status.lastError.message : 'the plan does not support binding rotation (see the binding\'s events)';
          throw new Error(`servicebinding "${name}" was not rotated: ${why}`);
        }
        this.out(`servicebinding "${name}" has new credentials (broker binding ${current})`);
        return;
      }
      if (Date.now() >= deadline) throw new Error(`timed out waiting for servicebinding "${name}" to be rotated${b.status?.lastError ? ` (last error: ${b.status.lastError.message})` : ''}`);
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }

  /**
   * Accepts a maintenance upgrade: the instance's `accept-maintenance` annotation, a version or
   * `latest`. With `wait`, returns once the instance has the plan's maintenance_info version.
   */
  async upgrade(name: string, o: WaitOptions & { namespace: string; version?: string }): Promise<void> {
    const version = o.version ?? 'latest';
    await this.client.patch(res.serviceInstances, name, { metadata: { annotations: { [acceptMaintenanceAnnotation]: version } } }, { namespace: o.namespace, type: 'merge' });
    this.out(`serviceinstance.servicecatalog.k8s.io/${name} annotated (maintenance ${version} accepted)`);
    if (!o.wait) return;
    const deadline = Date.now() + (o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    for (;;) {
      const inst = await this.client.get<InstanceObject>(res.serviceInstances, name, { namespace: o.namespace });
      const failed = conditionFor(inst, 'Failed');
      if (failed) throw new Error(`serviceinstance "${name}" failed: ${failed.reason}: ${failed.message}`);
      const offer = inst.status?.conditions?.find((c) => c.type === 'MaintenanceAvailable');
      const have = annotationOf(inst, maintenanceVersionAnnotation);
      if (offer?.status === 'False' && conditionFor(inst, 'Ready') && (version === 'latest' || have === version)) {
        this.out(`serviceinstance "${name}" has maintenance_info version ${have}`);
        return;
      }
      if (Date.now() >= deadline) {
        throw new Error(`timed out waiting for serviceinstance "${name}" to be upgraded${offer?.status === 'True' ? ` (${offer.message})` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }

  // ---- get and describe ---------------------------------------------------------------------------

  async get(kind: GetKind, name: string | undefined, o: GetOptions): Promise<string> {
    const objects = await this.objectsOf(kind, o);
    const matching = name === undefined ? objects : objects.filter((x) => x.metadata.name === name || (x.spec as OfferingSpec | undefined)?.externalName === name);
    if (name !== undefined && matching.length === 0) throw new Error(`${singular(kind)} "${name}" not found`);
    let text: string;
    if (o.output === 'json' || o.output === 'yaml') {
      const doc = name !== undefined && matching.length === 1 ? matching[0] : { apiVersion: 'v1', kind: 'List', items: matching, metadata: {} };
      text = o.output === 'json' ? JSON.stringify(doc, null, 2) : toYaml(doc).trimEnd();
    } else if (matching.length === 0) {
      text = `No ${kind} found${o.allNamespaces ? '' : ` in ${o.namespace} namespace`}.`;
    } else text = await this.table(kind, matching);
    this.out(text);
    return text;
  }

  async describe(kind: 'instance' | 'binding', name: string, namespace: string): Promise<string> {
    let text: string;
    if (kind === 'instance') {
      const inst = await this.client.get<InstanceObject>(res.serviceInstances, name, { namespace });
      const bindings = (await this.client.list<BindingObject>(res.serviceBindings, { namespace })).items.filter((b) => b.spec?.instanceRef?.name === name);
      text = describeInstance(inst, bindings);
    } else {
      const binding = await this.client.get<BindingObject>(res.serviceBindings, name, { namespace });
      const secretName = binding.spec?.secretName ?? name;
      const secret = await this.client.get(res.secrets, secretName, { namespace }).catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      text = describeBinding(binding, secret);
    }
    this.out(text);
    return text;
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private async offerings(namespace: string): Promise<{ classes: OfferingObject[]; plans: OfferingObject[] }> {
    const [cc, nc, cp, np] = await Promise.all([
      this.client.list<OfferingObject>(res.clusterServiceClasses),
      this.client.list<OfferingObject>(res.serviceClasses, { namespace }),
      this.client.list<OfferingObject>(res.clusterServicePlans),
      this.client.list<OfferingObject>(res.servicePlans, { namespace }),
    ]);
    return { classes: [...cc.items, ...nc.items], plans: [...cp.items, ...np.items] };
  }

  private async objectsOf(kind: GetKind, o: GetOptions): Promise<KubeObject[]> {
    const scope = o.allNamespaces ? {} : { namespace: o.namespace };
    const both = async (cluster: ResourceDescriptor, namespaced: ResourceDescriptor) => {
      const [a, b] = await Promise.all([this.client.list(cluster), this.client.list(namespaced, scope)]);
      return [...a.items, ...b.items];
    };
    switch (kind) {
      case 'brokers':
        return both(res.clusterServiceBrokers, res.serviceBrokers);
      case 'classes':
        return both(res.clusterServiceClasses, res.serviceClasses);
      case 'plans':
        return both(res.clusterServicePlans, res.servicePlans);
      case 'instances':
        return (await this.client.list(res.serviceInstances, scope)).items;
      case 'bindings':
        return (await this.client.list(res.serviceBindings, scope)).items;
    }
  }

  private async table(kind: GetKind, objects: KubeObject[]): Promise<string> {
    const ns = (x: KubeObject) => x.metadata.namespace ?? '';
    const status = (x: KubeObject) => (x.status as { lastConditionState?: string } | undefined)?.lastConditionState ?? '';
    switch (kind) {
      case 'brokers':
        return formatTable(
          ['name', 'namespace', 'url', 'status', 'age'],
          (objects as BrokerObject[]).map((b) => [b.metadata.name!, ns(b), b.spec?.url ?? '', status(b), age(b.metadata.creationTimestamp)]),
        );
      case 'classes':
        return formatTable(
          ['name', 'namespace', 'description'],
          (objects as OfferingObject[]).map((c) => [c.spec?.externalName ?? c.metadata.name!, ns(c), c.spec?.description ?? '']),
        );
      case 'plans': {
        const classes = await this.offerings('').catch(() => ({ classes: [] as OfferingObject[] }));
        const classNames = new Map(classes.classes.map((c) => [c.metadata.name!, c.spec?.externalName ?? c.metadata.name!]));
        return formatTable(
          ['name', 'namespace', 'class', 'description'],
          (objects as OfferingObject[]).map((p) => [p.spec?.externalName ?? p.metadata.name!, ns(p), classNames.get(planClassName(p)) ?? planClassName(p), p.spec?.description ?? '']),
        );
      }
      case 'instances':
        return formatTable(
          ['name', 'namespace', 'class', 'plan', 'status', 'age'],
          (objects as InstanceObject[]).map((i) => [i.metadata.name!, ns(i), instanceClass(i.spec), instancePlan(i.spec), status(i), age(i.metadata.creationTimestamp)]),
        );
      case 'bindings':
        return formatTable(
          ['name', 'namespace', 'instance', 'secret', 'status', 'age'],
          (objects as BindingObject[]).map((b) => [
            b.metadata.name!,
            ns(b),
            b.spec?.instanceRef?.name ?? '',
            b.spec?.secretName ?? b.metadata.name!,
            status(b),
            age(b.metadata.creationTimestamp),
          ]),
        );
    }
  }

  private async deleteObject(r: ResourceDescriptor, what: string, name: string, o: DeleteVerbOptions): Promise<void> {
    if (o.abandon) {
      // Works on an object already being deleted too: the controller lets it go without calling the broker.
      await this.client.patch(r, name, { metadata: { annotations: { [abandonAnnotation]: 'true' } } }, { namespace: o.namespace, type: 'merge' });
    }
    try {
      await this.client.delete(r, name, { namespace: o.namespace });
    } catch (e) {
      if (!(o.abandon && isNotFound(e))) throw e;
    }
    this.out(`${what}.servicecatalog.k8s.io/${name} deleted${o.abandon ? ' (abandoned: whatever the broker holds for it is left there)' : ''}`);
    if (o.wait) await this.waitGone(r, what, name, o.namespace, o.timeoutMs);
  }

  private async waitReady<T extends KubeObject>(r: ResourceDescriptor, name: string, namespace: string, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    for (;;) {
      last = await this.client.get<T>(r, name, { namespace });
      const typed = last as T & { status?: { conditions?: Condition[]; lastError?: { message: string } } };
      const failed = conditionFor(typed, 'Failed');
      if (failed) throw new Error(`${what} "${name}" failed: ${failed.reason}: ${failed.message}`);
      if (conditionFor(typed, 'Ready')) {
        this.out(`${what} "${name}" is Ready`);
        return last;
      }
      if (Date.now() >= deadline) {
        const lastError = typed.status?.lastError?.message;
        throw new Error(`timed out waiting for ${what} "${name}" to be Ready${lastError ? ` (last error: ${lastError})` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }

  private async waitGone(r: ResourceDescriptor, what: string, name: string, namespace: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let obj: KubeObject & { status?: { lastError?: { message: string } } };
      try {
        obj = await this.client.get(r, name, { namespace });
      } catch (e) {
        if (isNotFound(e)) {
          this.out(`${what} "${name}" is gone`);
          return;
        }
        throw e;
      }
      if (Date.now() >= deadline) {
        const lastError = obj.status?.lastError?.message;
        throw new Error(`timed out waiting for ${what} "${name}" to be deleted${lastError ? ` (last error: ${lastError})` : ''}; --abandon deletes it without the broker`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }
}

function planClassName(p: OfferingObject): string {
  return p.spec?.clusterServiceClassRef?.name ?? p.spec?.serviceClassRef?.name ?? '';
}

function singular(kind: GetKind): string {
  return { brokers: 'broker', classes: 'class', plans: 'plan', instances: 'serviceinstance', bindings: 'servicebinding' }[kind];
}
