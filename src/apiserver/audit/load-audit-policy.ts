import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { auditLevels, auditStages, type AuditLevel, type AuditPolicy, type AuditPolicyRule, type AuditStage, type GroupResources } from './types.js';

/** One problem in a policy file, with where it is. */
export interface PolicyProblem {
  line: number;
  column: number;
  message: string;
}

/**
 * A policy file that cannot be used. The server prints the message and refuses to start: auditing with a policy
 * other than the one written would record the wrong things silently.
 */
export class AuditPolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PolicyProblem[],
  ) {
    super(`invalid audit policy file "${file}": ${problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('; ')}`);
    this.name = 'AuditPolicyError';
  }

  /** The line of the first problem (1-based). */
  get line(): number {
    return this.problems[0].line;
  }
}

/** Reads an audit.k8s.io/v1 Policy from a YAML or JSON file; throws AuditPolicyError naming the line of each problem. */
export function loadAuditPolicy(path: string): AuditPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read audit policy file "${path}": ${(e as Error).message}`);
  }
  return parseAuditPolicy(text, path);
}

type PathElement = string | number;
interface Found {
  path: PathElement[];
  message: string;
}

/** Parses policy text; `file` names it in errors. */
export function parseAuditPolicy(text: string, file: string): AuditPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new AuditPolicyError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
      }),
    );
  }
  const found: Found[] = [];
  const policy = checkPolicy(doc.toJS() as unknown, found);
  if (found.length > 0 || policy === undefined) {
    throw new AuditPolicyError(
      file,
      found.map((f) => ({ ...locate(doc, lineCounter, f.path), message: f.message })),
    );
  }
  return policy;
}

/** The line of the deepest node on `path` that exists in the file. */
function locate(doc: Document, lineCounter: LineCounter, path: PathElement[]): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      const pos = lineCounter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

function fieldPath(path: PathElement[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

const policyFields = new Set(['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields']);
const ruleFields = new Set(['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields']);
const groupResourceFields = new Set(['group', 'resources', 'resourceNames']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Unknown fields are errors, unlike kube-apiserver's lenient decoding: a misspelt `verb:` would otherwise widen a
 * rule to every verb without a word.
 */
function checkFields(value: Record<string, unknown>, allowed: Set<string>, path: PathElement[], found: Found[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) found.push({ path: [...path, key], message: `unknown field "${fieldPath([...path, key])}"` });
  }
}

function checkPolicy(value: unknown, found: Found[]): AuditPolicy | undefined {
  if (value === null || value === undefined) {
    found.push({ path: [], message: 'the file holds no Policy' });
    return undefined;
  }
  if (!isRecord(value)) {
    found.push({ path: [], message: 'a Policy must be a mapping' });
    return undefined;
  }
  checkFields(value, policyFields, [], found);
  if (value.apiVersion === undefined) found.push({ path: ['apiVersion'], message: 'apiVersion: Required value' });
  else if (value.apiVersion !== 'audit.k8s.io/v1') found.push({ path: ['apiVersion'], message: `apiVersion: Unsupported value: ${JSON.stringify(value.apiVersion)}: supported values: "audit.k8s.io/v1"` });
  if (value.kind === undefined) found.push({ path: ['kind'], message: 'kind: Required value' });
  else if (value.kind !== 'Policy') found.push({ path: ['kind'], message: `kind: Unsupported value: ${JSON.stringify(value.kind)}: supported values: "Policy"` });
  const omitStages = checkStages(value.omitStages, ['omitStages'], found);
  const omitManagedFields = checkBoolean(value.omitManagedFields, ['omitManagedFields'], found);
  const rules: AuditPolicyRule[] = [];
  if (value.rules === undefined || value.rules === null || (Array.isArray(value.rules) && value.rules.length === 0)) {
    found.push({ path: ['rules'], message: 'rules: Required value: a policy needs at least one rule' });
  } else if (!Array.isArray(value.rules)) {
    found.push({ path: ['rules'], message: 'rules: Invalid value: must be a list of rules' });
  } else {
    value.rules.forEach((r: unknown, i: number) => {
      const rule = checkRule(r, ['rules', i], found);
      if (rule) rules.push(rule);
    });
  }
  const policy: AuditPolicy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules };
  if (omitStages) policy.omitStages = omitStages;
  if (omitManagedFields !== undefined) policy.omitManagedFields = omitManagedFields;
  return policy;
}

function checkRule(value: unknown, path: PathElement[], found: Found[]): AuditPolicyRule | undefined {
  if (!isRecord(value)) {
    found.push({ path, message: `${fieldPath(path)}: Invalid value: a rule must be a mapping` });
    return undefined;
  }
  checkFields(value, ruleFields, path, found);
  const at = (f: string): PathElement[] => [...path, f];
  let level: AuditLevel = 'None';
  if (value.level === undefined || value.level === null || value.level === '') {
    found.push({ path: at('level'), message: `${fieldPath(at('level'))}: Required value` });
  } else if (typeof value.level !== 'string' || !(auditLevels as readonly string[]).includes(value.level)) {
    found.push({ path: at('level'), message: `${fieldPath(at('level'))}: Unsupported value: ${JSON.stringify(value.level)}: supported values: ${quoted(auditLevels)}` });
  } else {
    level = value.level as AuditLevel;
  }
  const rule: AuditPolicyRule = { level };
  for (const key of ['users', 'userGroups', 'verbs', 'namespaces'] as const) {
    const list = checkStrings(value[key], at(key), found);
    if (list) rule[key] = list;
  }
  const urls = checkStrings(value.nonResourceURLs, at('nonResourceURLs'), found);
  if (urls) {
    urls.forEach((url, i) => {
      const p = [...at('nonResourceURLs'), i];
      if (url === '*') return;
      if (!url.startsWith('/')) found.push({ path: p, message: `${fieldPath(p)}: Invalid value: "${url}": non-resource URL rules must begin with a '/' character` });
      if (url.slice(0, -1).includes('*')) found.push({ path: p, message: `${fieldPath(p)}: Invalid value: "${url}": non-resource URL wildcards '*' must be the final character of the rule` });
    });
    rule.nonResourceURLs = urls;
  }
  const resources = checkGroupResources(value.resources, at('resources'), found);
  if (resources) rule.resources = resources;
  if (urls?.length && (resources?.length || rule.namespaces?.length)) {
    found.push({ path: at('nonResourceURLs'), message: `${fieldPath(at('nonResourceURLs'))}: Invalid value: rules cannot apply to both regular resources and non-resource URLs` });
  }
  const omitStages = checkStages(value.omitStages, at('omitStages'), found);
  if (omitStages) rule.omitStages = omitStages;
  const omitManagedFields = checkBoolean(value.omitManagedFields, at('omitManagedFields'), found);
  if (omitManagedFields !== undefined) rule.omitManagedFields = omitManagedFields;
  return rule;
}

function checkStrings(value: unknown, path: PathElement[], found: Found[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    found.push({ path, message: `${fieldPath(path)}: Invalid value: must be a list of strings` });
    return undefined;
  }
  const bad = value.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) {
    found.push({ path: [...path, bad], message: `${fieldPath([...path, bad])}: Invalid value: ${JSON.stringify(value[bad])}: must be a string` });
    return undefined;
  }
  return value as string[];
}

function checkBoolean(value: unknown, path: PathElement[], found: Found[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    found.push({ path, message: `${fieldPath(path)}: Invalid value: ${JSON.stringify(value)}: must be true or false` });
    return undefined;
  }
  return value;
}

function checkStages(value: unknown, path: PathElement[], found: Found[]): AuditStage[] | undefined {
  const list = checkStrings(value, path, found);
  if (!list) return undefined;
  list.forEach((stage, i) => {
    if (!(auditStages as readonly string[]).includes(stage)) {
      found.push({ path: [...path, i], message: `${fieldPath([...path, i])}: Invalid value: "${stage}": allowed stages are ${auditStages.join(',')}` });
    }
  });
  return list as AuditStage[];
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkGroupResources(value: unknown, path: PathElement[], found: Found[]): GroupResources[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    found.push({ path, message: `${fieldPath(path)}: Invalid value: must be a list of {group, resources, resourceNames}` });
    return undefined;
  }
  const out: GroupResources[] = [];
  value.forEach((item: unknown, i: number) => {
    const p = [...path, i];
    if (!isRecord(item)) {
      found.push({ path: p, message: `${fieldPath(p)}: Invalid value: must be a mapping of group, resources and resourceNames` });
      return;
    }
    checkFields(item, groupResourceFields, p, found);
    const gr: GroupResources = {};
    if (item.group !== undefined && item.group !== null) {
      if (typeof item.group !== 'string') {
        found.push({ path: [...p, 'group'], message: `${fieldPath([...p, 'group'])}: Invalid value: ${JSON.stringify(item.group)}: must be a string` });
      } else {
        // The core group is ''; any other must be a DNS subdomain (a common slip is writing `apps/v1`).
        if (item.group !== '' && (item.group.length > 253 || !dnsSubdomain.test(item.group))) {
          found.push({
            path: [...p, 'group'],
            message: `${fieldPath([...p, 'group'])}: Invalid value: "${item.group}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
          });
        }
        gr.group = item.group;
      }
    }
    const resources = checkStrings(item.resources, [...p, 'resources'], found);
    if (resources) gr.resources = resources;
    const names = checkStrings(item.resourceNames, [...p, 'resourceNames'], found);
    if (names) {
      if (names.length > 0 && !resources?.length) {
        found.push({ path: [...p, 'resourceNames'], message: `${fieldPath([...p, 'resourceNames'])}: Invalid value: using resourceNames requires at least one resource` });
      }
      gr.resourceNames = names;
    }
    out.push(gr);
  });
  return out;
}
