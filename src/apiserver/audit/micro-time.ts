/** Kubernetes' MicroTime (see `microTime` in src/api/rfc3339.ts), under the name the audit code uses. */
export { microTime as formatMicroTime } from '../../api/rfc3339.js';

/** Now, in milliseconds since the epoch with microsecond fractions (Date.now() has only milliseconds). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
