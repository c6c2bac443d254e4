import { ProtobufDecodeError } from './decode-error.js';
import { messageForKind } from './kind-registry.js';
import { type FieldSpec, type MessageSpec, messageSpec } from './message-spec.js';
import { asInt64, decodeSpecial, hasKubernetesPrefix, kubernetesPrefix, utf8 } from './special-values.js';
import { type Tag, WireReader, wireBytes, wireVarint } from './wire-reader.js';

export type JsonObject = Record<string, unknown>;

/**
 * Decodes a Kubernetes protobuf object: the `k8s\0` prefix, then a runtime.Unknown whose typeMeta
 * (field 1: apiVersion 1, kind 2) names the kind and whose raw (field 2) is the object's own message.
 * The result is the object as its JSON form, apiVersion and kind first.
 */
export function decodeObject(body: Uint8Array): JsonObject {
  if (body.length === 0) throw new ProtobufDecodeError('empty data');
  if (!hasKubernetesPrefix(body)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${kubernetesPrefix.join(' ')}]`);
  }
  if (body.length === kubernetesPrefix.length) throw new ProtobufDecodeError('empty body');
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array(0);
  let contentEncoding = '';
  const reader = new WireReader(body.subarray(kubernetesPrefix.length));
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.field > 4) {
      reader.skip(tag);
      continue;
    }
    expectWire(tag, wireBytes, unknownFieldNames[tag.field]);
    const bytes = reader.bytes();
    if (tag.field === 1) {
      const typeMeta = new WireReader(bytes);
      while (!typeMeta.done) {
        const t = typeMeta.tag();
        if (t.field === 1 || t.field === 2) {
          expectWire(t, wireBytes, t.field === 1 ? 'apiVersion' : 'kind');
          if (t.field === 1) apiVersion = utf8(typeMeta.bytes());
          else kind = utf8(typeMeta.bytes());
        } else typeMeta.skip(t);
      }
    } else if (tag.field === 2) raw = bytes;
    else if (tag.field === 3) contentEncoding = utf8(bytes);
  }
  // Kubernetes never compresses the embedded object; a body that claims to would not decode as proto.
  if (contentEncoding !== '') throw new ProtobufDecodeError(`unsupported content encoding ${JSON.stringify(contentEncoding)}`);
  const typeMetaText = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)}}`;
  if (kind === '') throw new ProtobufDecodeError(`Object 'Kind' is missing in '${typeMetaText}'`);
  if (apiVersion === '') throw new ProtobufDecodeError(`Object 'apiVersion' is missing in '${typeMetaText}'`);
  const message = messageForKind(apiVersion, kind);
  if (message === undefined) throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const object: JsonObject = { apiVersion, kind };
  decodeInto(raw, spec(message), object, '');
  return object;
}

const unknownFieldNames = ['', 'typeMeta', 'raw', 'contentEncoding', 'contentType'];

/** Decodes one message of the table into a fresh JSON object. */
export function decodeMessage(bytes: Uint8Array, message: string, path = ''): JsonObject {
  const object: JsonObject = {};
  decodeInto(bytes, spec(message), object, path);
  return object;
}

function spec(message: string): MessageSpec {
  const found = messageSpec(message);
  if (found === undefined) throw new Error(`protobuf message ${message} is missing from the table`);
  return found;
}

/**
 * Reads a message's fields into target. Like Go's generated unmarshalers it merges: a repeated field
 * appends, a second occurrence of a nested message merges into the first, a scalar's last value wins.
 * Fields the table does not know are skipped.
 */
function decodeInto(bytes: Uint8Array, message: MessageSpec, target: JsonObject, path: string): void {
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const tag = reader.tag();
    const field = message.fields.get(tag.field);
    if (field === undefined) {
      reader.skip(tag);
      continue;
    }
    if (field.name === undefined) {
      // An embedded Go struct: its fields live in the parent's JSON object.
      expectWire(tag, wireBytes, `${path}(inline ${tag.field})`);
      decodeInto(reader.bytes(), spec(messageName(field)), target, path);
      continue;
    }
    const name = field.name;
    const fieldPath = path === '' ? name : `${path}.${name}`;
    if (field.cardinality === 'map') {
      expectWire(tag, wireBytes, fieldPath);
      const map = existingObject(target, name) ?? setOwn(target, name, {});
      readMapEntry(reader.bytes(), field, map, fieldPath);
    } else if (field.cardinality === 'repeated') {
      const values: unknown[] = [];
      if (tag.wire === wireBytes && isVarintKind(field)) {
        // Packed encoding: proto2 writers may use it for repeated numbers, and decoders accept both.
        const packed = new WireReader(reader.bytes());
        while (!packed.done) values.push(readValue(packed, { field: tag.field, wire: wireVarint }, field, fieldPath));
      } else {
        values.push(readValue(reader, tag, field, fieldPath));
      }
      // Created on first element only: an empty repeated field stays absent, as Go's omitempty leaves it.
      if (values.length > 0) {
        const list = Array.isArray(target[name]) ? (target[name] as unknown[]) : setOwn(target, name, [] as unknown[]);
        list.push(...values);
      }
    } else if (field.type.kind === 'message') {
      expectWire(tag, wireBytes, fieldPath);
      const existing = existingObject(target, name);
      if (existing) decodeInto(reader.bytes(), spec(field.type.message), existing, fieldPath);
      else setOwn(target, name, decodeMessage(reader.bytes(), field.type.message, fieldPath));
    } else {
      const value = readValue(reader, tag, field, fieldPath);
      if (field.omitZero && (value === '' || value === 0 || value === false)) delete target[name];
      else setOwn(target, name, value);
    }
  }
}

/** A map field's entry is a message {key = 1, value = 2}; a missing part is its type's zero value. */
function readMapEntry(bytes: Uint8Array, field: FieldSpec, map: JsonObject, path: string): void {
  const reader = new WireReader(bytes);
  let key = '';
  let value: unknown;
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.field === 1) {
      expectWire(tag, wireBytes, `${path} key`);
      key = utf8(reader.bytes());
    } else if (tag.field === 2) {
      value = readValue(reader, tag, field, `${path}[${JSON.stringify(key)}]`);
    } else reader.skip(tag);
  }
  setOwn(map, key, value === undefined ? zeroValue(field) : value);
}

function zeroValue(field: FieldSpec): unknown {
  const empty = new Uint8Array(0);
  switch (field.type.kind) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case 'int32':
    case 'int64':
      return 0;
    case 'message':
      return {};
    default:
      return decodeSpecial(field.type.kind, empty, decodeObject);
  }
}

/** One value of a field (an element, for a repeated or map field). */
function readValue(reader: WireReader, tag: Tag, field: FieldSpec, path: string): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'bool':
      expectWire(tag, wireVarint, path);
      return reader.varint() !== 0n;
    case 'int32':
      expectWire(tag, wireVarint, path);
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'int64': {
      expectWire(tag, wireVarint, path);
      const value = asInt64(reader.varint());
      // JSON numbers past 2^53 would be silently rounded; refuse instead.
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new ProtobufDecodeError(`${path}: integer ${value} cannot be represented exactly in JSON`);
      }
      return Number(value);
    }
    case 'string':
      expectWire(tag, wireBytes, path);
      return utf8(reader.bytes());
    case 'bytes':
      expectWire(tag, wireBytes, path);
      return Buffer.from(reader.bytes()).toString('base64');
    case 'message':
      expectWire(tag, wireBytes, path);
      return decodeMessage(reader.bytes(), type.message, path);
    default:
      expectWire(tag, wireBytes, path);
      try {
        return decodeSpecial(type.kind, reader.bytes(), decodeObject);
      } catch (e) {
        if (e instanceof ProtobufDecodeError) throw new ProtobufDecodeError(`${path}: ${e.message}`);
        throw e;
      }
  }
}

function isVarintKind(field: FieldSpec): boolean {
  return field.type.kind === 'bool' || field.type.kind === 'int32' || field.type.kind === 'int64';
}

function messageName(field: FieldSpec): string {
  if (field.type.kind !== 'message') throw new Error(`inlined field ${field.number} is not a message`);
  return field.type.message;
}

function expectWire(tag: Tag, wire: number, what: string): void {
  if (tag.wire !== wire) throw new ProtobufDecodeError(`wrong wireType = ${tag.wire} for field ${what}`);
}

function existingObject(target: JsonObject, name: string): JsonObject | undefined {
  const value = Object.hasOwn(target, name) ? target[name] : undefined;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** Assigns an own property even for keys like `__proto__`, as JSON.parse would create them. */
function setOwn<T>(target: JsonObject, key: string, value: T): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}
