/**
 * `wharf catalog describe` output: aligned `Key: value` lines, then sections, in the manner of
 * `kubectl describe` and svcat. Secret values are never printed, only their sizes.
 */
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../../api/index.js';
import type { Condition, OperationError } from '../../api/resources/servicecatalog/index.js';
import { instanceClass, instancePlan, type BindingObject, type InstanceObject } from './catalog-objects.js';
import { formatTable } from './format.js';
import { annotationOf, maintenanceVersionAnnotation, rotationState } from '../wharf-annotations.js';

function fields(pairs: [string, string | undefined][]): string[] {
  const present = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(...present.map(([k]) => k.length + 1));
  return present.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v}`);
}

/** `Ready - <message> @ <time>` from the Ready condition (or Failed, when that holds). */
export function statusLine(status: { conditions?: Condition[]; lastConditionState?: string } | undefined): string {
  const conditions = status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const c = failed ?? conditions.find((x) => x.type === 'Ready');
  if (!c) return status?.lastConditionState ?? 'Pending';
  const state = failed ? 'Failed' : c.status === 'True' ? 'Ready' : (status?.lastConditionState ?? c.reason);
  return `${state} - ${c.message} @ ${c.lastTransitionTime}`;
}

function parameterLines(parameters: unknown, from: { secretKeyRef?: { name: string; key: string } }[] | undefined): string[] {
  const lines: string[] = [];
  if (parameters && typeof parameters === 'object' && Object.keys(parameters).length) {
    lines.push(...toYaml(parameters).trimEnd().split('\n').map((l) => `  ${l}`));
  }
  for (const f of from ?? []) if (f.secretKeyRef) lines.push(`  (from Secret ${f.secretKeyRef.name}[${f.secretKeyRef.key}])`);
  return lines.length ? lines : ['  No parameters defined'];
}

function errorLine(e: OperationError | undefined): string | undefined {
  return e ? `${e.reason}: ${e.message} @ ${e.time}` : undefined;
}

/** The instance's maintenance_info version, and the upgrade its plan offers. */
function maintenanceLine(inst: InstanceObject): string | undefined {
  const version = annotationOf(inst, maintenanceVersionAnnotation);
  const offer = inst.status?.conditions?.find((c) => c.type === 'MaintenanceAvailable' && c.status === 'True');
  if (offer) return offer.message;
  return version ? `${version} (up to date)` : undefined;
}

/** A rotation under way or unfinished, from the controller's annotation. */
function rotationLine(binding: BindingObject): string | undefined {
  const r = rotationState(binding);
  const parts: string[] = [];
  if (r.successor) parts.push(`binding ${r.successor} being bound to replace the current one`);
  if (r.retiring?.length) parts.push(`unbinding replaced ${r.retiring.join(', ')}`);
  return parts.length ? parts.join('; ') : undefined;
}

export function describeInstance(inst: InstanceObject, bindings: BindingObject[]): string {
  const s = inst.status ?? {};
  const spec = inst.spec ?? {};
  const lines = fields([
    ['Name', inst.metadata.name],
    ['Namespace', inst.metadata.namespace],
    ['Status', statusLine(s)],
    ['Class', instanceClass(spec)],
    ['Plan', instancePlan(spec)],
    ['External ID', spec.externalID],
    ['Deletion Policy', spec.deletionPolicy],
    ['Dashboard URL', s.dashboardURL],
    ['Maintenance', maintenanceLine(inst)],
    ['Current Operation', s.currentOperation ? `${s.currentOperation}${s.asyncOpInProgress ? ' (asynchronous, polling the broker)' : ''}` : undefined],
    ['Deleting Since', inst.metadata.deletionTimestamp],
    ['Last Error', errorLine(s.lastError)],
    ['Next Retry', s.nextRetryTime],
    ['Poll Deadline', s.pollDeadline],
  ]);
  lines.push('', 'Parameters:', ...parameterLines(spec.parameters, spec.parametersFrom), '', 'Bindings:');
  if (bindings.length === 0) lines.push('  No bindings defined');
  else {
    const table = formatTable(
      ['name', 'status'],
      bindings.map((b) => [b.metadata.name!, b.status?.lastConditionState ?? '']),
    );
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

export function describeBinding(binding: BindingObject, secret: KubeObject | undefined): string {
  const s = binding.status ?? {};
  const spec = binding.spec ?? { instanceRef: {} };
  const secretName = spec.secretName ?? binding.metadata.name;
  const lines = fields([
    ['Name', binding.metadata.name],
    ['Namespace', binding.metadata.namespace],
    ['Status', statusLine(s)],
    ['Secret', secretName],
    ['Instance', spec.instanceRef?.name],
    ['External ID', spec.externalID],
    // After a rotation the broker knows the binding by another id than spec.externalID.
    ['Broker Binding ID', rotationState(binding).bindingID],
    ['Rotation', rotationLine(binding)],
    ['Current Operation', s.currentOperation],
    ['Deleting Since', binding.metadata.deletionTimestamp],
    ['Last Error', errorLine(s.lastError)],
    ['Next Retry', s.nextRetryTime],
  ]);
  lines.push('', 'Parameters:', ...parameterLines(spec.parameters, spec.parametersFrom), '', 'Secret Data:');
  const data = (secret?.data ?? {}) as Record<string, string>;
  const keys = Object.keys(data).sort();
  if (!secret) lines.push(`  Secret "${secretName}" does not exist (yet)`);
  else if (keys.length === 0) lines.push('  (empty)');
  else {
    const width = Math.max(...keys.map((k) => k.length));
    for (const k of keys) lines.push(`  ${k.padEnd(width)}  ${Buffer.from(data[k], 'base64').length} bytes`);
  }
  return lines.join('\n');
}
