/**
 * `POST /wharf/v1/node-client-certificate`: Wharf's short path from a bootstrap token to a node client
 * certificate, in place of Kubernetes' CertificateSigningRequest round trip (create, auto-approve, sign,
 * read back). The body is `{"request": base64(PEM PKCS#10)}` as a CSR's spec.request; the answer (201)
 * is `{"certificate": base64(PEM)}` as its status.certificate, plus the CA bundle.
 *
 * Who may ask, as Kubernetes' CSR approver decides for node client certificates: a bootstrapper
 * (`system:bootstrappers`) for any node name, and a node (`system:node:<name>` in `system:nodes`) for its
 * own name only, to renew. RBAC must let the caller `create` on this non-resource URL first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, StatusError } from '../../api/errors.js';
import { isPlainObject } from '../../api/object.js';
import { decodeBody, readBody, sendJson } from '../http-io.js';
import type { CertAndKey } from '../pki/index.js';
import type { UserInfo } from '../request-context.js';
import { NODE_USER_PREFIX, NODES_GROUP, nodeNameOfRequest, signNodeCertificate } from './node-certificate-signer.js';

export const NODE_CERTIFICATE_PATH = '/wharf/v1/node-client-certificate';
const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

/** The request and answer bodies. */
export interface NodeCertificateRequestBody {
  request: string;
}
export interface NodeCertificateResponseBody {
  kind: 'NodeClientCertificate';
  apiVersion: 'wharf.dev/v1';
  nodeName: string;
  certificate: string;
  ca: string;
}

function forbiddenFor(user: UserInfo, name: string): StatusError {
  return new StatusError(403, 'Forbidden', `user "${user.username}" may not obtain a client certificate for node "${name}"`);
}

/** May `user` get a certificate for node `name`? */
export function mayObtainNodeCertificate(user: UserInfo, name: string): boolean {
  if (user.groups.includes(BOOTSTRAPPERS_GROUP)) return true;
  return user.groups.includes(NODES_GROUP) && user.username === `${NODE_USER_PREFIX}${name}`;
}

/** Answers one request to the node certificate path. */
export async function serveNodeCertificate(req: IncomingMessage, res: ServerResponse, user: UserInfo, ca: CertAndKey, now = new Date()): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed();
  const body = decodeBody(await readBody(req), req.headers['content-type']);
  if (!isPlainObject(body) || typeof body.request !== 'string' || body.request === '') throw badRequest('the body must be {"request": "<base64 PEM certificate request>"}');
  const pem = Buffer.from(body.request, 'base64').toString('utf8');
  const { name, csr } = nodeNameOfRequest(pem);
  if (!mayObtainNodeCertificate(user, name)) throw forbiddenFor(user, name);
  const cert = signNodeCertificate(ca, csr, now);
  const answer: NodeCertificateResponseBody = {
    kind: 'NodeClientCertificate',
    apiVersion: 'wharf.dev/v1',
    nodeName: name,
    certificate: Buffer.from(cert).toString('base64'),
    ca: Buffer.from(ca.cert).toString('base64'),
  };
  sendJson(res, 201, answer);
}
