/**
 * Issues one X.509 certificate: a fresh RSA key from Node's crypto, the certificate built and signed by
 * node-forge (Node can read and verify certificates but cannot create them).
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsaKeyPair = promisify(generateKeyPair);

/** A certificate and its private key, both PEM. */
export interface CertAndKey {
  cert: string;
  key: string;
}

export interface CertificateSpec {
  commonName: string;
  /** Subject `O` attributes, in order: Kubernetes reads them as the user's groups. */
  organizations?: string[];
  /** Valid from one hour ago (to forgive clock skew between machines) for this many days. */
  days: number;
  /** A certificate authority: may sign other certificates and nothing else. */
  isCA?: boolean;
  /** Extended key usages of a leaf certificate. */
  serverAuth?: boolean;
  clientAuth?: boolean;
  /** DNS names and IP addresses (v4 or v6) for the subjectAltName extension. */
  hosts?: string[];
  /** Start of validity; defaults to now minus an hour. Tests set it to make expired certificates. */
  notBefore?: Date;
}

const ONE_HOUR_MS = 3_600_000;
const ONE_DAY_MS = 86_400_000;

/** OIDs and names node-forge knows for the subject attributes Wharf writes. */
function subjectOf(spec: CertificateSpec): forge.pki.CertificateField[] {
  return [
    ...(spec.organizations ?? []).map((o) => ({ shortName: 'O', value: o })),
    { shortName: 'CN', value: spec.commonName },
  ];
}

/** A random positive serial number: 16 bytes with the sign bit cleared, as RFC 5280 asks. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 1; // no leading zero byte, so the DER encoding is minimal
  return bytes.toString('hex');
}

function subjectAltNames(hosts: string[]): { type: number; value?: string; ip?: string }[] {
  // GeneralName tags: 2 = dNSName, 7 = iPAddress.
  return [...new Set(hosts)].map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
}

/**
 * Creates a key pair and a certificate for it. Without `issuer` the certificate is self-signed (a root
 * CA); with it, `issuer` (a CA certificate and key) signs it.
 */
export async function signCertificate(spec: CertificateSpec, issuer?: CertAndKey): Promise<CertAndKey> {
  if (!spec.commonName) throw new TypeError('A certificate needs a common name');
  if (!(spec.days > 0)) throw new RangeError(`Certificate validity must be a positive number of days, got ${spec.days}`);

  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });

  const cert = forge.pki.createCertificate();
  cert.version = 2; // X.509 v3: extensions are allowed
  cert.serialNumber = serialNumber();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  const notBefore = spec.notBefore ?? new Date(Date.now() - ONE_HOUR_MS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + spec.days * ONE_DAY_MS);
  cert.setSubject(subjectOf(spec));

  let signingKey: forge.pki.PrivateKey;
  const extensions: forge.pki.Extension[] = [];
  if (issuer) {
    const issuerCert = forge.pki.certificateFromPem(issuer.cert);
    cert.setIssuer(issuerCert.subject.attributes);
    signingKey = forge.pki.privateKeyFromPem(issuer.key);
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() });
  } else {
    cert.setIssuer(subjectOf(spec));
    signingKey = forge.pki.privateKeyFromPem(privateKey);
  }

  if (spec.isCA) {
    extensions.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    );
  } else {
    extensions.push(
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: spec.serverAuth === true, clientAuth: spec.clientAuth === true },
    );
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (spec.hosts?.length) extensions.push({ name: 'subjectAltName', altNames: subjectAltNames(spec.hosts) });
  cert.setExtensions(extensions);
  cert.sign(signingKey, forge.md.sha256.create());

  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}
