import { badRequest } from '../errors.js';
import { isPlainObject } from '../object.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type Labels = Record<string, string> | undefined;

/** A parsed label selector: every requirement must hold. An empty selector matches everything. */
export class LabelSelector {
  static readonly everything = new LabelSelector([]);
  static readonly nothing = new LabelSelector([{ key: '', operator: 'In', values: [] }]);

  constructor(readonly requirements: readonly Requirement[]) {}

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    for (const r of this.requirements) if (!requirementMatches(r, labels)) return false;
    return true;
  }

  /** `key=value` equality requirements, for index lookups. */
  equalities(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.requirements) if (r.operator === 'In' && r.values.length === 1) out.set(r.key, r.values[0]);
    return out;
  }

  toString(): string {
    return this.requirements
      .map((r) => {
        switch (r.operator) {
          case 'Exists':
            return r.key;
          case 'DoesNotExist':
            return `!${r.key}`;
          case 'In':
            return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
          case 'NotIn':
            return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
          case 'Gt':
            return `${r.key}>${r.values[0]}`;
          case 'Lt':
            return `${r.key}<${r.values[0]}`;
        }
      })
      .join(',');
  }
}

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(value!);
    case 'NotIn':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
  }
}

/**
 * Parses the string form used in `?labelSelector=` and `kubectl -l`: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<2`, joined by commas.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const src = text.trim();
  if (src === '') return LabelSelector.everything;
  const reqs: Requirement[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why}`);
  };
  const skipSpace = () => {
    while (i < src.length && src[i] === ' ') i++;
  };
  const readToken = (): string => {
    skipSpace();
    const start = i;
    while (i < src.length && !' ,()=!<>'.includes(src[i])) i++;
    return src.slice(start, i);
  };
  while (i < src.length) {
    skipSpace();
    let negate = false;
    if (src[i] === '!') {
      negate = true;
      i++;
    }
    const key = readToken();
    if (!key) fail(`found '${src[i] ?? ''}', expected: identifier`);
    checkKey(key);
    skipSpace();
    if (negate) {
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else if (i >= src.length || src[i] === ',') {
      reqs.push({ key, operator: 'Exists', values: [] });
    } else if (src.startsWith('==', i) || src[i] === '=') {
      i += src.startsWith('==', i) ? 2 : 1;
      reqs.push({ key, operator: 'In', values: [checkValue(readToken())] });
    } else if (src.startsWith('!=', i)) {
      i += 2;
      reqs.push({ key, operator: 'NotIn', values: [checkValue(readToken())] });
    } else if (src[i] === '>' || src[i] === '<') {
      const operator = src[i] === '>' ? 'Gt' : 'Lt';
      i++;
      const v = readToken();
      if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      reqs.push({ key, operator, values: [v] });
    } else {
      const word = readToken();
      if (word !== 'in' && word !== 'notin') fail(`found '${word}', expected: in, notin, =, ==, !=, gt, lt`);
      skipSpace();
      if (src[i] !== '(') fail(`found '${src[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        const v = readToken();
        values.push(checkValue(v));
        skipSpace();
        if (src[i] === ',') {
          i++;
          continue;
        }
        if (src[i] === ')') {
          i++;
          break;
        }
        fail(`found '${src[i] ?? ''}', expected: ',', ')' or identifier`);
      }
      reqs.push({ key, operator: word === 'in' ? 'In' : 'NotIn', values: values.sort() });
    }
    skipSpace();
    if (i < src.length) {
      if (src[i] !== ',') fail(`found '${src[i]}', expected: ',' or 'end of string'`);
      i++;
      // A comma must introduce another requirement (Kubernetes reports this one without the requirement prefix).
      skipSpace();
      const next = src[i] ?? '';
      if (next === '' || ' ,()=<>'.includes(next) || (next === '!' && src[i + 1] === '=')) {
        throw badRequest(`found '${next === '!' ? '!=' : next}', expected: identifier after ','`);
      }
    }
  }
  return new LabelSelector(reqs);
}

const keyRe = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const valueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): void {
  // A qualified name: an optional DNS subdomain prefix of at most 253 characters, and a name of at most 63.
  const slash = key.indexOf('/');
  const tooLong = key.length - slash - 1 > 63 || slash > 253;
  if (!keyRe.test(key) || tooLong) throw badRequest(`unable to parse requirement: invalid label key "${key}"`);
}

function checkValue(v: string): string {
  if (!valueRe.test(v) || v.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${v}"`);
  return v;
}

/** A `metav1.LabelSelector` object (matchLabels, matchExpressions). Null or absent matches nothing. */
export function labelSelectorFromObject(sel: unknown): LabelSelector {
  if (sel === undefined || sel === null) return LabelSelector.nothing;
  if (!isPlainObject(sel)) return LabelSelector.nothing;
  const reqs: Requirement[] = [];
  if (isPlainObject(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) reqs.push({ key: k, operator: 'In', values: [String(v)] });
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isPlainObject(e)) continue;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      reqs.push({ key: String(e.key), operator: e.operator as Operator, values });
    }
  }
  return new LabelSelector(reqs);
}
