/**
 * What the binding controller remembers about credential rotation, kept in the binding's
 * `servicecatalog.wharf.dev/rotation` annotation because v1beta1 has no field for it. Everything is
 * recorded before the broker is called, so a controller that stops at any line finds the binding ids
 * it may have created and finishes or cleans them up.
 */
import type { KubeObject } from '../../../api/index.js';
import type { ServiceBindingSpec } from '../../../api/resources/servicecatalog/index.js';
import { annotationOf, rotateAnnotation, rotationStateAnnotation } from '../internal/wharf-annotations.js';

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

/** The annotation value for a state; undefined (removed) when nothing is left to remember. */
export function encodeRotationState(s: RotationState): string | undefined {
  const clean = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  return Object.keys(clean).length === 0 ? undefined : JSON.stringify(clean);
}

/** The broker binding id whose credentials the Secret holds. */
export function currentBindingId(b: KubeObject): string {
  return rotationState(b).bindingID ?? (b.spec as ServiceBindingSpec).externalID!;
}

/** Whether the user asked for a rotation not yet acted on. */
export function rotationRequested(b: KubeObject): boolean {
  const want = annotationOf(b, rotateAnnotation);
  return want !== undefined && want !== '' && want !== rotationState(b).observed;
}

/** Every binding id this object may hold at the broker: the current one, a successor, and ones to retire. */
export function brokerBindingIds(b: KubeObject): string[] {
  const s = rotationState(b);
  return [...new Set([currentBindingId(b), ...(s.successor ? [s.successor] : []), ...(s.retiring ?? [])])];
}
