import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StatusError, notFound } from '../../src/api/index.js';
import { decodeBody, maxBodyBytes, mediaType, readBody, sendError, sendJson, sendRaw } from '../../src/apiserver/http-io.js';

function statusOf(code: number, reason: string) {
  return (e: unknown) => e instanceof StatusError && e.code === code && e.reason === reason;
}

test('mediaType() drops parameters and lower-cases', () => {
  assert.equal(mediaType('Application/JSON; charset=utf-8'), 'application/json');
  assert.equal(mediaType(undefined), '');
  assert.equal(mediaType('application/merge-patch+json'), 'application/merge-patch+json');
});

test('decodeBody() reads JSON (also without a content type, and +json types) and YAML', () => {
  const json = Buffer.from('{"a":[1,2]}');
  assert.deepEqual(decodeBody(json, 'application/json'), { a: [1, 2] });
  assert.deepEqual(decodeBody(json, undefined), { a: [1, 2] });
  assert.deepEqual(decodeBody(json, 'application/merge-patch+json'), { a: [1, 2] });
  for (const type of ['application/yaml', 'application/apply-patch+yaml', 'text/yaml', 'application/x-yaml']) {
    assert.deepEqual(decodeBody(Buffer.from('a:\n- 1\n- 2\n'), type), { a: [1, 2] }, type);
  }
});

test('decodeBody() answers 400 for malformed JSON or YAML and 415 for other media types', () => {
  assert.throws(() => decodeBody(Buffer.from('{"a":'), 'application/json'), (e: unknown) => statusOf(400, 'BadRequest')(e) && /^error decoding from json: /.test((e as Error).message));
  assert.throws(() => decodeBody(Buffer.from('a: [1'), 'application/yaml'), (e: unknown) => statusOf(400, 'BadRequest')(e) && /^error converting YAML to JSON: /.test((e as Error).message));
  assert.throws(() => decodeBody(Buffer.from('a: 1\na: 2\n'), 'application/yaml'), statusOf(400, 'BadRequest'), 'duplicate keys');
  assert.throws(() => decodeBody(Buffer.from('x'), 'text/plain'), statusOf(415, 'UnsupportedMediaType'));
});

describe('readBody() and the send helpers over a real HTTP server', () => {
  let server: Server;
  let base: string;
  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  let handler: Handler = () => undefined;
  before(async () => {
    server = createServer((req, res) => {
      (async () => handler(req, res))().catch((e: unknown) => sendError(res, e));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('readBody() returns the whole body', async () => {
    handler = async (req, res) => sendRaw(res, 200, (await readBody(req)).toString('hex'), 'text/plain');
    const body = Buffer.alloc(200_000, 7);
    const r = await fetch(base, { method: 'POST', body });
    assert.equal(await r.text(), body.toString('hex'));
  });

  test('readBody() answers 413 for a declared or streamed body over the limit', async () => {
    handler = async (req, res) => sendJson(res, 200, { size: (await readBody(req)).length });
    const declared = await fetch(base, { method: 'POST', body: Buffer.alloc(maxBodyBytes + 1) });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).reason, 'RequestEntityTooLarge');
    // Chunked, so no Content-Length announces the size.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(base, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 4; i++) req.write(chunk);
      req.end();
    });
    assert.equal(chunked, 413);
  });

  test('readBody() rejects when the client goes away in the middle of the body', async () => {
    let settled!: Promise<string>;
    const reached = new Promise<void>((resolve) => {
      handler = (req) => {
        settled = readBody(req).then(() => 'resolved', (e: Error) => `rejected: ${e.message}`);
        resolve();
      };
    });
    const req = request(base, { method: 'POST', headers: { 'content-length': '100000' } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1000));
    await reached;
    req.destroy();
    assert.match(await settled, /^rejected: /);
  });

  test('sendJson() and sendRaw() set type and length', async () => {
    handler = (_req, res) => sendJson(res, 201, { ok: 'é' });
    const r = await fetch(base);
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('content-length'), String(Buffer.byteLength('{"ok":"é"}')));
    assert.deepEqual(await r.json(), { ok: 'é' });
  });

  test('sendError() writes a StatusError as its Status and anything else as a 500', async () => {
    handler = () => {
      throw notFound({ group: 'apps', resource: 'deployments' }, 'web');
    };
    const nf = await fetch(base);
    assert.equal(nf.status, 404);
    assert.deepEqual(await nf.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "web" not found', reason: 'NotFound',
      details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 404,
    });
    handler = () => {
      throw new Error('disk on fire');
    };
    const ie = await fetch(base);
    assert.equal(ie.status, 500);
    const body = await ie.json();
    assert.equal(body.reason, 'InternalError');
    assert.equal(body.message, 'Internal error occurred: disk on fire');
  });

  test('sendRaw() after the headers went out only ends the response', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      sendRaw(res, 500, 'ignored', 'text/plain');
    };
    const r = await fetch(base);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'partial');
  });
});
