/** metav1.Time as Kubernetes writes it: RFC 3339 in UTC, to the second (`2024-01-01T00:00:01Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * metav1.MicroTime (Lease times, audit and event timestamps): RFC 3339 in UTC with exactly six
 * fractional digits (`2024-05-01T12:00:00.123456Z`).
 *
 * @param epochMs milliseconds since the epoch; fractions carry the microseconds.
 */
export function microTime(epochMs: number): string {
  const micros = Math.floor(epochMs * 1000);
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const extra = String(micros - ms * 1000).padStart(3, '0');
  return `${iso.slice(0, -1)}${extra}Z`;
}
