/**
 * Client certificate authentication, as Kubernetes' x509 authenticator: a certificate that chains to the
 * client CA names the user in its subject's CN and the groups in its O attributes.
 *
 * The TLS server asks for a certificate without requiring one (`requestCert: true,
 * rejectUnauthorized: false`), so that token and anonymous requests still connect; Node then records
 * whether the presented chain verified. This module reads that verdict, checks the chain against the
 * client CA itself too (the server's `ca` option could trust more), and checks usage and validity.
 */
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';
import type { UserInfo } from '../request-context.js';
import { rejected } from './rejected.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE_OID = '2.5.29.37.0';
/** How far up a presented chain to look for a certificate the client CA signed. */
const MAX_CHAIN = 8;

/** What a connection's certificate says, worked out once per TLS connection. */
type Verdict =
  | { kind: 'none' }
  | { kind: 'user'; user: UserInfo; notBefore: number; notAfter: number }
  | { kind: 'rejected'; reason: string };

/** Every certificate in a PEM bundle. */
function parseBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('The client CA bundle holds no PEM certificate');
  return blocks.map((b) => new X509Certificate(b));
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export interface ClientCertificateAuthenticator {
  /** The certificate's user, `undefined` when no certificate was presented (or it names no user), or throws a 401. */
  authenticate(socket: Socket): UserInfo | undefined;
}

export function createClientCertificateAuthenticator(clientCaPem: string, now: () => number = Date.now): ClientCertificateAuthenticator {
  const roots = parseBundle(clientCaPem);
  // Keyed by connection: a keep-alive connection presents its certificate once, at the handshake.
  const verdicts = new WeakMap<TLSSocket, Verdict>();

  function signedByRoot(cert: X509Certificate): boolean {
    return roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey));
  }

  function judge(socket: TLSSocket): Verdict {
    const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate | null;
    if (!peer || !peer.raw) return { kind: 'none' };
    if (!socket.authorized) {
      return { kind: 'rejected', reason: `client certificate not trusted: ${socket.authorizationError?.message ?? socket.authorizationError}` };
    }
    let trusted = false;
    let link: DetailedPeerCertificate | undefined = peer;
    for (let depth = 0; link?.raw && depth < MAX_CHAIN && !trusted; depth++) {
      const cert = new X509Certificate(link.raw);
      trusted = signedByRoot(cert) || roots.some((r) => r.raw.equals(link!.raw));
      link = link.issuerCertificate === link ? undefined : link.issuerCertificate;
    }
    if (!trusted) return { kind: 'rejected', reason: 'client certificate is not signed by the client CA' };

    const usages = peer.ext_key_usage;
    if (usages && !usages.includes(CLIENT_AUTH_OID) && !usages.includes(ANY_EXTENDED_KEY_USAGE_OID)) {
      return { kind: 'rejected', reason: 'client certificate is not for client authentication' };
    }
    const commonName = asList(peer.subject?.CN)[0];
    // As in Kubernetes, a certificate without a CN authenticates no one; other credentials may.
    if (!commonName) return { kind: 'none' };
    return {
      kind: 'user',
      user: { username: commonName, groups: asList(peer.subject.O) },
      notBefore: Date.parse(peer.valid_from),
      notAfter: Date.parse(peer.valid_to),
    };
  }

  return {
    authenticate(socket) {
      if (!(socket instanceof TLSSocket)) return undefined;
      let verdict = verdicts.get(socket);
      if (!verdict) {
        verdict = judge(socket);
        verdicts.set(socket, verdict);
      }
      if (verdict.kind === 'none') return undefined;
      if (verdict.kind === 'rejected') throw rejected(verdict.reason);
      // The handshake checked the dates once; a long-lived connection can outlive the certificate.
      const t = now();
      if (t < verdict.notBefore) throw rejected('client certificate is not valid yet');
      if (t > verdict.notAfter) throw rejected('client certificate has expired');
      return { username: verdict.user.username, groups: [...verdict.user.groups] };
    },
  };
}
