/**
 * The binding controller's view of credential rotation (`RotationState`, kept in the binding's
 * `servicecatalog.wharf.dev/rotation` annotation): which broker binding id is current, whether a
 * rotation is asked for, and every id the binding may hold at the broker.
 */
import type { KubeObject } from '../../../api/index.js';
import type { ServiceBindingSpec } from '../../../api/resources/servicecatalog/index.js';
import { annotationOf, rotateAnnotation, rotationState, type RotationState } from '../../wharf-annotations.js';

export { rotationState, type RotationState } from '../../wharf-annotations.js';

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
