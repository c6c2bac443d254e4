/** metav1.Time as Kubernetes writes it: RFC 3339 in UTC, to the second (`2024-01-01T00:00:01Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

let nowSecond = NaN;
let nowText = '';

/**
 * rfc3339 of the current time. The API server stamps every create and every managedFields entry with it,
 * thousands of times a second; the text is built once per second.
 */
export function nowRfc3339(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== nowSecond) {
    nowSecond = second;
    nowText = rfc3339(second * 1000);
  }
  return nowText;
}

let microSecond = NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of `microSecond`. */
let microPrefix = '';

/**
 * metav1.MicroTime (Lease times, audit and event timestamps): RFC 3339 in UTC with exactly six
 * fractional digits (`2024-05-01T12:00:00.123456Z`).
 *
 * @param epochMs milliseconds since the epoch; fractions carry the microseconds.
 */
export function microTime(epochMs: number): string {
  const micros = Math.floor(epochMs * 1000);
  // Audit events carry two of these each: the date and time of day are formatted once per second.
  const second = Math.floor(micros / 1_000_000);
  if (second !== microSecond) {
    const iso = new Date(second * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
    microSecond = second;
    microPrefix = iso.slice(0, -4);
  }
  return `${microPrefix}${String(micros - second * 1_000_000).padStart(6, '0')}Z`;
}
