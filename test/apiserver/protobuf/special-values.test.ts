import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufDecodeError } from '../../../src/apiserver/protobuf/decode-error.js';
import { decodeSpecial, formatTime, hasKubernetesPrefix } from '../../../src/apiserver/protobuf/special-values.js';
import { bytes, envelope, int, message, str } from './proto-builder.js';

const noEmbedded = () => assert.fail('no embedded object expected');
const utf8 = (s: string) => new TextEncoder().encode(s);

test('Time keeps whole seconds; an empty Time and Go zero time are null', () => {
  assert.equal(decodeSpecial('time', message(int(1, 1704164645), int(2, 999)), noEmbedded), '2024-01-02T03:04:05Z');
  assert.equal(decodeSpecial('time', message(), noEmbedded), null);
  assert.equal(decodeSpecial('time', message(int(1, -62135596800)), noEmbedded), null);
  assert.equal(decodeSpecial('time', message(int(2, 5)), noEmbedded), '1970-01-01T00:00:00Z');
});

test('MicroTime has six fractional digits, truncated, with nanos carried as Go does', () => {
  assert.equal(decodeSpecial('microtime', message(int(1, 1704164645), int(2, 123456789)), noEmbedded), '2024-01-02T03:04:05.123456Z');
  assert.equal(decodeSpecial('microtime', message(int(1, 1704164645)), noEmbedded), '2024-01-02T03:04:05.000000Z');
  assert.equal(formatTime(10n, -1_000n, true), '1970-01-01T00:00:09.999999Z');
  assert.equal(formatTime(10n, 1_500_000_000n, true), '1970-01-01T00:00:11.500000Z');
  assert.throws(() => formatTime(253402300800n, 0n, false), ProtobufDecodeError);
});

test('Duration, Quantity and IntOrString', () => {
  assert.equal(decodeSpecial('duration', message(int(1, 3_600_000_000_000)), noEmbedded), '1h0m0s');
  assert.equal(decodeSpecial('duration', message(), noEmbedded), '0s');
  assert.equal(decodeSpecial('quantity', message(str(1, '1Gi')), noEmbedded), '1Gi');
  assert.equal(decodeSpecial('quantity', message(), noEmbedded), '0');
  assert.equal(decodeSpecial('intorstring', message(int(1, 0), int(2, 8080)), noEmbedded), 8080);
  assert.equal(decodeSpecial('intorstring', message(int(1, 0), int(2, -1)), noEmbedded), -1);
  assert.equal(decodeSpecial('intorstring', message(int(1, 1), str(3, 'http')), noEmbedded), 'http');
  assert.equal(decodeSpecial('intorstring', message(), noEmbedded), 0);
  assert.throws(() => decodeSpecial('intorstring', message(int(1, 2)), noEmbedded), /impossible IntOrString.Type 2/);
  assert.throws(() => decodeSpecial('quantity', message(int(1, 2)), noEmbedded), /wrong wireType = 0 for field 1/);
});

test('FieldsV1 and RawExtension carry embedded JSON; a RawExtension may embed a protobuf object', () => {
  assert.deepEqual(decodeSpecial('fieldsv1', message(bytes(1, utf8('{"f:data":{".":{}}}'))), noEmbedded), { 'f:data': { '.': {} } });
  assert.equal(decodeSpecial('fieldsv1', message(), noEmbedded), null);
  assert.deepEqual(decodeSpecial('rawextension', message(bytes(1, utf8('[1,"a"]'))), noEmbedded), [1, 'a']);
  assert.throws(() => decodeSpecial('rawextension', message(bytes(1, utf8('{nope'))), noEmbedded), /embedded JSON is malformed/);
  const inner = envelope('v1', 'ConfigMap', message());
  assert.equal(hasKubernetesPrefix(inner), true);
  assert.equal(decodeSpecial('rawextension', message(bytes(1, inner)), (raw) => raw.length), inner.length);
});

test('a string list wrapped in a message is a JSON array', () => {
  assert.deepEqual(decodeSpecial('strings', message(str(1, 'a'), str(1, 'b')), noEmbedded), ['a', 'b']);
  assert.deepEqual(decodeSpecial('strings', message(), noEmbedded), []);
});
