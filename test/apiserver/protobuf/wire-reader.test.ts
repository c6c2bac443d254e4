import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufDecodeError } from '../../../src/apiserver/protobuf/decode-error.js';
import { WireReader, wireStartGroup } from '../../../src/apiserver/protobuf/wire-reader.js';
import { bytes, int, message, str, tag } from './proto-builder.js';

test('varints keep all 64 bits, including negative int64 and lengths', () => {
  const r = new WireReader(message(int(1, 150), int(2, -1), int(3, '9223372036854775807'), str(4, 'hi')));
  assert.deepEqual(r.tag(), { field: 1, wire: 0 });
  assert.equal(r.varint(), 150n);
  r.tag();
  assert.equal(r.varint(), 2n ** 64n - 1n);
  r.tag();
  assert.equal(r.varint(), 2n ** 63n - 1n);
  assert.deepEqual(r.tag(), { field: 4, wire: 2 });
  assert.deepEqual([...r.bytes()], [0x68, 0x69]);
  assert.equal(r.done, true);
});

test('skip passes over every wire type, groups included', () => {
  const fixed = (n: number, wire: number, size: number) => Uint8Array.of((n << 3) | wire, ...Array(size).fill(1));
  const body = Uint8Array.of(...fixed(1, 1, 8), ...fixed(2, 5, 4), ...message(tag(3, wireStartGroup), int(1, 7), tag(3, 4), str(9, 'end')));
  const r = new WireReader(body);
  for (let i = 0; i < 3; i++) r.skip(r.tag());
  assert.deepEqual(r.tag(), { field: 9, wire: 2 });
});

test('truncated or illegal input throws ProtobufDecodeError', () => {
  const cases = [
    Uint8Array.of(0x08),
    Uint8Array.of(0x0a, 0x05, 0x01),
    Uint8Array.of(0x00, 0x00),
    Uint8Array.of(...Array(11).fill(0x80)),
    message(tag(3, wireStartGroup), int(1, 7)),
    message(tag(3, wireStartGroup), tag(4, 4)),
    message(bytes(1, Uint8Array.of(1))).subarray(0, 2),
  ];
  for (const body of cases) {
    assert.throws(() => {
      const r = new WireReader(body);
      while (!r.done) r.skip(r.tag());
    }, ProtobufDecodeError);
  }
});
