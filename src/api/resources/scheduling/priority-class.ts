import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { ageColumn } from '../../validation/workload-columns.js';
import { validateImmutable } from '../../validation/workload-validation.js';

/** The highest value a class outside the reserved `system-` names may carry. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;

/** Names starting with this are reserved for the built-in classes. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

export const SYSTEM_CLUSTER_CRITICAL = 'system-cluster-critical';
export const SYSTEM_NODE_CRITICAL = 'system-node-critical';

/** The preemption policies a class (and a pod) may name. */
export const preemptionPolicies = ['PreemptLowerPriority', 'Never'] as const;

/** A scheduling.k8s.io/v1 PriorityClass as stored. */
export interface PriorityClassObject extends KubeObject {
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
  description?: string;
}

/**
 * The classes every cluster has. The apiserver creates them at start-up (ignoring "already exists"), and
 * validation only accepts `system-` names that match one of them exactly.
 */
export function systemPriorityClasses(): PriorityClassObject[] {
  const make = (name: string, value: number, description: string): PriorityClassObject => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    description,
  });
  return [
    make(SYSTEM_NODE_CRITICAL, 2_000_001_000, 'Used for system critical pods that must not be moved from their current node.'),
    make(SYSTEM_CLUSTER_CRITICAL, 2_000_000_000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'),
  ];
}

function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

function defaultPriorityClass(obj: KubeObject): void {
  // value is not optional in the v1 type, so a missing one decodes as 0.
  if (obj.value === undefined || obj.value === null) obj.value = 0;
  if (obj.preemptionPolicy === undefined || obj.preemptionPolicy === null) obj.preemptionPolicy = 'PreemptLowerPriority';
}

/** Why a `system-` class is not one of the built-in ones, or undefined when it is. */
function systemClassMismatch(name: string, value: unknown, globalDefault: boolean): string | undefined {
  const known = systemPriorityClasses().find((c) => c.metadata.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if ((known.globalDefault ?? false) !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault ?? false}`;
  return undefined;
}

function validatePriorityClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, false);
  const name = obj.metadata.name ?? '';
  const value = obj.value;
  if (!isInt32(value)) errs.push(field.typeInvalid('value', value, 'must be a 32-bit integer'));
  if (obj.globalDefault !== undefined && obj.globalDefault !== null && typeof obj.globalDefault !== 'boolean') {
    errs.push(field.typeInvalid('globalDefault', obj.globalDefault, 'must be a boolean'));
  }
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const why = systemClassMismatch(name, value, obj.globalDefault === true);
    if (why) {
      errs.push(field.forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${why}`));
    }
  } else if (isInt32(value) && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = obj.preemptionPolicy;
  if (policy !== undefined && policy !== null && !(preemptionPolicies as readonly unknown[]).includes(policy)) {
    errs.push(field.notSupported('preemptionPolicy', policy, [...preemptionPolicies]));
  }
  return errs;
}

/** Pods already carry the class's value and policy, so both are fixed once the class exists. */
function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.value !== old.value) errs.push(field.forbidden('value', 'may not be changed in an update.'));
  errs.push(...validateImmutable(obj.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
  return errs;
}

export const priorityClass = defineResource({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  namespaced: false,
  schema: 'io.k8s.api.scheduling.v1.PriorityClass',
  shortNames: ['pc'],
  generation: false,
  strategy: { default: defaultPriorityClass, validate: validatePriorityClass, validateUpdate: validatePriorityClassUpdate },
  printerColumns: [
    {
      name: 'Value',
      type: 'integer',
      description:
        'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.',
      priority: 0,
      cell: (obj) => (typeof obj.value === 'number' ? obj.value : 0),
    },
    {
      name: 'Global-Default',
      type: 'boolean',
      description:
        'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.',
      priority: 0,
      cell: (obj) => obj.globalDefault === true,
    },
    ageColumn,
    {
      name: 'PreemptionPolicy',
      type: 'string',
      description: 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.',
      priority: 0,
      cell: (obj) => (typeof obj.preemptionPolicy === 'string' ? obj.preemptionPolicy : ''),
    },
  ],
});
