/**
 * The cluster's public key infrastructure, kept in `<dataDir>/pki/` as kubeadm keeps /etc/kubernetes/pki:
 * a cluster CA, the API server's serving certificate, the admin's client certificate and the key pair
 * that signs ServiceAccount tokens. Created on the first start and reused on every later one, so
 * kubeconfigs and tokens handed out stay valid across restarts.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { signCertificate, type CertAndKey } from './sign-certificate.js';

export type { CertAndKey } from './sign-certificate.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Everything the server and the kubeconfig writer need, as PEM text. */
export interface Pki {
  /** `<dataDir>/pki`. */
  dir: string;
  /** The cluster CA: trusted by clients for the server, and by the server for client certificates. */
  ca: CertAndKey;
  /** The API server's serving certificate (serverAuth) for loopback, localhost and the given hosts. */
  server: CertAndKey;
  /** The admin's client certificate: CN=kubernetes-admin, O=system:masters. */
  admin: CertAndKey;
  /** The API server's client certificate for the node API (logs, exec): CN=kube-apiserver-kubelet-client. */
  kubeletClient: CertAndKey;
  /** The RSA key pair that signs (private) and verifies (public) ServiceAccount tokens. */
  serviceAccount: { privateKey: string; publicKey: string };
}

/** File names inside `<dataDir>/pki/`, as kubeadm names them. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  kubeletClientCert: 'apiserver-kubelet-client.crt',
  kubeletClientKey: 'apiserver-kubelet-client.key',
  serviceAccountKey: 'sa.key',
  serviceAccountPublicKey: 'sa.pub',
} as const;

export const ADMIN_USER = 'kubernetes-admin';
/** Who the API server is when it calls a node's API (kubeadm's `apiserver-kubelet-client`). */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
export const ADMIN_GROUP = 'system:masters';

/** Validity periods: the CA for ten years, what it signs for one (kubeadm's defaults). */
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** A leaf certificate closer than this to its end is renewed on start, before clients see it expire. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/**
 * Names every serving certificate carries: loopback for `wharf up`, and the in-cluster names that
 * pods use for the API server (the `kubernetes` Service).
 */
const DEFAULT_HOSTS = [
  '127.0.0.1',
  '::1',
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a key behind. */
async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode); // the umask may have narrowed `mode` on creation; keys must be exactly 0600
  await rename(tmp, file);
}

async function writePair(dir: string, certFile: string, keyFile: string, pair: CertAndKey): Promise<void> {
  // Key first: a certificate on disk without its key would look reusable and is not.
  await writeAtomically(path.join(dir, keyFile), pair.key, 0o600);
  await writeAtomically(path.join(dir, certFile), pair.cert, 0o644);
}

async function readPair(dir: string, certFile: string, keyFile: string): Promise<CertAndKey | undefined> {
  const [cert, key] = await Promise.all([readIfExists(path.join(dir, certFile)), readIfExists(path.join(dir, keyFile))]);
  return cert !== undefined && key !== undefined ? { cert, key } : undefined;
}

/**
 * Reads a stored pair. Anything wrong with it is a startup error naming the file when `strict` (the CA:
 * replacing it would silently invalidate every kubeconfig handed out); otherwise `undefined`, and the
 * caller issues a new pair (a crash between writing a leaf's key and its certificate ends up here).
 */
function parsePair(dir: string, certFile: string, pair: CertAndKey, strict: true): X509Certificate;
function parsePair(dir: string, certFile: string, pair: CertAndKey, strict: false): X509Certificate | undefined;
function parsePair(dir: string, certFile: string, pair: CertAndKey, strict: boolean): X509Certificate | undefined {
  const where = path.join(dir, certFile);
  const fail = (message: string): undefined => {
    if (strict) throw new Error(message);
    return undefined;
  };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.cert);
  } catch (e) {
    return fail(`${where} is not a PEM certificate: ${(e as Error).message}`);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return fail(`${where} does not match its private key`);
  } catch (e) {
    return fail(`The key beside ${where} cannot be read: ${(e as Error).message}`);
  }
  return cert;
}

/** A stored leaf is reused while the CA signed it, it is not near its end, and `accept` holds. */
function reusable(leaf: X509Certificate | undefined, ca: X509Certificate, accept: (c: X509Certificate) => boolean): boolean {
  return (
    leaf !== undefined &&
    leaf.checkIssued(ca) &&
    leaf.verify(ca.publicKey) &&
    new Date(leaf.validTo).getTime() - Date.now() > RENEW_BEFORE_MS &&
    accept(leaf)
  );
}

function coversHosts(cert: X509Certificate, hosts: string[]): boolean {
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
}

function hasSubject(cert: X509Certificate, user: string, groups: string[]): boolean {
  const expected = [...groups.map((g) => `O=${g}`), `CN=${user}`].join('\n');
  return cert.subject === expected;
}

/**
 * Creates (once) or loads the cluster PKI in `<dataDir>/pki/`. On later starts the CA and the
 * ServiceAccount key are always reused; the serving certificate is reissued when it no longer covers
 * `hosts` or nears its end, and the admin and kubelet-client certificates when they near their end.
 */
export async function ensurePki(dataDir: string, hosts: string[]): Promise<Pki> {
  const dir = path.join(dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const f = PKI_FILES;

  let ca = await readPair(dir, f.caCert, f.caKey);
  let caCert: X509Certificate;
  let caIsNew = false;
  if (ca) {
    caCert = parsePair(dir, f.caCert, ca, true);
    if (!caCert.ca) throw new Error(`${path.join(dir, f.caCert)} is not a CA certificate`);
  } else {
    ca = await signCertificate({ commonName: 'wharf-ca', days: CA_DAYS, isCA: true });
    await writePair(dir, f.caCert, f.caKey, ca);
    caCert = new X509Certificate(ca.cert);
    caIsNew = true;
  }

  // The unspecified addresses are where a server listens, never a name a client connects to.
  const serverHosts = [...new Set([...DEFAULT_HOSTS, ...hosts.filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::')])];
  // Each leaf is kept across starts while it is still good: issuing one (an RSA key and a signature in
  // JavaScript) took a tenth of a restart.
  const keepOrIssue = async (certFile: string, keyFile: string, accept: (c: X509Certificate) => boolean, issue: () => Promise<CertAndKey>): Promise<CertAndKey> => {
    const kept = caIsNew ? undefined : await readPair(dir, certFile, keyFile);
    if (kept && reusable(parsePair(dir, certFile, kept, false), caCert, accept)) return kept;
    const issued = await issue();
    await writePair(dir, certFile, keyFile, issued);
    return issued;
  };
  const server = await keepOrIssue(f.serverCert, f.serverKey, (c) => coversHosts(c, serverHosts), () =>
    signCertificate({ commonName: 'wharf-apiserver', days: LEAF_DAYS, serverAuth: true, hosts: serverHosts }, ca),
  );
  const admin = await keepOrIssue(f.adminCert, f.adminKey, (c) => hasSubject(c, ADMIN_USER, [ADMIN_GROUP]), () =>
    issueClientCertificate({ ca }, ADMIN_USER, [ADMIN_GROUP], LEAF_DAYS),
  );
  const kubeletClient = await keepOrIssue(f.kubeletClientCert, f.kubeletClientKey, (c) => hasSubject(c, KUBELET_CLIENT_USER, []), () =>
    issueClientCertificate({ ca }, KUBELET_CLIENT_USER, [], LEAF_DAYS),
  );

  const serviceAccount = await ensureServiceAccountKey(dir);
  return { dir, ca, server, admin, kubeletClient, serviceAccount };
}

/** The token-signing key pair; a lost public half is derived again from the private one. */
async function ensureServiceAccountKey(dir: string): Promise<Pki['serviceAccount']> {
  const keyFile = path.join(dir, PKI_FILES.serviceAccountKey);
  const pubFile = path.join(dir, PKI_FILES.serviceAccountPublicKey);
  let privateKey = await readIfExists(keyFile);
  let publicKey = await readIfExists(pubFile);
  if (privateKey === undefined) {
    const pair = await generateKeyPairAsync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    privateKey = pair.privateKey;
    publicKey = pair.publicKey;
    await writeAtomically(keyFile, privateKey, 0o600);
    await writeAtomically(pubFile, publicKey, 0o644);
  } else {
    let derived: string;
    try {
      derived = createPublicKey(createPrivateKey(privateKey)).export({ type: 'spki', format: 'pem' }).toString();
    } catch (e) {
      throw new Error(`${keyFile} cannot be read as a private key: ${(e as Error).message}`);
    }
    if (publicKey === undefined) {
      publicKey = derived;
      await writeAtomically(pubFile, publicKey, 0o644);
    } else if (publicKey.trim() !== derived.trim()) {
      throw new Error(`${pubFile} is not the public half of ${keyFile}`);
    }
  }
  return { privateKey, publicKey };
}

/**
 * Issues a client certificate signed by the cluster CA: CN is the user name, each O a group, as
 * Kubernetes' x509 authenticator reads them. Not stored anywhere: tests and tooling write it where
 * they need it.
 */
export async function issueClientCertificate(
  pki: Pick<Pki, 'ca'>,
  user: string,
  groups: string[],
  days = LEAF_DAYS,
): Promise<CertAndKey> {
  return signCertificate({ commonName: user, organizations: groups, days, clientAuth: true }, pki.ca);
}
