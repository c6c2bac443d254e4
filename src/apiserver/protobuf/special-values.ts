import { ProtobufDecodeError } from './decode-error.js';
import type { SpecialKind } from './message-spec.js';
import { formatGoDuration } from './go-duration.js';
import { type Tag, WireReader, wireBytes, wireVarint } from './wire-reader.js';

/**
 * JSON forms of the messages whose Go types marshal themselves: meta/v1 Time, MicroTime and Duration,
 * resource.Quantity, intstr.IntOrString, runtime.RawExtension, meta/v1 FieldsV1 and string lists
 * wrapped in a message. Each is a small message whose fields are read here directly.
 */
export function decodeSpecial(kind: SpecialKind, bytes: Uint8Array, embedded: (raw: Uint8Array) => unknown): unknown {
  const fields = readFields(bytes);
  switch (kind) {
    case 'time':
      // Go writes a zero Time as an empty message and marshals it to JSON null; it keeps whole seconds only.
      if (bytes.length === 0) return null;
      return formatTime(asInt64(varintField(fields, 1) ?? 0n), 0n, false);
    case 'microtime':
      if (bytes.length === 0) return null;
      return formatTime(asInt64(varintField(fields, 1) ?? 0n), BigInt.asIntN(32, varintField(fields, 2) ?? 0n), true);
    case 'duration':
      return formatGoDuration(asInt64(varintField(fields, 1) ?? 0n));
    case 'quantity':
      return utf8(bytesField(fields, 1)) || '0';
    case 'intorstring': {
      const type = asInt64(varintField(fields, 1) ?? 0n);
      if (type === 0n) return Number(BigInt.asIntN(32, varintField(fields, 2) ?? 0n));
      if (type === 1n) return utf8(bytesField(fields, 3));
      throw new ProtobufDecodeError(`impossible IntOrString.Type ${type}`);
    }
    case 'fieldsv1':
    case 'rawextension': {
      const raw = bytesField(fields, 1);
      if (raw === undefined || raw.length === 0) return null;
      if (kind === 'rawextension' && hasKubernetesPrefix(raw)) return embedded(raw);
      try {
        return JSON.parse(utf8(raw)) as unknown;
      } catch (e) {
        throw new ProtobufDecodeError(`embedded JSON is malformed: ${(e as Error).message}`);
      }
    }
    case 'strings':
      return (fields.get(1) ?? []).map((f) => utf8(expectBytes(f, 1)));
  }
}

/** The 4-byte prefix of every Kubernetes protobuf object: `k8s\0`. */
export const kubernetesPrefix: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export function hasKubernetesPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= kubernetesPrefix.length && kubernetesPrefix.every((b, i) => bytes[i] === b);
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Protobuf strings as Go holds them: invalid UTF-8 turns into U+FFFD when marshalled to JSON. */
export function utf8(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : decoder.decode(bytes);
}

/** Reinterprets a varint as a signed 64-bit integer. */
export function asInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

interface RawField {
  tag: Tag;
  value: bigint | Uint8Array;
}

function readFields(bytes: Uint8Array): Map<number, RawField[]> {
  const fields = new Map<number, RawField[]>();
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const tag = reader.tag();
    let value: bigint | Uint8Array;
    if (tag.wire === wireVarint) value = reader.varint();
    else if (tag.wire === wireBytes) value = reader.bytes();
    else {
      reader.skip(tag);
      continue;
    }
    const list = fields.get(tag.field) ?? [];
    list.push({ tag, value });
    fields.set(tag.field, list);
  }
  return fields;
}

/** The last occurrence of a field wins, as in every protobuf decoder. */
function varintField(fields: Map<number, RawField[]>, n: number): bigint | undefined {
  const f = fields.get(n)?.at(-1);
  if (f === undefined) return undefined;
  if (typeof f.value !== 'bigint') throw wrongWire(f, n);
  return f.value;
}

function bytesField(fields: Map<number, RawField[]>, n: number): Uint8Array | undefined {
  const f = fields.get(n)?.at(-1);
  return f === undefined ? undefined : expectBytes(f, n);
}

function expectBytes(f: RawField, n: number): Uint8Array {
  if (typeof f.value === 'bigint') throw wrongWire(f, n);
  return f.value;
}

function wrongWire(f: RawField, n: number): ProtobufDecodeError {
  return new ProtobufDecodeError(`wrong wireType = ${f.tag.wire} for field ${n}`);
}

/** 0001-01-01T00:00:00Z, Go's zero time, which metav1 marshals to JSON null. */
const zeroTimeSeconds = -62135596800n;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: Go's JSON encoder rejects years outside them. */
const minSeconds = -62167219200n;
const maxSeconds = 253402300799n;

/**
 * RFC 3339 in UTC as metav1.Time (whole seconds) and metav1.MicroTime (six fractional digits) marshal.
 * Nanoseconds outside [0, 1e9) carry into the seconds, as Go's time.Unix does.
 */
export function formatTime(seconds: bigint, nanos: bigint, micro: boolean): string | null {
  let total = seconds * 1_000_000_000n + (micro ? nanos - (nanos % 1000n) : 0n);
  let whole = total / 1_000_000_000n;
  if (total % 1_000_000_000n < 0n) whole -= 1n;
  total -= whole * 1_000_000_000n;
  if (whole === zeroTimeSeconds && total === 0n) return null;
  if (whole < minSeconds || whole > maxSeconds) throw new ProtobufDecodeError(`time out of range: ${seconds}s`);
  const base = new Date(Number(whole) * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${(total / 1000n).toString().padStart(6, '0')}Z` : `${base}Z`;
}
