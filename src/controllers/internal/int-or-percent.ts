/**
 * The value of an IntOrString against `total`: an integer as is, "N%" scaled and rounded up or down, as
 * Kubernetes' GetScaledValueFromIntOrPercent. Throws TypeError for anything else.
 */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = /^(-?\d+)%$/.exec(v);
    if (m) {
      const scaled = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
    }
  }
  throw new TypeError(`invalid value for IntOrString: invalid type: string is not a percentage`);
}
