import { field, type FieldError } from '../errors.js';
import { arr, num, rec, str, type JsonRecord } from './json-access.js';
import { validateHostPortConflicts, validateContainerList } from './container-validation.js';
import { dns1123Label, dns1123Subdomain, qualifiedName } from './names.js';
import { validateAnnotations, validateLabels } from './object-meta.js';
import { defaultPodSpec } from './pod-spec-defaults.js';
import { validateResourceQuantity } from './resource-requirements.js';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling-validation.js';
import { validateVolumes } from './volume-validation.js';

/**
 * Pod spec defaulting and validation, shared by Pods and every kind with a pod template
 * (ReplicationController, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob).
 */

export { defaultPodSpec, defaultPodOnlyFields, defaultContainer, defaultPullPolicy, canonicalizeResourceList } from './pod-spec-defaults.js';

/** Fills a pod template's defaults (`tpl.spec` as a PodSpec) in place, as Kubernetes' defaulters do. */
export function defaultPodTemplateSpec(tpl: unknown): void {
  const t = rec(tpl);
  if (t) defaultPodSpec(t.spec);
}

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
export const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const preemptionPolicies = ['Never', 'PreemptLowerPriority'];

function validateDNSConfig(spec: JsonRecord, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const config = rec(spec.dnsConfig);
  if (spec.dnsPolicy === 'None' && !config) {
    errs.push(field.required(`${path}.dnsPolicy`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  if (!config) return errs;
  const nameservers = arr(config.nameservers);
  if (spec.dnsPolicy === 'None' && nameservers.length === 0) {
    errs.push(field.required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  if (nameservers.length > 3) errs.push(field.invalid(`${path}.dnsConfig.nameservers`, nameservers, 'must not have more than 3 nameservers'));
  if (arr(config.searches).length > 32) errs.push(field.invalid(`${path}.dnsConfig.searches`, config.searches, 'must not have more than 32 search paths'));
  arr(config.options).forEach((o, i) => {
    if (!str(rec(o)?.name)) errs.push(field.required(`${path}.dnsConfig.options[${i}]`, 'Option.Name must not be empty'));
  });
  return errs;
}

/**
 * Field problems in a PodSpec at `path` (`spec` for pods, `spec.template.spec` for templates): the
 * checks of Kubernetes' ValidatePodSpec that matter to scheduling and running, with its paths and wording.
 */
export function validatePodSpec(rawSpec: unknown, path: string): FieldError[] {
  const spec = rec(rawSpec);
  if (!spec) return [field.required(path)];
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volumes.errors);

  const names = new Set<string>();
  if (arr(spec.containers).length === 0) errs.push(field.required(`${path}.containers`));
  else errs.push(...validateContainerList(spec.containers, 'container', volumes.names, names, `${path}.containers`));
  errs.push(...validateContainerList(spec.initContainers, 'init', volumes.names, names, `${path}.initContainers`));
  errs.push(...validateContainerList(spec.ephemeralContainers, 'ephemeral', volumes.names, names, `${path}.ephemeralContainers`));
  errs.push(
    ...validateHostPortConflicts([
      { containers: spec.containers, path: `${path}.containers` },
      { containers: spec.initContainers, path: `${path}.initContainers` },
    ]),
  );

  const restartPolicy = str(spec.restartPolicy);
  if (!restartPolicy) errs.push(field.required(`${path}.restartPolicy`));
  else if (!restartPolicies.includes(restartPolicy)) errs.push(field.notSupported(`${path}.restartPolicy`, restartPolicy, restartPolicies));
  const dnsPolicy = str(spec.dnsPolicy);
  if (!dnsPolicy) errs.push(field.required(`${path}.dnsPolicy`));
  else if (!dnsPolicies.includes(dnsPolicy)) errs.push(field.notSupported(`${path}.dnsPolicy`, dnsPolicy, dnsPolicies));
  errs.push(...validateDNSConfig(spec, path));

  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));

  arr(spec.readinessGates).forEach((g, i) => {
    const t = str(rec(g)?.conditionType);
    for (const m of qualifiedName(t)) errs.push(field.invalid(`${path}.readinessGates[${i}].conditionType`, t, m));
  });
  const gates = new Set<string>();
  arr(spec.schedulingGates).forEach((g, i) => {
    const name = str(rec(g)?.name);
    for (const m of qualifiedName(name)) errs.push(field.invalid(`${path}.schedulingGates[${i}]`, name, m));
    if (gates.has(name)) errs.push(field.duplicate(`${path}.schedulingGates[${i}]`, name));
    gates.add(name);
  });
  arr(spec.imagePullSecrets).forEach((s, i) => {
    if (!str(rec(s)?.name)) errs.push(field.required(`${path}.imagePullSecrets[${i}].name`));
  });

  const subdomainFields = ['serviceAccountName', 'nodeName', 'priorityClassName'];
  for (const f of subdomainFields) {
    const v = str(spec[f]);
    if (v) for (const m of dns1123Subdomain(v)) errs.push(field.invalid(`${path}.${f}`, v, m));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) for (const m of dns1123Label(v)) errs.push(field.invalid(`${path}.${f}`, v, m));
  }
  if (spec.runtimeClassName !== undefined && spec.runtimeClassName !== null) {
    const v = str(spec.runtimeClassName);
    for (const m of dns1123Subdomain(v)) errs.push(field.invalid(`${path}.runtimeClassName`, v, m));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = num(spec.activeDeadlineSeconds);
    if (v === undefined || !Number.isInteger(v) || v < 1 || v > 2147483647) {
      errs.push(field.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
    }
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds !== null && num(spec.terminationGracePeriodSeconds) === undefined) {
    errs.push(field.typeInvalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be an integer'));
  }
  if (spec.priority !== undefined && spec.priority !== null) {
    const v = num(spec.priority);
    if (v === undefined || !Number.isInteger(v)) errs.push(field.typeInvalid(`${path}.priority`, spec.priority, 'must be an integer'));
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && !preemptionPolicies.includes(str(spec.preemptionPolicy))) {
    errs.push(field.notSupported(`${path}.preemptionPolicy`, spec.preemptionPolicy, preemptionPolicies));
  }
  for (const [name, raw] of Object.entries(rec(spec.overhead) ?? {})) {
    validateResourceQuantity(name, raw, `${path}.overhead[${name}]`, errs);
  }
  const os = rec(spec.os);
  if (os && !str(os.name)) errs.push(field.required(`${path}.os.name`));
  if (spec.hostNetwork === true) {
    arr(spec.containers).forEach((c, ci) =>
      arr(rec(c)?.ports).forEach((p, pi) => {
        const port = rec(p) ?? {};
        if (port.hostPort !== undefined && port.hostPort !== port.containerPort) {
          errs.push(field.invalid(`${path}.containers[${ci}].ports[${pi}].containerPort`, port.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
        }
      }),
    );
  }
  return errs;
}

/** Field problems in a pod template (`path` is where it sits, e.g. `spec.template`). */
export function validatePodTemplateSpec(tpl: unknown, path: string): FieldError[] {
  const t = rec(tpl);
  if (!t) return [field.required(path)];
  const meta = rec(t.metadata) ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`));
  if (arr(rec(t.spec)?.ephemeralContainers).length > 0) {
    errs.push(field.forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
