import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SocketTransport } from '../../src/client/socket-transport.js';

const noTimeout = { timeoutMs: 0 };

/** A Node HTTP server on a fresh Unix socket; counts the connections it accepted. */
async function serve(t: { after: (fn: () => Promise<void> | void) => void }, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ socketPath: string; server: Server; connections: () => number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-sock-'));
  const socketPath = path.join(dir, 'api.sock');
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  return { socketPath, server, connections: () => connections };
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
  });
}

test('requests with and without bodies get status and body, over one kept-alive connection', async (t) => {
  const seen: string[] = [];
  const { socketPath, connections } = await serve(t, (req, res) => {
    void readAll(req).then((body) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host} type=${req.headers['content-type'] ?? '-'} len=${req.headers['content-length'] ?? '-'} x=${req.headers['x-test'] ?? '-'} body=${body}`);
      const answer = JSON.stringify({ got: body, path: req.url, text: 'é ✓' });
      res.writeHead(req.url === '/missing' ? 404 : 201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  const transport = new SocketTransport(socketPath, 4);
  try {
    const created = await transport.request('POST', '/api/v1/things?x=1', 'X-Test: yes\r\nContent-Type: application/json\r\n', '{"name":"ä"}', noTimeout);
    assert.equal(created.statusCode, 201);
    assert.deepEqual(JSON.parse(created.body), { got: '{"name":"ä"}', path: '/api/v1/things?x=1', text: 'é ✓' });
    const missing = await transport.request('GET', '/missing', '', undefined, noTimeout);
    assert.equal(missing.statusCode, 404);
    const buffer = await transport.request('PUT', '/raw', '', Buffer.from('bytes'), noTimeout);
    assert.equal(JSON.parse(buffer.body).got, 'bytes');
    assert.deepEqual(seen, [
      'POST /api/v1/things?x=1 host=localhost type=application/json len=13 x=yes body={"name":"ä"}',
      'GET /missing host=localhost type=- len=- x=- body=',
      'PUT /raw host=localhost type=- len=5 x=- body=bytes',
    ]);
    assert.equal(connections(), 1, 'one connection carried every request');
  } finally {
    transport.close();
  }
});

test('chunked answers, large answers and empty ones are read whole', async (t) => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  const { socketPath } = await serve(t, (req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"a":');
      setTimeout(() => res.end('1}'), 20);
    } else if (req.url === '/big') {
      res.writeHead(200, { 'Content-Length': big.length });
      res.end(big);
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  const transport = new SocketTransport(socketPath, 1);
  try {
    assert.deepEqual(JSON.parse((await transport.request('GET', '/chunked', '', undefined, noTimeout)).body), { a: 1 });
    assert.equal((await transport.request('GET', '/big', '', undefined, noTimeout)).body.length, big.length);
    const empty = await transport.request('DELETE', '/gone', '', undefined, noTimeout);
    assert.deepEqual(empty, { statusCode: 204, body: '' });
    // The connection is still good after all three.
    assert.deepEqual(JSON.parse((await transport.request('GET', '/chunked', '', undefined, noTimeout)).body), { a: 1 });
  } finally {
    transport.close();
  }
});

test('no more than maxConnections are open; further requests wait their turn', async (t) => {
  let inFlight = 0;
  let most = 0;
  const { socketPath, connections } = await serve(t, (_req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'Content-Length': 2 });
      res.end('ok');
    }, 10);
  });
  const transport = new SocketTransport(socketPath, 3);
  try {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => transport.request('GET', `/${i}`, '', undefined, noTimeout)));
    assert.ok(answers.every((a) => a.statusCode === 200 && a.body === 'ok'));
    assert.equal(most, 3);
    assert.equal(connections(), 3);
  } finally {
    transport.close();
  }
});

test('a connection the server closes is not used again, whether it said so or just closed', async (t) => {
  let n = 0;
  const { socketPath, server, connections } = await serve(t, (_req, res) => {
    n++;
    res.writeHead(200, n === 1 ? { 'Content-Length': 1, Connection: 'close' } : { 'Content-Length': 1 });
    res.end('k');
  });
  const transport = new SocketTransport(socketPath, 1);
  try {
    assert.equal((await transport.request('GET', '/a', '', undefined, noTimeout)).body, 'k');
    assert.equal((await transport.request('GET', '/b', '', undefined, noTimeout)).body, 'k');
    assert.equal(connections(), 2, 'Connection: close was honoured');
    // The server drops its idle connections; the next request opens a new one.
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await transport.request('GET', '/c', '', undefined, noTimeout)).body, 'k');
    assert.equal(connections(), 3);
  } finally {
    transport.close();
  }
});

test('an answer cut off mid-body, a timeout and an abort each fail that request and leave the transport working', async (t) => {
  const { socketPath } = await serve(t, (req, res) => {
    if (req.url === '/cut') {
      res.writeHead(200, { 'Content-Length': 100 });
      res.write('only part');
      setTimeout(() => res.socket?.destroy(), 10);
    } else if (req.url === '/slow') {
      setTimeout(() => {
        if (!res.destroyed) res.end();
      }, 2000);
    } else {
      res.writeHead(200, { 'Content-Length': 2 });
      res.end('ok');
    }
  });
  const transport = new SocketTransport(socketPath, 1);
  try {
    await assert.rejects(transport.request('GET', '/cut', '', undefined, noTimeout), /closed the connection before the answer was complete/);
    await assert.rejects(transport.request('GET', '/slow', '', undefined, { timeoutMs: 50 }), /GET \/slow timed out after 50 ms/);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    await assert.rejects(transport.request('GET', '/slow', '', undefined, { timeoutMs: 0, signal: abort.signal }), { name: 'AbortError' });
    assert.equal((await transport.request('GET', '/fine', '', undefined, noTimeout)).body, 'ok', 'the one connection slot was given back each time');
  } finally {
    transport.close();
  }
});

test('a malformed answer fails the request', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-sock-'));
  const socketPath = path.join(dir, 'raw.sock');
  // Answers in a way no HTTP server would.
  const raw = createNetServer((socket: Socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n')));
  await new Promise<void>((resolve) => raw.listen(socketPath, resolve));
  t.after(async () => {
    await new Promise<void>((resolve) => raw.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  const transport = new SocketTransport(socketPath, 1);
  try {
    await assert.rejects(transport.request('GET', '/', '', undefined, noTimeout), /malformed chunk size/);
  } finally {
    transport.close();
  }
});

test('a stream delivers chunks as they come, ends with the answer, and can be cancelled', async (t) => {
  const { socketPath } = await serve(t, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    let i = 0;
    const timer = setInterval(() => {
      res.write(`{"n":${i}}\n`);
      if (++i === 3 && req.url === '/finite') {
        clearInterval(timer);
        res.end();
      }
    }, 10);
    res.on('close', () => clearInterval(timer));
  });
  const transport = new SocketTransport(socketPath, 1);
  try {
    const finite = await transport.stream('GET', '/finite', '', {});
    assert.equal(finite.statusCode, 200);
    let text = '';
    for await (const chunk of finite.body) text += (chunk as Buffer).toString();
    assert.equal(text, '{"n":0}\n{"n":1}\n{"n":2}\n');

    const endless = await transport.stream('GET', '/endless', '', {});
    const lines: string[] = [];
    // Cancelling destroys the body, as destroying Node's request does: the loop ends with a premature close.
    await assert.rejects(async () => {
      for await (const chunk of endless.body) {
        lines.push((chunk as Buffer).toString());
        if (lines.length === 2) endless.cancel();
      }
    }, /Premature close/);
    assert.equal(lines.length, 2);
    // Streams have connections of their own: the pool's one slot is still free.
    const ordinary = await Promise.race([transport.request('GET', '/finite', '', undefined, noTimeout), new Promise((r) => setTimeout(() => r('waited'), 2000))]);
    assert.notEqual(ordinary, 'waited');
  } finally {
    transport.close();
  }
});

test('requests after close, and to a socket nobody listens on, fail', async () => {
  const transport = new SocketTransport(path.join(tmpdir(), `wharf-no-such-${process.pid}.sock`), 1);
  await assert.rejects(transport.request('GET', '/', '', undefined, noTimeout), /ENOENT/);
  await assert.rejects(transport.stream('GET', '/', '', {}), /ENOENT/);
  transport.close();
  await assert.rejects(transport.request('GET', '/', '', undefined, noTimeout), /transport is closed/);
  await assert.rejects(transport.request('GET', '/a b', '', undefined, noTimeout), /Invalid request target/);
});
