import { badRequest } from '../errors.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** A parsed field selector (`metadata.name=web,status.phase!=Running`). */
export class FieldSelector {
  static readonly everything = new FieldSelector([]);

  constructor(readonly requirements: readonly FieldRequirement[]) {}

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** The value required for `field` by an equality requirement, if any (for index lookups). */
  requiredValue(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  matches(get: (field: string) => string | undefined): boolean {
    for (const r of this.requirements) {
      const v = get(r.field) ?? '';
      if ((v === r.value) !== (r.operator === '=')) return false;
    }
    return true;
  }
}

/**
 * Parses `?fieldSelector=`. Values escape `\\`, `\,` and `\=` with a backslash; an unescaped `=`, any other
 * escape and a trailing backslash are errors, and empty terms (`a=b,`) are skipped, as in Kubernetes.
 */
export function parseFieldSelector(text: string): FieldSelector {
  if (text.trim() === '') return FieldSelector.everything;
  const reqs: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ',')) {
    if (part === '') continue;
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part.trim());
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    reqs.push({ field: m[1].trim(), operator: m[2] === '!=' ? '!=' : '=', value: unescapeValue(m[3]) });
  }
  return new FieldSelector(reqs);
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

function unescapeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') {
      const next = v[i + 1];
      if (next === undefined) throw badRequest('invalid field selector: invalid escape sequence: \\');
      if (next !== '\\' && next !== ',' && next !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${next}`);
      out += next;
      i++;
    } else if (c === '=' || c === ',') {
      // Kubernetes prints the offending character as its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  return out;
}
