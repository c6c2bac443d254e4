/**
 * Formats nanoseconds the way Go's time.Duration.String does ("1h0m0s", "1.5s", "300ms", "0s"),
 * which is how metav1.Duration appears in JSON. BigInt keeps the whole int64 range exact.
 */
export function formatGoDuration(nanoseconds: bigint): string {
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    // Below one second Go picks the largest unit that keeps an integer part.
    if (u < 1_000n) text = `${u}ns`;
    else if (u < 1_000_000n) text = `${withFraction(u, 3)}µs`;
    else text = `${withFraction(u, 6)}ms`;
  } else {
    const seconds = withFraction(u, 9);
    u /= 1_000_000_000n;
    text = `${seconds.replace(/^\d+/, String(u % 60n))}s`;
    u /= 60n;
    if (u > 0n) {
      text = `${u % 60n}m${text}`;
      u /= 60n;
      if (u > 0n) text = `${u}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

/** value / 10^digits as a decimal with trailing fractional zeros (and a bare point) removed. */
function withFraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  const whole = (value / scale).toString();
  return fraction === '' ? whole : `${whole}.${fraction}`;
}
