/**
 * Formats a time as Kubernetes' MicroTime: RFC 3339 in UTC with exactly six fractional digits
 * (`2024-05-01T12:00:00.123456Z`).
 *
 * @param epochMs milliseconds since the epoch; fractions carry the microseconds.
 */
export function formatMicroTime(epochMs: number): string {
  const micros = Math.floor(epochMs * 1000);
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const extra = String(micros - ms * 1000).padStart(3, '0');
  return `${iso.slice(0, -1)}${extra}Z`;
}

/** Now, in milliseconds since the epoch with microsecond fractions (Date.now() has only milliseconds). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
