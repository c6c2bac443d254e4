/** Units of a Go `time.Duration` string, in milliseconds. */
const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go duration (`15m0s`, `1h30m`, `500ms`, `-2s`) as metav1.Duration serializes it, into
 * milliseconds; undefined when it is not one.
 *
 * @example parseGoDuration('15m0s') // 900000
 */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const part of text.slice(m[1].length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (unitMs[part[2]] ?? 0);
  }
  return m[1] === '-' ? -total : total;
}
