/**
 * Node client certificates for joining nodes: the endpoint that signs them (for bootstrap tokens and
 * for renewal), the request a node makes, the CA hash a node pins, and the objects `wharf join` needs.
 */
export { caCertHash, matchesCaCertHash } from './ca-cert-hash.js';
export { caOfClusterInfo, CLUSTER_INFO, clusterInfoConfigMap, joinRbacObjects, NODE_BOOTSTRAPPER_ROLE } from './join-objects.js';
export {
  mayObtainNodeCertificate,
  NODE_CERTIFICATE_PATH,
  serveNodeCertificate,
  type NodeCertificateRequestBody,
  type NodeCertificateResponseBody,
} from './node-certificate-endpoint.js';
export {
  createNodeCertificateRequest,
  NODE_CERTIFICATE_DAYS,
  NODE_USER_PREFIX,
  NODES_GROUP,
  nodeNameOfRequest,
  signNodeCertificate,
  type CertificationRequest,
  type NodeCertificateRequest,
} from './node-certificate-signer.js';
