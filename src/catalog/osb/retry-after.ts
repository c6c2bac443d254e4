/**
 * Reads a `Retry-After` header (RFC 9110): either a number of seconds or an HTTP date. The OSB spec
 * lets `last_operation` answers carry it and recommends seconds; dates are accepted too.
 */

/** Milliseconds to wait, or undefined when the header is absent or unreadable. A date in the past gives 0. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an HTTP date, never a bare number with a sign or fraction that Date.parse would accept
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
