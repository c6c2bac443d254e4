/**
 * Renders decoded JSON the way Go's `%v` verb prints `interface{}` values, because kube-apiserver
 * quotes patch documents that way in some of its error messages (`map[image:nginx name:web]`).
 */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return goNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      // Go prints map keys sorted.
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      return `map[${keys.map((k) => `${k}:${goFormat(o[k])}`).join(' ')}]`;
    }
    default:
      return String(v);
  }
}

/** Go's name for the dynamic type of a decoded JSON value (`reflect.TypeOf(v)`), as its errors print it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      // The apiserver decodes patches preserving integers.
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map[string]interface {}';
  }
}

/** The JSON kind name Go's decoder uses in `cannot unmarshal <kind> into ...` messages. */
export function jsonKindName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go's %v for float64 is %g with the shortest representation: exponent at 1e21 and above or
  // below 1e-4, with a sign and at least two exponent digits.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant, exp] = n.toExponential().split('e');
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}
