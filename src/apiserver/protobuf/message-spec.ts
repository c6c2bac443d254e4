import { messageTable } from './messages.js';

/** Scalars as the Go structs hold them. */
export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';
/** Messages whose JSON form is not an object of their fields. */
export type SpecialKind = 'time' | 'microtime' | 'duration' | 'quantity' | 'intorstring' | 'rawextension' | 'fieldsv1' | 'strings';

export const scalarKinds: ReadonlySet<string> = new Set<ScalarKind>(['string', 'bytes', 'bool', 'int32', 'int64']);
export const specialKinds: ReadonlySet<string> = new Set<SpecialKind>([
  'time',
  'microtime',
  'duration',
  'quantity',
  'intorstring',
  'rawextension',
  'fieldsv1',
  'strings',
]);

export type FieldType =
  | { kind: ScalarKind }
  | { kind: SpecialKind }
  | { kind: 'message'; message: string };

export interface FieldSpec {
  number: number;
  /** The JSON name; absent for an embedded struct whose fields are inlined into the parent. */
  name?: string;
  type: FieldType;
  cardinality: 'single' | 'repeated' | 'map';
  /** Drop the field when it decodes to '', 0 or false (Go's omitempty on a non-pointer scalar). */
  omitZero: boolean;
}

export interface MessageSpec {
  name: string;
  fields: ReadonlyMap<number, FieldSpec>;
}

const fieldPattern = /^(?:\.\.\.|([A-Za-z_][A-Za-z0-9_]*)(\?)?=)(\d+):(\[\]|\{)?([A-Za-z0-9_.]+)\}?$/;

/** Parses one field of the table's notation (see messages.ts). */
export function parseField(text: string): FieldSpec {
  const m = fieldPattern.exec(text);
  if (!m) throw new Error(`malformed protobuf field spec ${JSON.stringify(text)}`);
  const [, name, optional, number, wrapper, kind] = m;
  if ((wrapper === '{') !== text.endsWith('}')) throw new Error(`malformed protobuf field spec ${JSON.stringify(text)}`);
  let type: FieldType;
  if (scalarKinds.has(kind)) type = { kind: kind as ScalarKind };
  else if (specialKinds.has(kind)) type = { kind: kind as SpecialKind };
  else if (kind.includes('.')) type = { kind: 'message', message: kind };
  else throw new Error(`unknown protobuf kind ${kind} in ${JSON.stringify(text)}`);
  if (name === undefined && (wrapper !== undefined || type.kind !== 'message')) {
    throw new Error(`an inlined field must be a single message: ${JSON.stringify(text)}`);
  }
  return {
    number: Number(number),
    ...(name === undefined ? {} : { name }),
    type,
    cardinality: wrapper === '[]' ? 'repeated' : wrapper === '{' ? 'map' : 'single',
    omitZero: optional === '?',
  };
}

const compiled = new Map<string, MessageSpec>();

/** The compiled spec of a message in the table, or undefined if the table lacks it. */
export function messageSpec(name: string): MessageSpec | undefined {
  let spec = compiled.get(name);
  if (spec) return spec;
  if (!Object.hasOwn(messageTable, name)) return undefined;
  const fields = new Map<number, FieldSpec>();
  for (const text of messageTable[name].split(' ')) {
    if (text === '') continue;
    const field = parseField(text);
    fields.set(field.number, field);
  }
  spec = { name, fields };
  compiled.set(name, spec);
  return spec;
}
