/** Now, in milliseconds since the epoch with microsecond fractions (Date.now() has only milliseconds). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
