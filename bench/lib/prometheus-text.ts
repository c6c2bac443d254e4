/**
 * The value of one sample in Prometheus text exposition: the line of metric `name` whose labels include every
 * pair of `labels` (in any order; other labels may be present), or undefined when there is none.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    let labelText = '';
    let valueText: string;
    if (rest.startsWith('{')) {
      const close = rest.lastIndexOf('}');
      if (close < 0) continue;
      labelText = rest.slice(1, close);
      valueText = rest.slice(close + 1);
    } else if (rest.startsWith(' ')) {
      valueText = rest;
    } else {
      continue; // a longer metric name with this one as prefix
    }
    const present = new Map<string, string>();
    for (const m of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) present.set(m[1]!, m[2]!);
    if (Object.entries(labels).every(([k, v]) => present.get(k) === v)) {
      const value = Number(valueText.trim().split(/\s+/)[0]);
      return Number.isNaN(value) ? undefined : value;
    }
  }
  return undefined;
}
