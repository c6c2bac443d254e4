import type { KubeObject } from '../../api/index.js';
import type { AuthorizationAttributes, AuthorizationDecision, UserInfo } from '../request-context.js';
import {
  privilegedGroup,
  rbacGroup,
  roleRefOf,
  rulesOf,
  serviceAccountUsername,
  subjectsOf,
  type PolicyRule,
  type RoleRef,
  type Subject,
} from './policy-rule.js';
import { compileRule, ruleAllows, type CompiledRule } from './rule-matching.js';

/** The current objects of one RBAC resource (`roles`, `clusterroles`, `rolebindings`, `clusterrolebindings`), from memory. */
export type RbacLister = (group: string, plural: string) => readonly KubeObject[];

export interface RbacAuthorizerOptions {
  /**
   * Read on every decision; when it returns something new (`!==`) the index is rebuilt. Without it the
   * caller must call `invalidate()` after every change to roles, cluster roles and their bindings.
   */
  version?: () => unknown;
  /** Users whose rules and decisions are kept; past it the caches start over. */
  maxCachedUsers?: number;
  /** Remembered decisions per user; past it that user's memo starts over. */
  maxDecisionsPerUser?: number;
}

interface RoleEntry {
  rules: PolicyRule[];
  compiled: CompiledRule[];
}

interface BindingEntry {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

/** The rules one binding gives one user, and the decision it produces when one of them matches. */
interface Grant {
  role: RoleEntry;
  binding: BindingEntry;
  subject: Subject;
  allow?: AuthorizationDecision;
}

interface ScopeRules {
  grants: Grant[];
  errors: string[];
}

interface UserEntry {
  generation: number;
  cluster: ScopeRules;
  namespaces: Map<string, ScopeRules>;
  decisions: Map<string, AuthorizationDecision>;
}

interface BindingSet {
  bindings: BindingEntry[];
  /** `u:<username>` (ServiceAccounts under their username) and `g:<group>` to binding positions, ascending. */
  bySubject: Map<string, number[]>;
}

const allowPrivileged: AuthorizationDecision = Object.freeze({ decision: 'allow', reason: '' });
const noOpinion: AuthorizationDecision = Object.freeze({ decision: 'noOpinion', reason: '' });
const noScope: ScopeRules = { grants: [], errors: [] };

/** Go's %q for the plain strings RBAC names are. */
const q = (s: string): string => JSON.stringify(s);

/**
 * Kubernetes' RBAC authorizer over objects held in memory. Members of `system:masters` are always allowed
 * (kube-apiserver's privileged-group authorizer). Otherwise a request is allowed by the first rule, among
 * the ClusterRoleBindings and then the RoleBindings of the request's namespace that name the user, one of
 * its groups or its ServiceAccount, that matches it; the reason says which binding. When none does the
 * decision is `noOpinion` (the server answers 403), its reason listing roles that bindings referenced but
 * that do not exist, as upstream.
 *
 * Decisions are cheap: the bindings are indexed by subject once per change, each user's rules are
 * gathered once, and decisions are memoized per user until the next change.
 */
export class RbacAuthorizer {
  private readonly list: RbacLister;
  private readonly version?: () => unknown;
  private readonly maxUsers: number;
  private readonly maxDecisions: number;
  private lastVersion: unknown = undefined;
  private generation = 0;
  private built = false;
  private roles = new Map<string, RoleEntry>();
  private clusterRoles = new Map<string, RoleEntry>();
  private clusterBindings: BindingSet = { bindings: [], bySubject: new Map() };
  private namespaceBindings = new Map<string, BindingSet>();
  private usersByKey = new Map<string, UserEntry>();
  private usersByObject = new WeakMap<UserInfo, UserEntry>();

  constructor(list: RbacLister, options: RbacAuthorizerOptions = {}) {
    this.list = list;
    this.version = options.version;
    this.maxUsers = options.maxCachedUsers ?? 4096;
    this.maxDecisions = options.maxDecisionsPerUser ?? 4096;
  }

  /** Forgets the index, users' rules and decisions; the next decision reads the lists again. */
  invalidate(): void {
    this.built = false;
  }

  authorize(a: AuthorizationAttributes): AuthorizationDecision {
    const groups = a.user.groups;
    for (let i = 0; i < groups.length; i++) if (groups[i] === privilegedGroup) return allowPrivileged;
    const entry = this.userEntry(a.user);
    const key = a.resourceRequest
      ? `r\0${a.verb}\0${a.apiGroup ?? ''}\0${a.resource ?? ''}\0${a.subresource ?? ''}\0${a.namespace ?? ''}\0${a.name ?? ''}`
      : `n\0${a.verb}\0${a.path ?? ''}`;
    const known = entry.decisions.get(key);
    if (known !== undefined) return known;
    const decision = this.decide(a, entry);
    if (entry.decisions.size >= this.maxDecisions) entry.decisions.clear();
    entry.decisions.set(key, decision);
    return decision;
  }

  /**
   * The rules the user holds in `namespace` (cluster-wide ones first; '' for cluster-wide only), and the
   * errors met resolving them (bindings to missing roles), as upstream's RulesFor.
   */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const entry = this.userEntry(user);
    const scopes = namespace === '' ? [entry.cluster] : [entry.cluster, this.namespaceScope(user, entry, namespace)];
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    for (const scope of scopes) {
      for (const g of scope.grants) rules.push(...g.role.rules);
      errors.push(...scope.errors);
    }
    return { rules, errors };
  }

  /** The rules a roleRef points at from a binding in `namespace` ('' for a ClusterRoleBinding), or an error message. */
  roleReferenceRules(ref: RoleRef, namespace: string): { rules: PolicyRule[] } | { error: string; notFound: boolean } {
    this.refresh();
    const found = this.resolveRole(ref, namespace);
    return typeof found === 'string' ? { error: found, notFound: ref.kind === 'Role' || ref.kind === 'ClusterRole' } : { rules: found.rules };
  }

  private decide(a: AuthorizationAttributes, entry: UserEntry): AuthorizationDecision {
    const cluster = entry.cluster;
    const allowed = firstAllowing(a, cluster.grants);
    if (allowed) return allowed;
    const ns = a.namespace ? this.namespaceScope(a.user, entry, a.namespace) : noScope;
    const nsAllowed = firstAllowing(a, ns.grants);
    if (nsAllowed) return nsAllowed;
    const errors = cluster.errors.length + ns.errors.length;
    if (errors === 0) return noOpinion;
    return Object.freeze({ decision: 'noOpinion', reason: `RBAC: ${aggregateMessage([...cluster.errors, ...ns.errors])}` });
  }

  private refresh(): void {
    if (this.version) {
      const v = this.version();
      if (v !== this.lastVersion) {
        this.lastVersion = v;
        this.built = false;
      }
    }
    if (this.built) return;
    this.build();
    this.built = true;
    this.generation++;
    this.usersByKey.clear();
    this.usersByObject = new WeakMap();
  }

  private build(): void {
    this.roles = new Map();
    for (const r of this.list(rbacGroup, 'roles')) this.roles.set(`${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`, roleEntry(r));
    this.clusterRoles = new Map();
    for (const r of this.list(rbacGroup, 'clusterroles')) this.clusterRoles.set(r.metadata.name ?? '', roleEntry(r));
    this.clusterBindings = { bindings: [], bySubject: new Map() };
    for (const b of this.list(rbacGroup, 'clusterrolebindings')) addBinding(this.clusterBindings, bindingEntry(b, 'ClusterRoleBinding'));
    this.namespaceBindings = new Map();
    for (const b of this.list(rbacGroup, 'rolebindings')) {
      const entry = bindingEntry(b, 'RoleBinding');
      let set = this.namespaceBindings.get(entry.namespace);
      if (!set) this.namespaceBindings.set(entry.namespace, (set = { bindings: [], bySubject: new Map() }));
      addBinding(set, entry);
    }
  }

  private userEntry(user: UserInfo): UserEntry {
    this.refresh();
    const cached = this.usersByObject.get(user);
    if (cached && cached.generation === this.generation) return cached;
    const key = `${user.username}\0${user.groups.join('\0')}`;
    let entry = this.usersByKey.get(key);
    if (!entry) {
      if (this.usersByKey.size >= this.maxUsers) this.usersByKey.clear();
      entry = {
        generation: this.generation,
        cluster: this.resolveScope(user, this.clusterBindings, ''),
        namespaces: new Map(),
        decisions: new Map(),
      };
      this.usersByKey.set(key, entry);
    }
    this.usersByObject.set(user, entry);
    return entry;
  }

  private namespaceScope(user: UserInfo, entry: UserEntry, namespace: string): ScopeRules {
    let scope = entry.namespaces.get(namespace);
    if (!scope) {
      const set = this.namespaceBindings.get(namespace);
      scope = set ? this.resolveScope(user, set, namespace) : noScope;
      entry.namespaces.set(namespace, scope);
    }
    return scope;
  }

  private resolveScope(user: UserInfo, set: BindingSet, namespace: string): ScopeRules {
    const positions = new Set<number>();
    for (const p of set.bySubject.get(`u:${user.username}`) ?? []) positions.add(p);
    for (const g of user.groups) for (const p of set.bySubject.get(`g:${g}`) ?? []) positions.add(p);
    if (positions.size === 0) return noScope;
    const scope: ScopeRules = { grants: [], errors: [] };
    for (const p of [...positions].sort((x, y) => x - y)) {
      const binding = set.bindings[p];
      const subject = binding.subjects.find((s) => appliesTo(user, s, namespace));
      if (!subject) continue;
      const role = this.resolveRole(binding.roleRef, namespace);
      if (typeof role === 'string') scope.errors.push(role);
      else scope.grants.push({ role, binding, subject });
    }
    return scope;
  }

  private resolveRole(ref: RoleRef, namespace: string): RoleEntry | string {
    switch (ref.kind) {
      case 'Role':
        return this.roles.get(`${namespace}/${ref.name}`) ?? `role.rbac.authorization.k8s.io ${q(ref.name)} not found`;
      case 'ClusterRole':
        return this.clusterRoles.get(ref.name) ?? `clusterrole.rbac.authorization.k8s.io ${q(ref.name)} not found`;
      default:
        return `unsupported role reference kind: ${q(ref.kind)}`;
    }
  }
}

function firstAllowing(a: AuthorizationAttributes, grants: readonly Grant[]): AuthorizationDecision | undefined {
  for (let i = 0; i < grants.length; i++) {
    const g = grants[i];
    const rules = g.role.compiled;
    for (let j = 0; j < rules.length; j++) {
      if (ruleAllows(a, rules[j])) return (g.allow ??= Object.freeze({ decision: 'allow', reason: `RBAC: allowed by ${describeGrant(g)}` }));
    }
  }
  return undefined;
}

function roleEntry(role: KubeObject): RoleEntry {
  const rules = rulesOf(role);
  return { rules, compiled: rules.map(compileRule) };
}

function bindingEntry(b: KubeObject, kind: BindingEntry['kind']): BindingEntry {
  return { kind, name: b.metadata.name ?? '', namespace: b.metadata.namespace ?? '', roleRef: roleRefOf(b), subjects: subjectsOf(b) };
}

function addBinding(set: BindingSet, binding: BindingEntry): void {
  const position = set.bindings.length;
  set.bindings.push(binding);
  for (const s of binding.subjects) {
    const key = subjectKey(s, binding.namespace);
    if (key === undefined) continue;
    const list = set.bySubject.get(key);
    if (!list) set.bySubject.set(key, [position]);
    else if (list[list.length - 1] !== position) list.push(position);
  }
}

/** Where a subject is filed: a ServiceAccount under its username, its namespace defaulting to the binding's. */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `u:${serviceAccountUsername(ns, s.name)}` : undefined;
    }
    default:
      return undefined;
  }
}

function appliesTo(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns !== '' && user.username === serviceAccountUsername(ns, s.name);
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${q(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${q(s.name)}`;
}

/** Upstream's binding describers, the text after "RBAC: allowed by". */
function describeGrant(g: Grant): string {
  const b = g.binding;
  const role = `${b.roleRef.kind} ${q(b.roleRef.name)}`;
  if (b.kind === 'ClusterRoleBinding') return `ClusterRoleBinding ${q(b.name)} of ${role} to ${describeSubject(g.subject, '')}`;
  return `RoleBinding ${q(`${b.name}/${b.namespace}`)} of ${role} to ${describeSubject(g.subject, b.namespace)}`;
}

/** Go's utilerrors aggregate: one message alone, several deduplicated in brackets. */
export function aggregateMessage(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0];
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
