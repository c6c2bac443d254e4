import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentFor, send, type TransportRequest } from '../../../src/catalog/osb/transport.js';

let server: http.Server;
let base: string;
const bodies: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      if (req.url === '/hang') return;
      if (req.url === '/reset') return req.socket.destroy();
      res.writeHead(207, { 'x-echo': req.headers['x-test'] ?? '' });
      res.end(`got ${req.method} ${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const req = (path: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url: new URL(path, base),
  method: 'PUT',
  headers: { 'x-test': 'yes' },
  body: '{"a":1}',
  timeoutMs: 2000,
  ...extra,
});

test('send() returns status, headers and body of any answer', async () => {
  const url = new URL(base);
  const out = await send(req('/ok'), agentFor(url, {}));
  assert.equal(out.type, 'response');
  if (out.type !== 'response') return;
  assert.equal(out.response.status, 207);
  assert.equal(out.response.headers['x-echo'], 'yes');
  assert.equal(out.response.body, 'got PUT {"a":1}');
  assert.equal(bodies.at(-1), '{"a":1}');
});

test('send() reports a timeout once the request was sent', async () => {
  const out = await send(req('/hang', { timeoutMs: 150 }), agentFor(new URL(base), {}));
  assert.deepEqual(out, { type: 'timeout', message: 'no answer within 150 ms' });
});

test('send() reports a connection broken after sending as a timeout, since the broker may have acted', async () => {
  const out = await send(req('/reset'), agentFor(new URL(base), {}));
  assert.equal(out.type, 'timeout');
});

test('send() reports a refused connection as unreachable', async () => {
  const other = http.createServer();
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as AddressInfo).port;
  await new Promise<void>((r) => other.close(() => r()));
  const url = new URL(`http://127.0.0.1:${port}/x`);
  const out = await send({ ...req('/x'), url }, agentFor(url, {}));
  assert.equal(out.type, 'unreachable');
  assert.match(out.type === 'unreachable' ? out.message : '', /ECONNREFUSED/);
});

test('send() with an already aborted signal sends nothing', async () => {
  const before = bodies.length;
  const ac = new AbortController();
  ac.abort();
  const out = await send(req('/ok', { signal: ac.signal }), agentFor(new URL(base), {}));
  assert.equal(out.type, 'unreachable');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(bodies.length, before);
});
