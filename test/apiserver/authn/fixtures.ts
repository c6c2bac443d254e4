/** A PKI and an HTTPS server that answers each request with the user its authenticator finds. */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isStatusError } from '../../../src/api/errors.js';
import { ensurePki, type Pki } from '../../../src/apiserver/pki/index.js';
import type { Authenticator } from '../../../src/apiserver/authn/index.js';

let shared: Promise<Pki> | undefined;

/** One PKI per test file: generating RSA keys is the slow part. */
export function testPki(): Promise<Pki> {
  shared ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wharf-authn-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return ensurePki(dir, []);
  })();
  return shared;
}

export interface TestServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /version` without asking who the caller is (as the real server does for health and
 * version), and any other path with the authenticated user as JSON, or the Status of a failure.
 */
export async function startServer(pki: Pki, auth: Authenticator): Promise<TestServer> {
  const server = https.createServer(
    { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      auth.authenticate(req).then(
        (user) => {
          res.setHeader('content-type', 'application/json');
          if (new URL(req.url ?? '/', 'https://x').pathname === '/version') {
            res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0+wharf', gitCommit: '0', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23.0', compiler: 'gc', platform: 'linux/amd64' }));
          } else {
            res.end(JSON.stringify(user));
          }
        },
        (e: unknown) => {
          res.setHeader('content-type', 'application/json');
          if (isStatusError(e)) {
            res.statusCode = e.code;
            res.end(JSON.stringify(e.status));
          } else {
            res.statusCode = 500;
            res.end(JSON.stringify({ message: String(e) }));
          }
        },
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One request on a fresh connection (so each certificate gets its own handshake). */
export function request(
  port: number,
  pki: Pki,
  opts: { cert?: string; key?: string; token?: string; authorization?: string; path?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (opts.authorization !== undefined) headers.authorization = opts.authorization;
    const req = https.request(
      { host: '127.0.0.1', port, path: opts.path ?? '/api', ca: pki.ca.cert, cert: opts.cert, key: opts.key, headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
