import { parseFieldSelector } from '../../api/index.js';
import { compileRule, ruleAllows, type CompiledRule, type PolicyRule } from '../rbac/index.js';
import type { AuthorizationAttributes, AuthorizationDecision } from '../request-context.js';
import type { GraphKind, NodeGraph } from './node-graph.js';
import { nodeIdentity } from './node-identity.js';

/** The namespace node Leases live in. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** A request's attributes, with the raw `fieldSelector` of a list or watch (which pods a node may list depends on it). */
export type NodeAuthorizationAttributes = AuthorizationAttributes & { fieldSelector?: string };

export interface NodeAuthorizerOptions {
  /**
   * Kubernetes 1.32's AuthorizeNodeWithSelectors (beta, on by default): a node reads only its own Node,
   * lists and watches pods only with `spec.nodeName=<itself>`, and gets only pods bound to it. Off,
   * nodes and pods are served by the static rules (any Node, any pod), as before 1.32.
   */
  withSelectors?: boolean;
}

const allow: AuthorizationDecision = Object.freeze({ decision: 'allow', reason: '' });
const noOpinion = (reason = ''): AuthorizationDecision => ({ decision: 'noOpinion', reason });

/**
 * Kubernetes' Node authorizer: requests from nodes (`system:node:<name>` in `system:nodes`) are allowed
 * when they stay within what the node needs for the pods bound to it.
 * - Secrets and ConfigMaps: get, list and watch of one named object a pod on the node names.
 * - PersistentVolumeClaims and PersistentVolumes: get of one a pod on the node uses; claims' status
 *   update and patch the same way.
 * - ServiceAccounts: create of the `token` subresource for one a pod on the node runs as.
 * - Leases: get, create, update, patch and delete in kube-node-lease, of its own name (create is
 *   checked by NodeRestriction, which sees the name).
 * - CSINodes: the same verbs on its own name.
 * - Nodes (with selectors): get, list and watch of its own Node only; create, update and patch of
 *   Nodes and their status (NodeRestriction keeps that to its own).
 * - Pods (with selectors): get of a pod bound to it; list and watch with `spec.nodeName=<itself>` (or
 *   of one named pod bound to it); create and delete, status update and patch, and eviction
 *   (NodeRestriction narrows them to pods bound to it).
 * - Everything else (nodes and pods too without selectors): the static rules of the `system:node`
 *   ClusterRole.
 * It never denies: it allows or has no opinion (with a reason), and the next authorizer (RBAC) decides.
 * Users that are not nodes get no opinion and no reason.
 */
export class NodeAuthorizer {
  private readonly rules: CompiledRule[];
  private readonly withSelectors: boolean;

  constructor(
    private readonly graph: NodeGraph,
    nodeRules: readonly PolicyRule[],
    opts: NodeAuthorizerOptions = {},
  ) {
    this.rules = nodeRules.map(compileRule);
    this.withSelectors = opts.withSelectors ?? true;
  }

  authorize(a: NodeAuthorizationAttributes): AuthorizationDecision {
    const { isNode, name: node } = nodeIdentity(a.user);
    if (!isNode) return noOpinion();
    if (node === '') return noOpinion(`unknown node for user ${JSON.stringify(a.user.username)}`);
    if (a.resourceRequest) {
      const group = a.apiGroup ?? '';
      const resource = a.resource ?? '';
      if (group === '') {
        switch (resource) {
          case 'secrets':
            return this.readNamespaced(node, 'secret', a);
          case 'configmaps':
            return this.readNamespaced(node, 'configmap', a);
          case 'persistentvolumeclaims':
            return a.subresource === 'status' ? this.statusUpdate(node, 'persistentvolumeclaim', a) : this.get(node, 'persistentvolumeclaim', a);
          case 'persistentvolumes':
            return this.get(node, 'persistentvolume', a);
          case 'serviceaccounts':
            return this.createToken(node, a);
          case 'nodes':
            if (this.withSelectors) return this.nodeObject(node, a);
            break;
          case 'pods':
            if (this.withSelectors) return this.pod(node, a);
            break;
        }
      } else if (group === 'coordination.k8s.io' && resource === 'leases') {
        return this.lease(node, a);
      } else if (group === 'storage.k8s.io' && resource === 'csinodes') {
        return this.csiNode(node, a);
      } else if ((group === 'storage.k8s.io' && resource === 'volumeattachments') || (group === 'resource.k8s.io' && resource === 'resourceclaims')) {
        // Wharf keeps neither in the graph: no node reaches them.
        return this.get(node, undefined, a);
      }
    }
    for (const r of this.rules) if (ruleAllows(a, r)) return allow;
    return noOpinion();
  }

  private readNamespaced(node: string, kind: GraphKind, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch') return noOpinion('can only read resources of this type');
    if (a.subresource) return noOpinion('cannot read subresource');
    if (!a.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(node, kind, a);
  }

  private get(node: string, kind: GraphKind | undefined, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (a.subresource) return noOpinion('cannot get subresource');
    return this.related(node, kind, a);
  }

  private statusUpdate(node: string, kind: GraphKind, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.verb !== 'update' && a.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    if (a.subresource !== 'status') return noOpinion('can only update status subresource');
    return this.related(node, kind, a);
  }

  private createToken(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    if (a.verb !== 'create' || !a.name) return noOpinion('can only create tokens for individual service accounts');
    if (a.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.related(node, 'serviceaccount', a);
  }

  private related(node: string, kind: GraphKind | undefined, a: AuthorizationAttributes): AuthorizationDecision {
    if (!a.name) return noOpinion('No Object name found');
    if (kind && this.graph.related(kind, a.namespace ?? '', a.name, node)) return allow;
    return noOpinion(`no relationship found between node '${node}' and this object`);
  }

  private nodeObject(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    const verb = a.verb;
    if (!a.subresource) {
      if (verb === 'create' || verb === 'update' || verb === 'patch') return allow;
      if (verb === 'get' || verb === 'list' || verb === 'watch') {
        // By name rather than through the graph, so a node may look for its Node before creating it.
        if (a.name === node) return allow;
        if (!a.name) return noOpinion(`node '${node}' cannot read all nodes, only its own Node object`);
        return noOpinion(`node '${node}' cannot read '${a.name}', only its own Node object`);
      }
    } else if (a.subresource === 'status' && (verb === 'update' || verb === 'patch')) {
      return allow;
    }
    return noOpinion();
  }

  private pod(node: string, a: NodeAuthorizationAttributes): AuthorizationDecision {
    const verb = a.verb;
    switch (a.subresource ?? '') {
      case '':
        if (verb === 'get') return this.get(node, 'pod', a);
        if (verb === 'list' || verb === 'watch') {
          if (selectsNode(a.fieldSelector, node)) return allow;
          if (a.name) return this.related(node, 'pod', a);
          return noOpinion('can only list/watch pods with spec.nodeName field selector');
        }
        if (verb === 'create' || verb === 'delete') return allow;
        break;
      case 'status':
        if (verb === 'update' || verb === 'patch') return allow;
        break;
      case 'eviction':
        if (verb === 'create') return allow;
        break;
    }
    return noOpinion();
  }

  private lease(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (a.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
    // A create carries no name in its URL; NodeRestriction checks the object's.
    if (a.verb !== 'create' && a.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
    return allow;
  }

  private csiNode(node: string, a: AuthorizationAttributes): AuthorizationDecision {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a CSINode');
    if (a.subresource) return noOpinion('cannot authorize CSINode subresources');
    if (a.verb !== 'create' && a.name !== node) return noOpinion('can only access CSINode with the same name as the requesting node');
    return allow;
  }
}

/** Whether a field selector requires `spec.nodeName=<node>`. */
function selectsNode(fieldSelector: string | undefined, node: string): boolean {
  if (!fieldSelector) return false;
  try {
    return parseFieldSelector(fieldSelector).requiredValue('spec.nodeName') === node;
  } catch {
    return false;
  }
}
