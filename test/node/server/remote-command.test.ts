import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import {
  exitCodeStatus,
  internalErrorStatus,
  spdyRemoteCommand,
  successStatus,
  webSocketRemoteCommand,
} from '../../../src/node/server/remote-command.js';
import { encodeHeaderBlock, FrameType, SpdySession } from '../../../src/node/server/spdy.js';
import { acceptWebSocket } from '../../../src/node/server/websocket.js';
import type { TerminalSize } from '../../../src/node/runtime.js';
import { clientFrame, collect, dataFrame, duplexPair, HeaderCompressor, serverFrames, spdyFrames, synStream } from './fixtures.js';

const tick = () => new Promise((r) => setTimeout(r, 20));

test('exitCodeStatus() is the Failure kubectl turns into its exit code', () => {
  assert.deepEqual(exitCodeStatus(3), {
    metadata: {},
    status: 'Failure',
    message: 'command terminated with non-zero exit code: command terminated with exit code 3',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '3' }] },
  });
  assert.equal(internalErrorStatus('no such file').reason, 'InternalError');
  assert.equal(successStatus.status, 'Success');
});

function webSocket(protocol: string) {
  const [server, client] = duplexPair();
  const seen = collect(client);
  const req = { headers: { upgrade: 'websocket', 'sec-websocket-key': 'a2V5', 'sec-websocket-version': '13', 'sec-websocket-protocol': protocol } } as unknown as IncomingMessage;
  const accepted = acceptWebSocket(req, server, Buffer.alloc(0), [protocol])!;
  const frames = () => serverFrames(seen.bytes().subarray(seen.text().indexOf('\r\n\r\n') + 4));
  return { ws: accepted.ws, client, frames };
}

test('v5 over WebSocket: stdin on channel 0 until the close signal, resizes on 4, output and a Status at the end', async () => {
  const { ws, client, frames } = webSocket('v5.channel.k8s.io');
  const session = webSocketRemoteCommand(ws, 'v5.channel.k8s.io', { stdin: true, stdout: true, stderr: true, tty: false });
  const input = collect(session.io.stdin!);
  let stdinEnded = false;
  session.io.stdin!.on('end', () => (stdinEnded = true));
  const sizes: TerminalSize[] = [];
  session.io.onResize((s) => sizes.push(s));
  client.write(clientFrame(2, Buffer.from('\x00typed')));
  client.write(clientFrame(2, Buffer.from('\x04{"Width":80,"Height":24}')));
  client.write(clientFrame(2, Buffer.from([255, 0])));
  await tick();
  assert.equal(input.text(), 'typed');
  assert.ok(stdinEnded);
  assert.deepEqual(sizes, [{ width: 80, height: 24 }]);
  session.io.stdout!.write('out');
  session.io.stderr!.write('err');
  await session.finish(exitCodeStatus(2));
  await tick();
  const f = frames();
  const data = f.filter((x) => x.opcode === 2);
  assert.deepEqual(data.slice(0, 2).map((x) => [x.payload[0], x.payload.subarray(1).toString()]), [[1, 'out'], [2, 'err']]);
  assert.equal(data[2].payload[0], 3);
  assert.equal(JSON.parse(data[2].payload.subarray(1).toString()).reason, 'NonZeroExitCode');
  assert.equal(f[f.length - 1].opcode, 0x8, 'the connection closes after the status');
  assert.equal(f[f.length - 1].payload.readUInt16BE(0), 1000);
});

test('v4 over WebSocket ignores the close signal; v1 carries errors as plain text and nothing on success', async () => {
  const v4 = webSocket('v4.channel.k8s.io');
  const s4 = webSocketRemoteCommand(v4.ws, 'v4.channel.k8s.io', { stdin: true, stdout: true, stderr: false, tty: true });
  let ended = false;
  s4.io.stdin!.on('end', () => (ended = true));
  s4.io.stdin!.resume();
  v4.client.write(clientFrame(2, Buffer.from([255, 0])));
  await tick();
  assert.equal(ended, false);
  assert.equal(s4.io.stderr, undefined, 'a terminal has no stderr');

  const v1 = webSocket('channel.k8s.io');
  const s1 = webSocketRemoteCommand(v1.ws, 'channel.k8s.io', { stdin: false, stdout: true, stderr: true, tty: false });
  await s1.finish(internalErrorStatus('boom'));
  await tick();
  const errors = v1.frames().filter((x) => x.opcode === 2 && x.payload[0] === 3);
  assert.deepEqual(errors.map((x) => x.payload.subarray(1).toString()), ['Internal error occurred: boom']);
});

test('a WebSocket client that goes away aborts the command', async () => {
  const { ws, client } = webSocket('v5.channel.k8s.io');
  const session = webSocketRemoteCommand(ws, 'v5.channel.k8s.io', { stdin: false, stdout: true, stderr: true, tty: false });
  client.end();
  client.destroy();
  await tick();
  assert.ok(session.signal.aborted);
});

/**
 * A v4 SPDY remote command whose client opens `types` streams in order (ids 1, 3, 5, ...), as kubectl does;
 * resolves once the server has every stream, with the client's end and what it has received.
 */
async function spdyCommand(request: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }, types: string[]) {
  const [server, client] = duplexPair();
  const seen = collect(client);
  const pending = spdyRemoteCommand(new SpdySession(server), 'v4.channel.k8s.io', request);
  const c = new HeaderCompressor();
  let id = 1;
  for (const type of types) {
    client.write(await synStream(c, id, encodeHeaderBlock({ streamtype: type })));
    id += 2;
  }
  return { client, seen, session: await pending };
}

test('v4 over SPDY waits for every stream it asked for, replying to each, then ends with the Status on the error stream', async () => {
  const { client, seen, session } = await spdyCommand({ stdin: true, stdout: true, stderr: true, tty: false }, ['error', 'stdin', 'stdout', 'stderr']);
  const replies = spdyFrames(seen.bytes()).filter((f) => f.control && f.type === FrameType.synReply);
  assert.equal(replies.length, 4, 'every stream is answered before the command starts');
  const input = collect(session.io.stdin!);
  client.write(dataFrame(3, Buffer.from('in')));
  client.write(dataFrame(3, Buffer.alloc(0), true));
  await tick();
  assert.equal(input.text(), 'in');
  session.io.stdout!.write('hi\n');
  await session.finish(successStatus);
  await tick();
  const frames = spdyFrames(seen.bytes());
  const data = frames.filter((f) => !f.control);
  const seenData = data.map((d) => [d.id, d.body.toString(), d.flags]);
  assert.deepEqual(seenData[0], [5, 'hi\n', 0]);
  // stdout and stderr end (in either order) before the status is written and its stream ends.
  assert.deepEqual(seenData.slice(1, 3).sort(), [[5, '', 1], [7, '', 1]]);
  assert.deepEqual(seenData.slice(3), [[1, JSON.stringify(successStatus), 0], [1, '', 1]]);
  assert.equal(frames[frames.length - 1].type, FrameType.goAway);
});

test('after the Status a SPDY session leaves closing to the client, which reads the Status first; GOAWAY only after it closes or 2 s', async () => {
  const { client, seen, session } = await spdyCommand({ stdin: false, stdout: true, stderr: false, tty: true }, ['error', 'stdout', 'resize']);
  let finished = false;
  const done = session.finish(exitCodeStatus(4)).then(() => (finished = true));
  await tick();
  const frames = spdyFrames(seen.bytes());
  assert.ok(frames.some((f) => !f.control && f.id === 1 && f.body.toString() === JSON.stringify(exitCodeStatus(4))), 'the Status is out');
  assert.ok(!frames.some((f) => f.control && f.type === FrameType.goAway), 'no GOAWAY while the client may still be reading');
  assert.equal(finished, false);
  const closedAt = performance.now();
  client.end();
  await done;
  assert.ok(performance.now() - closedAt < 1000, 'finishes as soon as the client has closed');
});

test('SPDY streams the client did not ask for are reset', async () => {
  const [server, client] = duplexPair();
  const seen = collect(client);
  const spdy = new SpdySession(server);
  void spdyRemoteCommand(spdy, 'v4.channel.k8s.io', { stdin: false, stdout: true, stderr: false, tty: false }).catch(() => undefined);
  const c = new HeaderCompressor();
  client.write(await synStream(c, 1, encodeHeaderBlock({ streamtype: 'stdin' })));
  await tick();
  assert.equal(spdyFrames(seen.bytes())[0].type, FrameType.rstStream);
  spdy.close();
});
