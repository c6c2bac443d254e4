/**
 * Wharf's catalog annotations: what users ask for beyond the v1beta1 fields (rotating a binding's
 * credentials, accepting a maintenance upgrade) and what the controllers record where v1beta1 has no
 * field (a plan's binding_rotatable and maintenance_info, an instance's maintenance version, a
 * rotation under way). Annotations leave `metadata.generation` alone, so writing them never looks like
 * a spec change.
 */
import type { KubeObject } from '../api/index.js';
import type { ApiClient, ResourceDescriptor } from '../client/index.js';

const prefix = 'servicecatalog.wharf.dev/';

/** On a ServiceBinding, set by the user: any new value asks for one rotation of its credentials. */
export const rotateAnnotation = `${prefix}rotate`;
/** On a ServiceBinding, kept by the controller: JSON of `RotationState`. */
export const rotationStateAnnotation = `${prefix}rotation`;
/** On a plan, kept by the broker controller: "true" when the broker's plan is `binding_rotatable`. */
export const bindingRotatableAnnotation = `${prefix}binding-rotatable`;
/** On a plan, kept by the broker controller: JSON of the plan's `maintenance_info`. */
export const maintenanceInfoAnnotation = `${prefix}maintenance-info`;
/** On a ServiceInstance, kept by the controller: the maintenance_info version the broker applied. */
export const maintenanceVersionAnnotation = `${prefix}maintenance-version`;
/** On a ServiceInstance, set by the user: a version (or "latest") to update the instance to. */
export const acceptMaintenanceAnnotation = `${prefix}accept-maintenance`;
/** On a ServiceInstance, kept by the controller: the version a broker refused with MaintenanceInfoConflict. */
export const maintenanceConflictAnnotation = `${prefix}maintenance-conflict`;

export function annotationOf(obj: KubeObject, name: string): string | undefined {
  return obj.metadata.annotations?.[name];
}

/** The object with these annotations set (a string) or removed (undefined); the same object when nothing changes. */
export function withAnnotations(obj: KubeObject, changes: Record<string, string | undefined>): KubeObject {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(changes)) {
    if (annotations[k] === v) continue;
    changed = true;
    if (v === undefined) delete annotations[k];
    else annotations[k] = v;
  }
  if (!changed) return obj;
  const { annotations: _old, ...rest } = obj.metadata;
  return { ...obj, metadata: Object.keys(annotations).length === 0 ? rest : { ...rest, annotations } };
}

/** Writes the annotation changes (nothing when there are none); returns the object as stored. */
export async function writeAnnotations(client: ApiClient, r: ResourceDescriptor, obj: KubeObject, changes: Record<string, string | undefined>): Promise<KubeObject> {
  const next = withAnnotations(obj, changes);
  if (next === obj) return obj;
  return client.update(r, next);
}

export interface PlanMaintenance {
  version: string;
  description?: string;
}

/** The maintenance_info the broker controller recorded on a plan. */
export function planMaintenance(plan: KubeObject): PlanMaintenance | undefined {
  const text = annotationOf(plan, maintenanceInfoAnnotation);
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { version?: unknown; description?: unknown };
    if (typeof v.version !== 'string' || v.version === '') return undefined;
    return { version: v.version, ...(typeof v.description === 'string' ? { description: v.description } : {}) };
  } catch {
    return undefined;
  }
}

export function planRotatable(plan: KubeObject): boolean {
  return annotationOf(plan, bindingRotatableAnnotation) === 'true';
}

/**
 * What the binding controller remembers about credential rotation, in `rotationStateAnnotation`.
 * Everything is recorded before the broker is called, so a controller that stops at any line finds
 * the binding ids it may have created and finishes or cleans them up.
 */
export interface RotationState {
  /** The broker binding id whose credentials are in the Secret, once a rotation replaced `spec.externalID`. */
  bindingID?: string;
  /** The successor being bound (`predecessor_binding_id` is the current id). */
  successor?: string;
  /** The successor's bind answered 202: poll its `last_operation`. */
  polling?: boolean;
  /** The asynchronous bind operation of the successor, when the broker named one. */
  operation?: string;
  /** When the successor's bind was first sent (RFC 3339), for the plan's maximum polling duration. */
  startedAt?: string;
  /** Earlier bindings still to unbind at the broker now that the successor holds the credentials. */
  retiring?: string[];
  /** The `rotate` annotation value last acted on. */
  observed?: string;
  /** Not before this time (RFC 3339 with milliseconds): the next attempt after a failure or the next poll. */
  notBefore?: string;
  /** Failed attempts in a row, for the backoff. */
  failures?: number;
}

export function rotationState(b: KubeObject): RotationState {
  const text = annotationOf(b, rotationStateAnnotation);
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RotationState) : {};
  } catch {
    return {};
  }
}
