import { BoundedMemo } from '../bounded-memo.js';

/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`, `500Mi`), parsed exactly: the value is kept
 * as a whole number of nano-units in a bigint so `0.1` + `0.2` sums and `requests <= limits`
 * comparisons never suffer from floating point.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10^-9 (nano-units), rounded up as Kubernetes rounds sub-nano precision. */
  nanos: bigint;
  /** The suffix family the quantity was written in; its canonical form keeps it. */
  format: QuantityFormat;
}

/** Kubernetes' own wording when a quantity fails to parse. */
export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const quantityRe = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const NANO = 1_000_000_000n;

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a > 0n) === (b > 0n) ? q + 1n : q;
}

/**
 * Quantities recur (every pod of a Deployment asks for the same `250m` and `256Mi`), and parsing one with
 * bigints costs microseconds, so short ones are parsed once.
 */
const parsed = new BoundedMemo<Quantity | null>((s) => parseUncached(s) ?? null);

/** Parses a quantity; undefined when `s` is not one. The result is the caller's own to change. */
export function parseQuantity(s: string | number): Quantity | undefined {
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) return undefined;
    s = String(s);
  }
  const q = parsed.get(s);
  return q === null ? undefined : { nanos: q.nanos, format: q.format };
}

function parseUncached(s: string): Quantity | undefined {
  const str = s.trim();
  const m = quantityRe.exec(str);
  if (!m) return undefined;
  const [, num, suffix] = m;
  const neg = num.startsWith('-');
  const digits = num.replace(/^[+-]/, '');
  if (digits === '' || digits === '.' || digits.split('.').length > 2) return undefined;
  const [intPart, fracPart = ''] = digits.split('.');
  // The mantissa as an integer times 10^-fracLen.
  let mant = BigInt((intPart || '0') + fracPart);
  const fracLen = fracPart.length;
  let format: QuantityFormat;
  let num10 = 0; // decimal exponent applied to mant
  let num2 = 0; // binary exponent applied to mant
  if (suffix in binarySuffixes) {
    format = 'BinarySI';
    num2 = binarySuffixes[suffix];
  } else if (suffix in decimalSuffixes) {
    format = 'DecimalSI';
    num10 = decimalSuffixes[suffix];
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    num10 = Number(suffix.slice(1));
    if (!Number.isSafeInteger(num10) || Math.abs(num10) > 1000) return undefined;
  } else {
    return undefined;
  }
  // value = mant * 2^num2 * 10^(num10 - fracLen); nanos = value * 10^9
  mant *= 1n << BigInt(num2);
  const exp = num10 - fracLen + 9;
  let nanos = exp >= 0 ? mant * 10n ** BigInt(exp) : ceilDiv(mant, 10n ** BigInt(-exp));
  if (neg) nanos = -nanos;
  return { nanos, format };
}

/** The quantity in milli-units rounded up, as Kubernetes' `MilliValue()` (CPU is counted in millicores). */
export function milliValue(q: Quantity): number {
  return Number(ceilDiv(q.nanos, 1_000_000n));
}

/** The quantity in whole units rounded up, as Kubernetes' `Value()` (memory is counted in bytes). */
export function value(q: Quantity): number {
  return Number(ceilDiv(q.nanos, NANO));
}

/** Parses `s` into milli-units; undefined when it is not a quantity. */
export function parseMilli(s: string | number): number | undefined {
  const q = parseQuantity(s);
  return q && milliValue(q);
}

/** Parses `s` into whole units (bytes for memory); undefined when it is not a quantity. */
export function parseValue(s: string | number): number | undefined {
  const q = parseQuantity(s);
  return q && value(q);
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** True when the quantity is a whole number of units. */
export function isWhole(q: Quantity): boolean {
  return q.nanos % NANO === 0n;
}

/**
 * The canonical string Kubernetes serializes a quantity as (`1000m` → `1`, `2048Ki` → `2Mi`,
 * `1500000` → `1500k`): the largest suffix of the quantity's family that leaves a whole mantissa.
 */
export function formatQuantity(q: Quantity): string {
  const neg = q.nanos < 0n;
  const abs = neg ? -q.nanos : q.nanos;
  const sign = neg ? '-' : '';
  if (abs === 0n) return '0';
  if (q.format === 'BinarySI' && abs % NANO === 0n) {
    let units = abs / NANO;
    // Below 1Ki a binary quantity reads as a plain decimal number.
    const names = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    let i = 0;
    while (i < names.length - 1 && units % 1024n === 0n) {
      units /= 1024n;
      i++;
    }
    return `${sign}${units}${names[i]}`;
  }
  let exp = -9;
  let mant = abs;
  while (exp < 18 && mant % 1000n === 0n) {
    mant /= 1000n;
    exp += 3;
  }
  if (q.format === 'DecimalExponent') return `${sign}${mant}${exp === 0 ? '' : `e${exp}`}`;
  const suffix = Object.entries(decimalSuffixes).find(([, e]) => e === exp)?.[0] ?? '';
  return `${sign}${mant}${suffix}`;
}

const canonical = new BoundedMemo<string>((text) => {
  const q = parseQuantity(text);
  return q ? formatQuantity(q) : text;
});

/** Canonical form of a quantity string, or the string itself when it does not parse. */
export function canonicalQuantity(s: string | number): string {
  return canonical.get(String(s));
}
