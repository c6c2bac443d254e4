import { deepEqual, isPlainObject, type KubeObject } from '../../object.js';
import type { UserInfo } from './types.js';

/** The requesting user as the API server knows it. */
export interface RequestingUser {
  username: string;
  uid?: string;
  groups?: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

const kindsWithUserInfo = new Set(['ServiceInstance', 'ServiceBinding']);

function specWithout(obj: KubeObject | undefined): unknown {
  if (!obj || !isPlainObject(obj.spec)) return undefined;
  const { userInfo: _ignored, ...rest } = obj.spec;
  return rest;
}

/**
 * Records who asked, as the service catalog's API server did: `spec.userInfo` of a ServiceInstance or
 * ServiceBinding becomes the requesting user on create and on every update that changes the spec, and
 * whatever the client sent there is replaced (it is not the client's to set). The controllers send it to
 * the broker as the Originating-Identity. Meant for the API server's admission chain; returns whether it
 * applied to `obj`.
 */
export function recordUserInfo(obj: KubeObject, old: KubeObject | undefined, user: RequestingUser | undefined): boolean {
  if (!kindsWithUserInfo.has(obj.kind) || !obj.apiVersion.startsWith('servicecatalog.k8s.io/')) return false;
  const spec = isPlainObject(obj.spec) ? obj.spec : (obj.spec = {});
  const oldInfo = isPlainObject(old?.spec) ? old.spec.userInfo : undefined;
  if (old && deepEqual(specWithout(obj), specWithout(old))) {
    if (oldInfo === undefined) delete spec.userInfo;
    else spec.userInfo = oldInfo;
    return true;
  }
  if (!user) {
    delete spec.userInfo;
    return true;
  }
  const info: UserInfo = { username: user.username, uid: user.uid ?? '' };
  if (user.groups?.length) info.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) info.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
  spec.userInfo = info;
  return true;
}
