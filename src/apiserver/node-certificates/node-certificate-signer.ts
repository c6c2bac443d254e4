/**
 * Node client certificates from PKCS#10 requests: the node makes its own key and a request for
 * `CN=system:node:<name>, O=system:nodes`; the cluster CA signs it for client authentication, so the
 * private key never leaves the node.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { badRequest } from '../../api/errors.js';
import { dns1123Subdomain } from '../../api/validation/names.js';
import type { CertAndKey } from '../pki/index.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/**
 * node-forge's PKCS#10 calls, which the slice of it declared in src/apiserver/pki leaves out; typed here
 * rather than widening that shared declaration.
 */
export interface CertificationRequest {
  publicKey: forge.pki.PublicKey | null;
  readonly subject: { attributes: forge.pki.CertificateField[] };
  setSubject(attrs: forge.pki.CertificateField[]): void;
  sign(key: forge.pki.PrivateKey, md: forge.md.MessageDigest): void;
  /** Checks the request's self-signature: proof that the sender holds the private key. */
  verify(): boolean;
}
interface Pkcs10 {
  createCertificationRequest(): CertificationRequest;
  certificationRequestToPem(csr: CertificationRequest): string;
  certificationRequestFromPem(pem: string): CertificationRequest;
}
const pkcs10 = forge.pki as unknown as Pkcs10;

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';
/** A year, as kube-controller-manager's --cluster-signing-duration. */
export const NODE_CERTIFICATE_DAYS = 365;
/** Backdating, as Kubernetes' signer does, so a node whose clock is a little behind accepts it at once. */
const BACKDATE_MS = 5 * 60_000;

/** A node's key pair and its certificate request, PEM. */
export interface NodeCertificateRequest {
  csr: string;
  key: string;
}

/** Makes a fresh RSA key and a signed request for the node's client certificate. */
export async function createNodeCertificateRequest(nodeName: string): Promise<NodeCertificateRequest> {
  const problems = dns1123Subdomain(nodeName);
  if (problems.length) throw new RangeError(`Invalid node name "${nodeName}": ${problems.join('; ')}`);
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const csr = pkcs10.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKey);
  csr.setSubject([{ shortName: 'O', value: NODES_GROUP }, { shortName: 'CN', value: `${NODE_USER_PREFIX}${nodeName}` }]);
  csr.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { csr: pkcs10.certificationRequestToPem(csr), key: privateKey };
}

function attribute(fields: forge.pki.CertificateField[], short: string, long: string): string[] {
  return fields.filter((f) => f.shortName === short || f.name === long).map((f) => f.value);
}

/**
 * Reads a node's certificate request and returns the node name it asks for. Anything but a well-signed
 * request for exactly `CN=system:node:<valid name>, O=system:nodes` is a 400, as Kubernetes' node client
 * approver refuses such requests.
 */
export function nodeNameOfRequest(csrPem: string): { name: string; csr: CertificationRequest } {
  let csr: CertificationRequest;
  try {
    csr = pkcs10.certificationRequestFromPem(csrPem);
  } catch (e) {
    throw badRequest(`the certificate request is not a PEM-encoded PKCS#10 request: ${(e as Error).message}`);
  }
  let signed = false;
  try {
    signed = csr.verify();
  } catch {
    signed = false;
  }
  if (!signed || !csr.publicKey) throw badRequest('the certificate request signature does not verify');
  const attrs = csr.subject.attributes;
  const cn = attribute(attrs, 'CN', 'commonName');
  const orgs = attribute(attrs, 'O', 'organizationName');
  if (cn.length !== 1 || !cn[0].startsWith(NODE_USER_PREFIX)) throw badRequest(`the certificate request must have a single common name "${NODE_USER_PREFIX}<node name>"`);
  if (orgs.length !== 1 || orgs[0] !== NODES_GROUP) throw badRequest(`the certificate request must have exactly one organization, "${NODES_GROUP}"`);
  if (attrs.length !== 2) throw badRequest('the certificate request subject may hold only the common name and organization');
  const name = cn[0].slice(NODE_USER_PREFIX.length);
  const problems = dns1123Subdomain(name);
  if (problems.length) throw badRequest(`invalid node name "${name}" in the certificate request: ${problems.join('; ')}`);
  return { name, csr };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}

/** Signs a request already read by `nodeNameOfRequest` with the cluster CA: a client certificate, PEM. */
export function signNodeCertificate(ca: CertAndKey, csr: CertificationRequest, now = new Date(), days = NODE_CERTIFICATE_DAYS): string {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.version = 2;
  cert.serialNumber = serialNumber();
  cert.publicKey = csr.publicKey!;
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
  cert.setSubject(csr.subject.attributes.map((a) => ({ shortName: a.shortName, value: a.value })));
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
