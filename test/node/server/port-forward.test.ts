import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Duplex } from 'node:stream';
import { servePortForward } from '../../../src/node/server/port-forward.js';
import { encodeHeaderBlock, FrameType, SpdySession } from '../../../src/node/server/spdy.js';
import { collect, dataFrame, duplexPair, HeaderCompressor, spdyFrames, synStream } from './fixtures.js';

const tick = () => new Promise((r) => setTimeout(r, 30));

/** A fake pod port: what the client sends is answered in upper case; `end` from the client ends it. */
function upperCaseService(): Duplex {
  const inbound = new PassThrough();
  const outbound = new PassThrough();
  inbound.on('data', (d: Buffer) => outbound.write(d.toString().toUpperCase()));
  inbound.on('end', () => outbound.end());
  return Duplex.from({ writable: inbound, readable: outbound });
}

function setup(dial: (port: number) => Promise<Duplex>) {
  const [server, client] = duplexPair();
  const seen = collect(client);
  const session = new SpdySession(server);
  const dialed: number[] = [];
  servePortForward(session, 'web_default, uid u-1', (port) => {
    dialed.push(port);
    return dial(port);
  });
  return { client, seen, dialed, c: new HeaderCompressor() };
}

test('an error and a data stream with one requestID are joined to a connection to their port', async () => {
  const { client, seen, dialed, c } = setup(async () => upperCaseService());
  client.write(await synStream(c, 1, encodeHeaderBlock({ streamtype: 'error', port: '8080', requestid: '0' })));
  client.write(await synStream(c, 3, encodeHeaderBlock({ streamtype: 'data', port: '8080', requestid: '0' })));
  await tick();
  assert.deepEqual(dialed, [8080]);
  client.write(dataFrame(3, Buffer.from('hello')));
  client.write(dataFrame(3, Buffer.alloc(0), true));
  await tick();
  const frames = spdyFrames(seen.bytes());
  assert.deepEqual(frames.filter((f) => f.control && f.type === FrameType.synReply).map((f) => f.id), [1, 3]);
  const data = frames.filter((f) => !f.control);
  assert.equal(data.filter((f) => f.id === 3).map((f) => f.body.toString()).join(''), 'HELLO');
  assert.ok(data.some((f) => f.id === 3 && f.flags === 1), 'the data stream ends when the port closes');
  assert.ok(data.some((f) => f.id === 1 && f.flags === 1 && f.body.length === 0), 'the error stream ends without a message');
});

test('a port that cannot be reached is reported on the error stream in kubelet\'s words', async () => {
  const { client, seen, c } = setup(async (port) => {
    throw new Error(`dial tcp4 127.0.0.1:${port}: connect: connection refused`);
  });
  client.write(await synStream(c, 1, encodeHeaderBlock({ streamtype: 'error', port: '81', requestid: '7' })));
  client.write(await synStream(c, 3, encodeHeaderBlock({ streamtype: 'data', port: '81', requestid: '7' })));
  await tick();
  const message = spdyFrames(seen.bytes()).filter((f) => !f.control && f.id === 1).map((f) => f.body.toString()).join('');
  assert.equal(message, 'error forwarding port 81 to pod web_default, uid u-1: dial tcp4 127.0.0.1:81: connect: connection refused');
});

test('a bad port header and unknown stream types are refused', async () => {
  const { client, seen, dialed, c } = setup(async () => upperCaseService());
  client.write(await synStream(c, 1, encodeHeaderBlock({ streamtype: 'bogus', port: '80', requestid: '1' })));
  client.write(await synStream(c, 3, encodeHeaderBlock({ streamtype: 'error', port: 'http', requestid: '2' })));
  client.write(await synStream(c, 5, encodeHeaderBlock({ streamtype: 'data', port: 'http', requestid: '2' })));
  await tick();
  const frames = spdyFrames(seen.bytes());
  assert.equal(frames[0].type, FrameType.rstStream);
  assert.match(frames.filter((f) => !f.control && f.id === 3).map((f) => f.body.toString()).join(''), /invalid port "http"/);
  assert.deepEqual(dialed, []);
});

test('parsePortsQuery() reads repeated and comma-separated ports and refuses bad ones', async () => {
  const { parsePortsQuery } = await import('../../../src/node/server/port-forward.js');
  assert.deepEqual(parsePortsQuery(new URLSearchParams('ports=80,443&ports=8080')), [80, 443, 8080]);
  assert.throws(() => parsePortsQuery(new URLSearchParams('')), /query parameter "ports" is required/);
  assert.throws(() => parsePortsQuery(new URLSearchParams('ports=0')), /port "0" must be > 0/);
  assert.throws(() => parsePortsQuery(new URLSearchParams('ports=http')), /unable to parse "http" as a port/);
});

test('WebSocket port-forward: each port opens data and error channels with its number, then carries bytes', async () => {
  const { serveWebSocketPortForward } = await import('../../../src/node/server/port-forward.js');
  const { acceptWebSocket } = await import('../../../src/node/server/websocket.js');
  const { clientFrame, serverFrames } = await import('./fixtures.js');
  const [server, client] = duplexPair();
  const seen = collect(client);
  const req = { headers: { upgrade: 'websocket', 'sec-websocket-key': 'a2V5', 'sec-websocket-version': '13', 'sec-websocket-protocol': 'v4.channel.k8s.io' } };
  const { ws } = acceptWebSocket(req as never, server, Buffer.alloc(0), ['v4.channel.k8s.io'])!;
  serveWebSocketPortForward(ws, [8080, 9090], 'web_default, uid u-1', async (port) => {
    if (port === 9090) throw new Error('connection refused');
    return upperCaseService();
  });
  await tick();
  client.write(clientFrame(2, Buffer.concat([Buffer.of(0), Buffer.from('abc')])));
  await tick();
  const frames = serverFrames(seen.bytes().subarray(seen.text().indexOf('\r\n\r\n') + 4)).filter((f) => f.opcode === 2);
  const byChannel = (ch: number) => frames.filter((f) => f.payload[0] === ch).map((f) => f.payload.subarray(1));
  assert.deepEqual(byChannel(0)[0], Buffer.from([0x90, 0x1f]), 'port 8080, little-endian, first on its data channel');
  assert.deepEqual(byChannel(1)[0], Buffer.from([0x90, 0x1f]));
  assert.deepEqual(byChannel(2)[0], Buffer.from([0x82, 0x23]));
  assert.equal(byChannel(0).slice(1).map(String).join(''), 'ABC');
  assert.equal(byChannel(3).slice(1).map(String).join(''), 'error forwarding port 9090 to pod web_default, uid u-1: connection refused');
});
