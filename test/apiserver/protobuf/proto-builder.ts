/**
 * Builds protobuf bytes for tests with protobufjs's Writer, shaped as Go's generated marshalers write
 * Kubernetes objects. A Field writes one tagged value.
 */
import protobuf from 'protobufjs';

type Writer = protobuf.Writer;
export type Field = (w: Writer) => void;

export function message(...fields: Field[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const f of fields) f(w);
  return w.finish();
}

export const str = (n: number, v: string): Field => (w) => w.uint32((n << 3) | 2).string(v);
export const bytes = (n: number, v: Uint8Array): Field => (w) => w.uint32((n << 3) | 2).bytes(v);
export const sub = (n: number, ...fields: Field[]): Field => bytes(n, message(...fields));
/** A varint field; a string value passes an int64 that a double cannot hold. */
export const int = (n: number, v: number | string): Field => (w) => w.uint32(n << 3).int64(v);
export const bool = (n: number, v: boolean): Field => (w) => w.uint32(n << 3).bool(v);
/** One entry of a map field: a message {key = 1, value = 2}. */
export const entry = (n: number, key: string, value: Field): Field => sub(n, str(1, key), value);
/** A raw tag with any wire type, for malformed input. */
export const tag = (n: number, wire: number): Field => (w) => w.uint32((n << 3) | wire);

/** The Kubernetes protobuf envelope: `k8s\0` then runtime.Unknown{typeMeta, raw, contentEncoding, contentType}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const unknown = message(sub(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), str(3, ''), str(4, ''));
  return Uint8Array.of(0x6b, 0x38, 0x73, 0x00, ...unknown);
}

/** ObjectMeta as Go writes it for a new object: every non-pointer scalar, zero or not, and an empty creationTimestamp. */
export function newObjectMeta(name: string, ...more: Field[]): Field {
  return sub(1, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), sub(8), ...more);
}
