/**
 * The API server's side of logs, exec, attach and port-forward: it finds the node running the pod and
 * forwards the request to that node's API with its own client certificate; upgraded connections are
 * joined byte for byte, so the stream protocols live in the node API (src/node/server/).
 */
export { KubeletClient, nodeEndpoint, type NodeEndpoint } from './kubelet-client.js';
export { chooseContainer, endpointFor, proxyLog, proxyPodConnect, streamingSubresources, type PodConnectContext } from './pod-connect.js';
