/**
 * Kubernetes' Node authorization for Wharf's API server (`--authorization-mode=Node,RBAC`): the graph of
 * what each node reaches through the pods bound to it, the Node authorizer deciding node requests from
 * it, and the feed keeping it current from the watch caches. NodeRestriction admission
 * (`../admission/node-restriction.ts`) confines the writes the authorizer lets through.
 *
 * Wiring, in the server: `new NodeAuthorizer(graph, systemNodeRules())` asked before RBAC through
 * `authorizerChain`, and `new NodeGraphFeed(graph, pods, persistentvolumes).start()`.
 */
export { NodeAuthorizer, NODE_LEASE_NAMESPACE, type NodeAuthorizationAttributes, type NodeAuthorizerOptions } from './node-authorizer.js';
export { NodeGraph, type GraphKind } from './node-graph.js';
export { NodeGraphFeed } from './node-graph-feed.js';
export { authorizerChain, type Authorizer } from './authorizer-chain.js';
export { nodeIdentity, NODES_GROUP, NODE_USER_PREFIX, SIMULATED_FLEET_GROUP } from './node-identity.js';
export { podReferences, persistentVolumeSecrets, type PodReferences } from './pod-references.js';
