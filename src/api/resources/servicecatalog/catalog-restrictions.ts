/**
 * CatalogRestrictions predicates: `<property><op><value>` with `==`, `=`, `!=`, `in (a, b)` and `notin (a, b)`,
 * several joined by commas in one string; every requirement of every string must hold.
 */
export interface Requirement {
  property: string;
  operator: '==' | '!=' | 'in' | 'notin';
  values: string[];
}

/** Properties a class predicate may test, by broker scope. */
export const classProperties = { cluster: ['name', 'spec.externalName', 'spec.externalID'], namespaced: ['name', 'spec.externalName', 'spec.externalID'] };
/** Properties a plan predicate may test, by broker scope. */
export const planProperties = {
  cluster: ['name', 'spec.externalName', 'spec.externalID', 'spec.free', 'spec.clusterServiceClass.name'],
  namespaced: ['name', 'spec.externalName', 'spec.externalID', 'spec.free', 'spec.serviceClass.name'],
};

/** Splits at commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** Parses one restriction string; throws RangeError with a message a user can act on. */
export function parseRestriction(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const set = /^([A-Za-z0-9_.]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = set[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
      if (values.length === 0) throw new RangeError(`"${part}": ${set[2]} needs at least one value`);
      reqs.push({ property: set[1], operator: set[2] as 'in' | 'notin', values });
      continue;
    }
    const eq = /^([A-Za-z0-9_.]+)\s*(==|!=|=)\s*([^\s,()]*)$/.exec(part);
    if (!eq) throw new RangeError(`"${part}" is not <property><==|!=|in|notin><value>`);
    reqs.push({ property: eq[1], operator: eq[2] === '!=' ? '!=' : '==', values: [eq[3]] });
  }
  return reqs;
}

/** True when `valueOf` satisfies every requirement of every restriction string. */
export function matchesRestrictions(restrictions: readonly string[] | undefined, valueOf: (property: string) => string): boolean {
  for (const text of restrictions ?? []) {
    for (const r of parseRestriction(text)) {
      const v = valueOf(r.property);
      const hit = r.values.includes(v);
      if ((r.operator === '==' || r.operator === 'in') !== hit) return false;
    }
  }
  return true;
}
