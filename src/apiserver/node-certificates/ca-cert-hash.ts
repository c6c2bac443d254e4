/**
 * kubeadm's `--discovery-token-ca-cert-hash`: `sha256:` and the hex SHA-256 of the CA certificate's
 * DER-encoded SubjectPublicKeyInfo. A joining node pins the CA it downloads with it, so no one between
 * it and the API server can substitute another.
 */
import { createHash, X509Certificate } from 'node:crypto';

export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** True when one of the PEM certificates in `bundlePem` has the hash (compared case-insensitively, as kubeadm does). */
export function matchesCaCertHash(bundlePem: string, hash: string): boolean {
  const wanted = hash.trim().toLowerCase();
  if (!/^sha256:[0-9a-f]{64}$/.test(wanted)) throw new RangeError(`Invalid CA certificate hash "${hash}": expected sha256:<64 hex digits>`);
  const certs = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return certs.some((pem) => caCertHash(pem) === wanted);
}
