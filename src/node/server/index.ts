/**
 * The node API (kubelet's port 10250): container logs, exec, attach and port-forward over HTTPS, with
 * the WebSocket and SPDY/3.1 stream protocols kubectl speaks, reached only by the API server.
 */
export { apiServerKubeletClientUser, NodeServer, startNodeServer, type NodeServerOptions, type ServedNode, type StartNodeServerOptions } from './node-server.js';
export { selfSignedServingCertificate } from './serving-certificate.js';
export { type ContainerLogRequest, type ExecIO, type TerminalSize } from '../runtime.js';
