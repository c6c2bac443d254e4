import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../../../src/api/index.js';
import { signCertificate, type CertAndKey } from '../../../src/apiserver/pki/sign-certificate.js';
import { KUBELET_CLIENT_USER as kubeletClientUser } from '../../../src/apiserver/pki/index.js';
import { KubeletClient, nodeEndpoint } from '../../../src/apiserver/streaming/kubelet-client.js';

function node(status: unknown): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status } as KubeObject;
}

test('nodeEndpoint() takes the published port and the InternalIP, else ExternalIP, else Hostname', () => {
  const addresses = [
    { type: 'Hostname', address: 'n1' },
    { type: 'ExternalIP', address: '203.0.113.5' },
    { type: 'InternalIP', address: '10.0.0.5' },
  ];
  assert.deepEqual(nodeEndpoint(node({ addresses, daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } })), { host: '10.0.0.5', port: 10250 });
  assert.deepEqual(nodeEndpoint(node({ addresses: addresses.slice(0, 2), daemonEndpoints: { kubeletEndpoint: { Port: 1 } } })), { host: '203.0.113.5', port: 1 });
  assert.deepEqual(nodeEndpoint(node({ addresses: addresses.slice(0, 1), daemonEndpoints: { kubeletEndpoint: { Port: 2 } } })), { host: 'n1', port: 2 });
  assert.equal(nodeEndpoint(node({ addresses, daemonEndpoints: { kubeletEndpoint: { Port: 0 } } })), undefined, 'port 0: nothing serves it');
  assert.equal(nodeEndpoint(node({ addresses })), undefined);
  assert.equal(nodeEndpoint(node({ daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } })), undefined);
});

describe('KubeletClient', () => {
  let ca: CertAndKey;
  let server: Server;
  let port: number;
  const seen: { path: string; user: string; headers: IncomingMessage['headers'] }[] = [];

  before(async () => {
    ca = await signCertificate({ commonName: 'ca', days: 1, isCA: true });
    const serving = await signCertificate({ commonName: 'node', days: 1, serverAuth: true, hosts: ['127.0.0.1'] });
    server = createServer({ cert: serving.cert, key: serving.key, ca: ca.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const cert = (req.socket as TLSSocket).getPeerCertificate();
      seen.push({ path: req.url ?? '', user: String(cert.subject?.CN ?? ''), headers: req.headers });
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, { 'Content-Type': 'text/plain' }).end('answer');
    });
    server.on('upgrade', (req: IncomingMessage, socket) => {
      seen.push({ path: req.url ?? '', user: String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''), headers: req.headers });
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('get() presents the API server\'s client certificate and resolves with any status', async () => {
    const creds = await signCertificate({ commonName: kubeletClientUser, days: 1, clientAuth: true }, ca);
    const client = new KubeletClient(creds);
    const ok = await client.get({ host: '127.0.0.1', port }, '/containerLogs/ns/p/c?tailLines=1', new AbortController().signal);
    assert.equal(ok.statusCode, 200);
    ok.resume();
    const missing = await client.get({ host: '127.0.0.1', port }, '/missing', new AbortController().signal);
    assert.equal(missing.statusCode, 404);
    missing.resume();
    assert.deepEqual(seen.slice(0, 1).map((s) => [s.path, s.user]), [['/containerLogs/ns/p/c?tailLines=1', kubeletClientUser]]);
  });

  test('get() to a closed port is a 500 naming the address, as kube-apiserver words it', async () => {
    const client = new KubeletClient(await signCertificate({ commonName: kubeletClientUser, days: 1, clientAuth: true }, ca));
    await assert.rejects(client.get({ host: '127.0.0.1', port: 1 }, '/x', new AbortController().signal), (e: Error & { status?: { code: number } }) => {
      assert.match(e.message, /^error dialing backend: dial tcp 127\.0\.0\.1:1: /);
      assert.equal(e.status?.code, 500);
      return true;
    });
  });

  test('proxyUpgrade() sends the request on without the client\'s credentials and joins the connections', async () => {
    const client = new KubeletClient(await signCertificate({ commonName: kubeletClientUser, days: 1, clientAuth: true }, ca));
    const req = {
      method: 'POST',
      rawHeaders: ['Authorization', 'Bearer secret', 'Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'X-Stream-Protocol-Version', 'v4.channel.k8s.io', 'Impersonate-User', 'bob'],
    } as unknown as IncomingMessage;
    let back = '';
    // The client's socket: what the proxy writes to it is collected; what is pushed goes to the node.
    const clientSide = new Duplex({
      read() {},
      write(chunk: Buffer, _e, cb) {
        back += chunk.toString();
        cb();
      },
    });
    clientSide.on('error', () => undefined);
    await client.proxyUpgrade({ host: '127.0.0.1', port }, '/exec/ns/p/c?command=ls', req, clientSide, Buffer.from('early'));
    await new Promise((r) => setTimeout(r, 100));
    clientSide.push('later');
    await new Promise((r) => setTimeout(r, 100));
    const last = seen.at(-1)!;
    assert.equal(last.path, '/exec/ns/p/c?command=ls');
    assert.equal(last.user, kubeletClientUser);
    assert.equal(last.headers.authorization, undefined);
    assert.equal(last.headers['impersonate-user'], undefined);
    assert.equal(last.headers['x-stream-protocol-version'], 'v4.channel.k8s.io');
    assert.match(back, /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*\r\n\r\nEARLYLATER$/);
    clientSide.destroy();
  });
});
