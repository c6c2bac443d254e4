import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { connect } from 'node:tls';
import type { KubeObject } from '../../../src/api/index.js';
import { signCertificate, type CertAndKey } from '../../../src/apiserver/pki/sign-certificate.js';
import { SimulatedRuntime } from '../../../src/node/runtimes/simulated-runtime.js';
import { apiServerKubeletClientUser, NodeServer, selfSignedServingCertificate } from '../../../src/node/server/index.js';
import { simPod } from '../fixtures.js';
import { clientFrame, serverFrames } from './fixtures.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: string;
}

describe('NodeServer', { timeout: 60_000 }, () => {
  let ca: CertAndKey;
  let apiServerCert: CertAndKey;
  let otherCert: CertAndKey;
  let server: NodeServer;
  let port: number;
  const runtime = new SimulatedRuntime({ startupDelayMs: 0 });
  const pods = new Map<string, KubeObject>();

  before(async () => {
    ca = await signCertificate({ commonName: 'test-ca', days: 1, isCA: true });
    apiServerCert = await signCertificate({ commonName: apiServerKubeletClientUser, days: 1, clientAuth: true }, ca);
    otherCert = await signCertificate({ commonName: 'system:node:other', organizations: ['system:nodes'], days: 1, clientAuth: true }, ca);
    server = new NodeServer({ clientCa: ca.cert, tls: await selfSignedServingCertificate(['127.0.0.1']), logger: () => undefined });
    port = await server.listen(0, '127.0.0.1');
    const web = simPod('web', { containers: ['main', 'side'] });
    web.metadata.uid = 'uid-web';
    runtime.startPod(web, { podIP: '10.1.0.2', hostIP: '127.0.0.1' });
    pods.set('default/web', web);
    server.addNode({ name: 'n1', runtime, servedPod: (ns, name) => pods.get(`${ns}/${name}`) });
  });

  after(async () => {
    runtime.close();
    await server.close();
  });

  function get(path: string, cert?: CertAndKey): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, ...(cert ? { cert: cert.cert, key: cert.key } : {}) }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Sends a raw upgrade request with the API server's certificate; resolves with what comes back first. */
  function upgrade(lines: string[], then?: (send: (b: Buffer) => void) => void, cert: CertAndKey = apiServerCert): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, cert: cert.cert, key: cert.key, rejectUnauthorized: false }, () => {
        socket.write(lines.join('\r\n') + '\r\n\r\n');
        then?.((b) => socket.write(b));
      });
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      setTimeout(() => socket.destroy(), 3000).unref();
    });
  }

  test('only a client certificate from the cluster CA naming the API server gets in', async () => {
    assert.equal((await get('/healthz')).status, 200);
    const none = await get('/containerLogs/default/web/main');
    assert.equal(none.status, 401);
    const other = await get('/containerLogs/default/web/main', otherCert);
    assert.equal(other.status, 403);
    assert.match(other.body, /user=system:node:other/);
    const selfSigned = await signCertificate({ commonName: apiServerKubeletClientUser, days: 1, clientAuth: true });
    assert.equal((await get('/containerLogs/default/web/main', selfSigned)).status, 401);
  });

  test('/containerLogs serves the runtime\'s log with kubectl\'s options', async () => {
    const all = await get('/containerLogs/default/web/main', apiServerCert);
    assert.equal(all.status, 200);
    assert.match(all.body, /^wharf: simulated container "main" \(image docker\.io\/library\/nginx:1\.27\) started/);
    const stamped = await get('/containerLogs/default/web/main?timestamps=true&tailLines=1', apiServerCert);
    assert.match(stamped.body, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z wharf: simulated container "main"/);
    assert.equal((await get('/containerLogs/default/web/main?tailLines=0', apiServerCert)).body, '');
    assert.equal((await get('/containerLogs/default/web/main?limitBytes=5', apiServerCert)).body, 'wharf');
  });

  test('/containerLogs answers kubelet\'s errors', async () => {
    const previous = await get('/containerLogs/default/web/main?previous=true', apiServerCert);
    assert.equal(previous.status, 400);
    assert.equal(previous.body, 'previous terminated container "main" in pod "web" not found');
    assert.equal((await get('/containerLogs/default/web/nope', apiServerCert)).status, 404);
    const missing = await get('/containerLogs/default/gone/main', apiServerCert);
    assert.equal(missing.status, 404);
    assert.equal(missing.body, 'pod "gone" in namespace "default" not found');
    assert.equal((await get('/containerLogs/default/web/main?tailLines=x', apiServerCert)).status, 400);
    const plain = await get('/exec/default/web/main?command=ls', apiServerCert);
    assert.equal(plain.status, 400);
    assert.equal(plain.body, 'Upgrade request required');
  });

  test('exec over WebSocket in a simulated container ends with an InternalError status saying why', async () => {
    const bytes = await upgrade(
      [
        'GET /exec/default/web/main?command=echo&command=hi&stdout=true&stderr=true HTTP/1.1',
        'Host: node',
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Protocol: v5.channel.k8s.io',
      ],
      (send) => setTimeout(() => send(clientFrame(0x8, Buffer.from([0x03, 0xe8]))), 1500),
    );
    const text = bytes.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(text, /Sec-WebSocket-Protocol: v5\.channel\.k8s\.io\r\n/);
    const frames = serverFrames(bytes.subarray(text.indexOf('\r\n\r\n') + 4));
    const error = frames.find((f) => f.opcode === 2 && f.payload[0] === 3);
    assert.ok(error, 'a status on the error channel');
    const status = JSON.parse(error.payload.subarray(1).toString()) as { status: string; reason: string; message: string };
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'InternalError');
    assert.match(status.message, /error executing command in container: container "main" of pod uid-web is simulated .*"echo hi" cannot be executed/);
    assert.equal(frames.at(-1)?.opcode, 0x8);
  });

  test('upgrades are refused as kubelet refuses them', async () => {
    const base = ['Host: node', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
    const noCommand = (await upgrade(['POST /exec/default/web/main?stdout=true HTTP/1.1', ...base, 'X-Stream-Protocol-Version: v4.channel.k8s.io'])).toString();
    assert.match(noCommand, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*you must specify at least 1 command$/);
    const protocol = (await upgrade(['POST /exec/default/web/main?command=ls&stdout=true HTTP/1.1', ...base, 'X-Stream-Protocol-Version: v9.channel.k8s.io'])).toString();
    assert.match(protocol, /^HTTP\/1\.1 403 Forbidden\r\n[\s\S]*unable to negotiate protocol: client supports \[v9\.channel\.k8s\.io\]/);
    const stranger = (await upgrade(['POST /exec/default/web/main?command=ls&stdout=true HTTP/1.1', ...base, 'X-Stream-Protocol-Version: v4.channel.k8s.io'], undefined, otherCert)).toString();
    assert.match(stranger, /^HTTP\/1\.1 403 Forbidden/);
    const spdy = (await upgrade(['POST /exec/default/web/main?command=ls&stdout=true HTTP/1.1', ...base, 'X-Stream-Protocol-Version: v4.channel.k8s.io'])).toString('latin1');
    assert.match(spdy, /^HTTP\/1\.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY\/3\.1\r\nX-Stream-Protocol-Version: v4\.channel\.k8s\.io\r\n\r\n/);
  });

  test('pods are found on whichever node serves them; a removed node\'s pods are not', async () => {
    const other = simPod('elsewhere');
    other.metadata.uid = 'uid-elsewhere';
    const node = { name: 'n2', runtime, servedPod: (ns: string, name: string) => (ns === 'default' && name === 'elsewhere' ? other : undefined) };
    server.addNode(node);
    const found = await get('/containerLogs/default/elsewhere/c', apiServerCert);
    assert.equal(found.status, 400);
    assert.equal(found.body, 'container "c" in pod "elsewhere" is waiting to start: ContainerCreating');
    server.removeNode(node);
    await wait(1);
    assert.equal((await get('/containerLogs/default/elsewhere/c', apiServerCert)).status, 404);
  });
});

test('startNodeServer() listens with a self-signed certificate for the given hosts', async () => {
  const { startNodeServer } = await import('../../../src/node/server/index.js');
  const { X509Certificate } = await import('node:crypto');
  const ca = await signCertificate({ commonName: 'ca', days: 1, isCA: true });
  const server = await startNodeServer({ clientCa: ca.cert, hosts: ['127.0.0.1', 'edge-1'], host: '127.0.0.1' });
  try {
    assert.ok(server.port > 0);
    const cert = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false }, () => {
        resolve(s.getPeerX509Certificate()!.toString());
        s.destroy();
      });
      s.on('error', reject);
    });
    assert.equal(new X509Certificate(cert).checkHost('edge-1'), 'edge-1');
  } finally {
    await server.close();
  }
});
