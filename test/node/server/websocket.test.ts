import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { acceptKey, acceptWebSocket, offeredSubprotocols, webSocketByteStream } from '../../../src/node/server/websocket.js';
import { clientFrame, collect, duplexPair, serverFrames } from './fixtures.js';

function upgradeRequest(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

const handshake = { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', 'sec-websocket-protocol': 'v5.channel.k8s.io, v4.channel.k8s.io' };

/** A server connection over an in-memory socket, and what the client side of it reads. */
function open(supported = ['v4.channel.k8s.io', 'v5.channel.k8s.io']) {
  const [server, client] = duplexPair();
  const seen = collect(client);
  const accepted = acceptWebSocket(upgradeRequest(handshake), server, Buffer.alloc(0), supported);
  assert.ok(accepted);
  /** Server frames after the 101 response. */
  const frames = () => serverFrames(seen.bytes().subarray(seen.text().indexOf('\r\n\r\n') + 4));
  return { ...accepted, client, seen, frames };
}

test('acceptKey() answers the RFC 6455 example key', () => {
  assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('offeredSubprotocols() splits the header list in the client\'s order', () => {
  assert.deepEqual(offeredSubprotocols(upgradeRequest({ 'sec-websocket-protocol': 'a, b,c' })), ['a', 'b', 'c']);
  assert.deepEqual(offeredSubprotocols(upgradeRequest({})), []);
});

test('acceptWebSocket() answers 101 with the first offered subprotocol the server supports', async () => {
  const { protocol, seen } = open();
  await new Promise((r) => setImmediate(r));
  assert.equal(protocol, 'v5.channel.k8s.io');
  const text = seen.text();
  assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(text, /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
  assert.match(text, /\r\nSec-WebSocket-Protocol: v5\.channel\.k8s\.io\r\n\r\n$/);
});

test('acceptWebSocket() refuses a request without a key or version 13 with 400', async () => {
  const [server, client] = duplexPair();
  const seen = collect(client);
  assert.equal(acceptWebSocket(upgradeRequest({ upgrade: 'websocket', 'sec-websocket-version': '8' }), server, Buffer.alloc(0), []), undefined);
  await new Promise((r) => setImmediate(r));
  assert.match(seen.text(), /^HTTP\/1\.1 400 Bad Request/);
});

test('masked client messages arrive unmasked; fragments are joined; pings get pongs', async () => {
  const { ws, client, frames } = open();
  const messages: [string, boolean][] = [];
  ws.on('message', (d, binary) => messages.push([d.toString(), binary]));
  client.write(clientFrame(0x2, Buffer.from('\x00hello')));
  client.write(Buffer.concat([clientFrame(0x1, Buffer.from('frag'), false), clientFrame(0x0, Buffer.from('mented'))]));
  // A frame split across reads is put back together.
  const split = clientFrame(0x2, Buffer.alloc(300, 7));
  client.write(split.subarray(0, 5));
  client.write(split.subarray(5));
  client.write(clientFrame(0x9, Buffer.from('are you there')));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(messages.slice(0, 2), [['\x00hello', true], ['fragmented', false]]);
  assert.equal(messages[2][0].length, 300);
  const pong = frames().find((f) => f.opcode === 0xa);
  assert.equal(pong?.payload.toString(), 'are you there');
});

test('send() writes one unmasked binary frame, with 16- and 64-bit lengths when needed', async () => {
  const { ws, frames } = open();
  ws.send(Buffer.from([1, 104, 105]));
  ws.send(Buffer.alloc(70_000, 1));
  await new Promise((r) => setImmediate(r));
  const [small, large] = frames();
  assert.equal(small.opcode, 0x2);
  assert.ok(small.fin);
  assert.deepEqual([...small.payload], [1, 104, 105]);
  assert.equal(large.payload.length, 70_000);
});

test('a client close is answered with a close and ends the connection', async () => {
  const { ws, client, frames } = open();
  let closed: [number, string] | undefined;
  ws.on('close', (code, reason) => (closed = [code, reason]));
  const payload = Buffer.alloc(2 + 3);
  payload.writeUInt16BE(1000);
  payload.write('bye', 2);
  client.write(clientFrame(0x8, payload));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(closed, [1000, 'bye']);
  const echo = frames().find((f) => f.opcode === 0x8);
  assert.equal(echo?.payload.readUInt16BE(0), 1000);
  assert.equal(ws.send('late'), false);
});

test('close() sends the code and reason', async () => {
  const { ws, frames } = open();
  ws.close(1000, 'done');
  await new Promise((r) => setImmediate(r));
  const f = frames().find((x) => x.opcode === 0x8)!;
  assert.equal(f.payload.readUInt16BE(0), 1000);
  assert.equal(f.payload.subarray(2).toString(), 'done');
});

test('an unknown opcode fails the connection with 1002', async () => {
  const { ws, client } = open();
  let code = 0;
  ws.on('close', (c) => (code = c));
  client.write(clientFrame(0x3, Buffer.alloc(1)));
  await new Promise((r) => setImmediate(r));
  assert.equal(code, 1002);
});

test('webSocketByteStream() reads message payloads as one byte stream and writes each write as a message', async () => {
  const { ws, client, frames } = open();
  const stream = webSocketByteStream(ws);
  const got = collect(stream);
  client.write(clientFrame(0x2, Buffer.from('SPDY')));
  client.write(clientFrame(0x2, Buffer.from(' bytes')));
  stream.write(Buffer.from('back'));
  await new Promise((r) => setImmediate(r));
  assert.equal(got.text(), 'SPDY bytes');
  assert.deepEqual(frames().map((f) => f.payload.toString()), ['back']);
});
