import type { UserInfo } from '../request-context.js';

export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';

/**
 * The group of the one identity `wharf up`'s in-process simulated fleet uses (`system:node:wharf-nodes`):
 * that identity acts for every simulated node, so the Node authorizer and NodeRestriction treat its
 * members as not being a node, and RBAC alone decides for them.
 */
export const SIMULATED_FLEET_GROUP = 'wharf:simulated-fleet';

/**
 * Which node a user is, as Kubernetes' default NodeIdentifier decides: a member of `system:nodes` whose
 * name starts with `system:node:`. `isNode` false means the user is no node; `isNode` with an empty
 * `name` is a node that cannot be told apart (`system:node:`), which is refused.
 */
export function nodeIdentity(user: UserInfo | undefined): { isNode: boolean; name: string } {
  if (!user || !user.username.startsWith(NODE_USER_PREFIX)) return notANode;
  let inNodes = false;
  for (const g of user.groups) {
    if (g === SIMULATED_FLEET_GROUP) return notANode;
    if (g === NODES_GROUP) inNodes = true;
  }
  if (!inNodes) return notANode;
  return { isNode: true, name: user.username.slice(NODE_USER_PREFIX.length) };
}

const notANode = Object.freeze({ isNode: false, name: '' });
