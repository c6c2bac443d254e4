import type { KubeObject } from '../../../src/api/object.js';
import type { PolicyRule, Subject } from '../../../src/apiserver/rbac/policy-rule.js';
import type { AuthorizationAttributes, UserInfo } from '../../../src/apiserver/request-context.js';

/** RBAC objects held in memory, listed the way the server's watch caches list them. */
export class Objects {
  readonly byPlural = new Map<string, KubeObject[]>();

  add(...objs: KubeObject[]): this {
    for (const o of objs) {
      const plural = `${o.kind.toLowerCase()}s`;
      const list = this.byPlural.get(plural) ?? [];
      list.push(o);
      this.byPlural.set(plural, list);
    }
    return this;
  }

  list = (group: string, plural: string): KubeObject[] => (group === 'rbac.authorization.k8s.io' ? (this.byPlural.get(plural) ?? []) : []);
}

const api = 'rbac.authorization.k8s.io/v1';

export function role(namespace: string, name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: api, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>): KubeObject {
  return { apiVersion: api, kind: 'ClusterRole', metadata: { name, labels }, rules };
}

export function roleBinding(namespace: string, name: string, ref: { kind: string; name: string }, subjects: Subject[]): KubeObject {
  return { apiVersion: api, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref }, subjects };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): KubeObject {
  return {
    apiVersion: api,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

export const userSubject = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
export const groupSubject = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

export const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'] };

export function resource(user: UserInfo, verb: string, res: string, more: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  const [resourceName, subresource] = res.split('/');
  return { user, verb, resourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: resourceName, subresource, ...more };
}

export function path(user: UserInfo, verb: string, p: string): AuthorizationAttributes {
  return { user, verb, resourceRequest: false, path: p };
}
