import { field, forbidden, invalid, type FieldError, type KubeObject } from '../../api/index.js';
import { arr, rec, str, type JsonRecord } from '../../api/validation/json-access.js';
import { describeFailures, evaluatePodSpec, type Level, type PolicyVersion } from './pod-security-checks.js';
import type { AdmissionAttributes, AdmissionResult, ObjectLister } from './types.js';

const labelPrefix = 'pod-security.kubernetes.io/';
export const podSecurityLabels = {
  enforce: `${labelPrefix}enforce`,
  enforceVersion: `${labelPrefix}enforce-version`,
  audit: `${labelPrefix}audit`,
  auditVersion: `${labelPrefix}audit-version`,
  warn: `${labelPrefix}warn`,
  warnVersion: `${labelPrefix}warn-version`,
};

export interface LevelVersion {
  level: Level;
  version: PolicyVersion;
}

export interface PodSecurityPolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

const latest: PolicyVersion = { latest: true, minor: 0 };
const privilegedLatest: LevelVersion = { level: 'privileged', version: latest };
export const defaultPodSecurityPolicy: PodSecurityPolicy = { enforce: privilegedLatest, audit: privilegedLatest, warn: privilegedLatest };

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version.latest ? 'latest' : `v1.${lv.version.minor}`}`;
}

function parseLevel(s: string): Level | undefined {
  return s === 'privileged' || s === 'baseline' || s === 'restricted' ? s : undefined;
}

function parseVersion(s: string): PolicyVersion | undefined {
  if (s === 'latest') return latest;
  const m = /^v1\.([0-9]|[1-9][0-9]*)$/.exec(s);
  return m ? { latest: false, minor: Number(m[1]) } : undefined;
}

const strictness: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.version.latest === b.version.latest && a.version.minor === b.version.minor;
}

/**
 * The policy a namespace's labels select, with the defaults for what they leave out. Bad values are
 * reported, and meanwhile enforce as restricted:latest and warn/audit as privileged, as upstream fails.
 */
export function policyFromLabels(labels: Record<string, string> | undefined, defaults = defaultPodSecurityPolicy): { policy: PodSecurityPolicy; errors: FieldError[] } {
  const p: PodSecurityPolicy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels) return { policy: p, errors };
  const bad = (label: string, value: string, detail: string) => errors.push(field.invalid(`metadata.labels[${label}]`, value, detail));
  const levelDetail = 'must be one of privileged, baseline, restricted';
  const versionDetail = 'must be "latest" or "v1.x"';
  let hasEnforceLevel = false;
  let hasWarnLevel = false;
  let hasWarnVersion = false;
  const L = podSecurityLabels;
  if (labels[L.enforce] !== undefined) {
    const level = parseLevel(labels[L.enforce]);
    if (level) hasEnforceLevel = true;
    else bad(L.enforce, labels[L.enforce], levelDetail);
    p.enforce.level = level ?? 'restricted';
  }
  if (labels[L.enforceVersion] !== undefined) {
    const v = parseVersion(labels[L.enforceVersion]);
    if (!v) bad(L.enforceVersion, labels[L.enforceVersion], versionDetail);
    p.enforce.version = v ?? latest;
  }
  if (labels[L.audit] !== undefined) {
    const level = parseLevel(labels[L.audit]);
    if (!level) bad(L.audit, labels[L.audit], levelDetail);
    p.audit.level = level ?? 'privileged';
  }
  if (labels[L.auditVersion] !== undefined) {
    const v = parseVersion(labels[L.auditVersion]);
    if (!v) bad(L.auditVersion, labels[L.auditVersion], versionDetail);
    p.audit.version = v ?? latest;
  }
  if (labels[L.warn] !== undefined) {
    hasWarnLevel = true;
    const level = parseLevel(labels[L.warn]);
    if (!level) bad(L.warn, labels[L.warn], levelDetail);
    p.warn.level = level ?? 'privileged';
  }
  if (labels[L.warnVersion] !== undefined) {
    hasWarnVersion = true;
    const v = parseVersion(labels[L.warnVersion]);
    if (!v) bad(L.warnVersion, labels[L.warnVersion], versionDetail);
    p.warn.version = v ?? latest;
  }
  // An enforce level stricter than warn also warns, so clients hear about what is refused.
  if (!hasWarnLevel && hasEnforceLevel && strictness[p.enforce.level] > strictness[p.warn.level]) {
    p.warn.level = p.enforce.level;
    if (!hasWarnVersion) p.warn.version = p.enforce.version;
  }
  return { policy: p, errors };
}

function labelsOf(obj: KubeObject | undefined): Record<string, string> | undefined {
  return obj?.metadata.labels as Record<string, string> | undefined;
}

/** Pod subresources that cannot change what a pod runs. */
const ignoredPodSubresources = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

/** Where each workload kind keeps its pod template. */
const templatePaths: Record<string, string[]> = {
  'apps/deployments': ['spec', 'template'],
  'apps/replicasets': ['spec', 'template'],
  'apps/statefulsets': ['spec', 'template'],
  'apps/daemonsets': ['spec', 'template'],
  'batch/jobs': ['spec', 'template'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template'],
  '/replicationcontrollers': ['spec', 'template'],
  '/podtemplates': ['template'],
};

function templateOf(obj: KubeObject, path: string[]): { meta: JsonRecord; spec: JsonRecord } | undefined {
  let cur: unknown = obj;
  for (const p of path) cur = rec(cur)?.[p];
  const tpl = rec(cur);
  if (!tpl) return undefined;
  return { meta: rec(tpl.metadata) ?? {}, spec: rec(tpl.spec) ?? {} };
}

function imagesChanged(spec: JsonRecord, oldSpec: JsonRecord): boolean {
  for (const list of ['containers', 'initContainers'] as const) {
    const now = arr(spec[list]);
    const before = arr(oldSpec[list]);
    if (now.length !== before.length) return true;
    if (now.some((c, i) => str(rec(c)?.image) !== str(rec(before[i])?.image))) return true;
  }
  const old = new Map(arr(oldSpec.ephemeralContainers).map((c) => [str(rec(c)?.name), str(rec(c)?.image)]));
  return arr(spec.ephemeralContainers).some((c) => old.get(str(rec(c)?.name)) !== str(rec(c)?.image));
}

export interface PodSecurityOptions {
  getNamespace: (name: string) => Promise<KubeObject | undefined>;
  list?: ObjectLister;
  defaults?: PodSecurityPolicy;
  exemptNamespaces?: string[];
  exemptUsers?: string[];
  exemptRuntimeClasses?: string[];
}

/**
 * Pod Security admission: namespaces choose, by label, the Pod Security Standard level pods must meet
 * (enforce), and the ones that only warn the client or annotate the audit event.
 */
export class PodSecurityAdmission {
  constructor(private readonly opts: PodSecurityOptions) {}

  async validate(a: AdmissionAttributes, result: AdmissionResult): Promise<void> {
    if (a.operation === 'DELETE') return;
    const key = `${a.def.group}/${a.def.plural}`;
    if (key === '/namespaces') return this.validateNamespace(a, result);
    if (key === '/pods') return this.validatePod(a, result);
    const path = templatePaths[key];
    if (path) return this.validateWorkload(a, result, path);
  }

  private defaults(): PodSecurityPolicy {
    return this.opts.defaults ?? defaultPodSecurityPolicy;
  }

  private exempt(a: AdmissionAttributes): boolean {
    if (a.namespace && this.opts.exemptNamespaces?.includes(a.namespace)) return true;
    return a.user !== undefined && (this.opts.exemptUsers?.includes(a.user.username) ?? false);
  }

  private async validateNamespace(a: AdmissionAttributes, result: AdmissionResult): Promise<void> {
    if (a.subresource) return;
    const name = a.obj.metadata.name ?? '';
    const next = policyFromLabels(labelsOf(a.obj), this.defaults());
    if (a.operation === 'CREATE') {
      if (next.errors.length > 0) throw invalid('Namespace', '', name, next.errors);
      return;
    }
    const before = policyFromLabels(labelsOf(a.old), this.defaults());
    const sameErrors = JSON.stringify(next.errors) === JSON.stringify(before.errors);
    if (next.errors.length > 0 && (before.errors.length === 0 || !sameErrors)) throw invalid('Namespace', '', name, next.errors);
    const enforce = next.policy.enforce;
    const old = before.policy.enforce;
    if (sameLevelVersion(enforce, old) || enforce.level === 'privileged') return;
    if (enforce.version.latest === old.version.latest && enforce.version.minor === old.version.minor && strictness[enforce.level] <= strictness[old.level]) return;
    if (this.opts.exemptNamespaces?.includes(name) || !this.opts.list) return;
    result.warnings.push(...(await this.checkExistingPods(name, enforce)));
  }

  /** Warnings about pods that a tightened enforce level would have refused; they keep running. */
  private async checkExistingPods(namespace: string, enforce: LevelVersion): Promise<string[]> {
    const pods = await this.opts.list!('', 'pods', namespace);
    const byReason = new Map<string, { first: string; count: number }>();
    for (const pod of pods) {
      const failures = evaluatePodSpec(enforce.level, enforce.version, pod.metadata as unknown as JsonRecord, rec(pod.spec) ?? {});
      if (failures.length === 0) continue;
      const reason = failures.map((f) => f.reason).join(', ');
      const name = pod.metadata.name ?? '';
      const seen = byReason.get(reason);
      if (!seen) byReason.set(reason, { first: name, count: 1 });
      else {
        seen.count++;
        if (name < seen.first) seen.first = name;
      }
    }
    if (byReason.size === 0) return [];
    const podWarnings = [...byReason].map(([reason, { first, count }]) => {
      if (count === 1) return `${first}: ${reason}`;
      if (count === 2) return `${first} (and 1 other pod): ${reason}`;
      return `${first} (and ${count - 1} other pods): ${reason}`;
    });
    return [`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`, ...podWarnings.sort()];
  }

  private async namespacePolicy(namespace: string | undefined): Promise<{ policy: PodSecurityPolicy; errors: FieldError[] } | undefined> {
    if (!namespace) return undefined;
    const ns = await this.opts.getNamespace(namespace);
    if (!ns) return undefined;
    return policyFromLabels(labelsOf(ns), this.defaults());
  }

  private async validatePod(a: AdmissionAttributes, result: AdmissionResult): Promise<void> {
    if (a.subresource && ignoredPodSubresources.has(a.subresource)) return;
    if (this.exempt(a)) return;
    const found = await this.namespacePolicy(a.namespace);
    if (!found) return;
    const { policy, errors } = found;
    const allPrivileged = policy.enforce.level === 'privileged' && policy.audit.level === 'privileged' && policy.warn.level === 'privileged';
    if (errors.length === 0 && allPrivileged) return;
    const spec = rec(a.obj.spec) ?? {};
    if (a.operation === 'UPDATE' && a.old && !imagesChanged(spec, rec(a.old.spec) ?? {})) return;
    this.evaluate(a, result, policy, errors, a.obj.metadata as unknown as JsonRecord, spec, true);
  }

  private async validateWorkload(a: AdmissionAttributes, result: AdmissionResult, path: string[]): Promise<void> {
    if (a.subresource || this.exempt(a)) return;
    const found = await this.namespacePolicy(a.namespace);
    if (!found) return;
    const { policy, errors } = found;
    if (errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const tpl = templateOf(a.obj, path);
    if (!tpl) return;
    // Workloads are only warned about and audited: the pods they make are what enforce refuses.
    this.evaluate(a, result, policy, errors, tpl.meta, tpl.spec, false);
  }

  private evaluate(
    a: AdmissionAttributes,
    result: AdmissionResult,
    policy: PodSecurityPolicy,
    errors: FieldError[],
    meta: JsonRecord,
    spec: JsonRecord,
    enforce: boolean,
  ): void {
    const runtimeClass = str(spec.runtimeClassName);
    if (runtimeClass && this.opts.exemptRuntimeClasses?.includes(runtimeClass)) return;
    if (errors.length > 0) {
      result.auditAnnotations[`${labelPrefix}error`] = `Failed to parse policy: ${errors.map((e) => `${e.field}: Invalid value: ${JSON.stringify(e.value)}: ${e.detail}`).join(', ')}`;
    }
    if (enforce) {
      result.auditAnnotations[`${labelPrefix}enforce-policy`] = levelVersionString(policy.enforce);
      const failures = evaluatePodSpec(policy.enforce.level, policy.enforce.version, meta, spec);
      if (failures.length > 0) {
        throw forbidden(
          { group: a.def.group, resource: a.def.plural },
          a.obj.metadata.name || a.obj.metadata.generateName || '',
          `violates PodSecurity "${levelVersionString(policy.enforce)}": ${describeFailures(failures)}`,
        );
      }
    }
    const audit = evaluatePodSpec(policy.audit.level, policy.audit.version, meta, spec);
    if (audit.length > 0) {
      result.auditAnnotations[`${labelPrefix}audit-violations`] = `would violate PodSecurity "${levelVersionString(policy.audit)}": ${describeFailures(audit)}`;
    }
    const warn = evaluatePodSpec(policy.warn.level, policy.warn.version, meta, spec);
    if (warn.length > 0) result.warnings.push(`would violate PodSecurity "${levelVersionString(policy.warn)}": ${describeFailures(warn)}`);
  }
}
