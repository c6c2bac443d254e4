import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaderBlock, encodeHeaderBlock, FrameType, SpdySession, type SpdyStream } from '../../../src/node/server/spdy.js';
import { spdyDictionary } from '../../../src/node/server/spdy-dictionary.js';
import { collect, controlFrame, dataFrame, duplexPair, HeaderCompressor, HeaderDecompressor, spdyFrames, synStream } from './fixtures.js';

const tick = () => new Promise((r) => setTimeout(r, 20));

function session() {
  const [server, client] = duplexPair();
  const s = new SpdySession(server);
  const streams: SpdyStream[] = [];
  s.on('stream', (st) => streams.push(st));
  const seen = collect(client);
  return { s, client, streams, seen, compressor: new HeaderCompressor() };
}

test('the SPDY/3 dictionary is the 1,423 bytes of the draft', () => {
  assert.equal(spdyDictionary.length, 1423);
  assert.deepEqual([...spdyDictionary.subarray(0, 11)], [0, 0, 0, 7, ...Buffer.from('options')]);
  assert.equal(spdyDictionary.subarray(-6).toString(), 'enq=0.');
});

test('header blocks round-trip with lower-case names and NUL-joined repeats', () => {
  const block = encodeHeaderBlock({ StreamType: 'error', port: '80' });
  assert.equal(block.readUInt32BE(0), 2);
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: 'error', port: '80' });
  const twice = Buffer.concat([Buffer.from([0, 0, 0, 2]), encodeHeaderBlock({ a: '1' }).subarray(4), encodeHeaderBlock({ a: '2' }).subarray(4)]);
  assert.deepEqual(decodeHeaderBlock(twice), { a: '1\u00002' });
  assert.throws(() => decodeHeaderBlock(Buffer.from([0, 0, 0, 1, 0, 0, 0, 9])), /truncated/);
});

test('SYN_STREAMs are decoded through one zlib context; reply() sends a SYN_REPLY the client can inflate', async () => {
  const { client, streams, seen, compressor } = session();
  client.write(await synStream(compressor, 1, encodeHeaderBlock({ streamtype: 'error' })));
  client.write(await synStream(compressor, 3, encodeHeaderBlock({ streamtype: 'stdout' })));
  await tick();
  assert.deepEqual(streams.map((s) => [s.id, s.headers.streamtype]), [[1, 'error'], [3, 'stdout']]);
  await streams[0].reply();
  await streams[1].reply();
  await tick();
  const replies = spdyFrames(seen.bytes()).filter((f) => f.control && f.type === FrameType.synReply);
  assert.deepEqual(replies.map((r) => r.id), [1, 3]);
  const inflate = new HeaderDecompressor();
  for (const r of replies) assert.deepEqual(decodeHeaderBlock(await inflate.decompress(r.body.subarray(4))), {});
});

test('DATA reaches the stream; end() sends DATA with FIN after the reply; a client FIN ends reading', async () => {
  const { client, streams, seen, compressor } = session();
  client.write(await synStream(compressor, 1, encodeHeaderBlock({ streamtype: 'stdin' })));
  await tick();
  const st = streams[0];
  const got = collect(st);
  let ended = false;
  st.on('end', () => (ended = true));
  client.write(dataFrame(1, Buffer.from('input')));
  client.write(dataFrame(1, Buffer.alloc(0), true));
  st.end('output');
  await tick();
  assert.equal(got.text(), 'input');
  assert.ok(ended);
  const frames = spdyFrames(seen.bytes());
  const replyAt = frames.findIndex((f) => f.control && f.type === FrameType.synReply);
  const data = frames.filter((f) => !f.control);
  assert.ok(replyAt === 0, 'the reply goes before any data');
  assert.deepEqual(data.map((d) => [d.id, d.body.toString(), d.flags]), [[1, 'output', 0], [1, '', 1]]);
});

test('client PINGs are echoed; SETTINGS and WINDOW_UPDATE are ignored', async () => {
  const { client, seen } = session();
  const ping = Buffer.alloc(4);
  ping.writeUInt32BE(7);
  client.write(controlFrame(FrameType.settings, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 7, 0, 1, 0, 0])));
  client.write(controlFrame(FrameType.windowUpdate, 0, Buffer.from([0, 0, 0, 1, 0, 1, 0, 0])));
  client.write(controlFrame(FrameType.ping, 0, ping));
  await tick();
  const frames = spdyFrames(seen.bytes());
  assert.equal(frames.length, 1);
  assert.equal(frames[0].type, FrameType.ping);
  assert.equal(frames[0].body.readUInt32BE(0), 7);
});

test('an even or repeated stream id is refused with RST_STREAM, and the session goes on', async () => {
  const { client, streams, seen, compressor } = session();
  client.write(await synStream(compressor, 2, encodeHeaderBlock({ streamtype: 'error' })));
  client.write(await synStream(compressor, 5, encodeHeaderBlock({ streamtype: 'error' })));
  client.write(await synStream(compressor, 3, encodeHeaderBlock({ streamtype: 'error' })));
  await tick();
  assert.deepEqual(streams.map((s) => s.id), [5]);
  const resets = spdyFrames(seen.bytes()).filter((f) => f.control && f.type === FrameType.rstStream);
  assert.deepEqual(resets.map((r) => [r.id, r.body.readUInt32BE(4)]), [[2, 1], [3, 1]]);
});

test('RST_STREAM from the client destroys its stream; close() sends GOAWAY after pending replies', async () => {
  const { s, client, streams, seen, compressor } = session();
  client.write(await synStream(compressor, 1, encodeHeaderBlock({ streamtype: 'data' })));
  await tick();
  const rst = Buffer.alloc(8);
  rst.writeUInt32BE(1, 0);
  rst.writeUInt32BE(5, 4);
  client.write(controlFrame(FrameType.rstStream, 0, rst));
  await tick();
  assert.ok(streams[0].destroyed);
  client.write(await synStream(compressor, 3, encodeHeaderBlock({ streamtype: 'data' })));
  await tick();
  void streams[1].reply();
  s.close();
  await tick();
  const types = spdyFrames(seen.bytes()).map((f) => f.type);
  assert.deepEqual(types, [FrameType.synReply, FrameType.goAway]);
  assert.ok(s.isClosed);
});

test('a frame of another SPDY version ends the session', async () => {
  const { s, client } = session();
  let error: Error | undefined;
  s.on('error', (e) => (error = e));
  const bad = controlFrame(FrameType.ping, 0, Buffer.alloc(4));
  bad.writeUInt16BE(0x8002, 0);
  client.write(bad);
  await tick();
  assert.match(error?.message ?? '', /unsupported SPDY version 2/);
  assert.ok(s.isClosed);
});
