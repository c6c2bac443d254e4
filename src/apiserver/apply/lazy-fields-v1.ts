import type { JsonObject } from '../../api/object.js';
import { markCanonicalFieldsV1 } from './fields-v1.js';

/**
 * Where an entry keeps its fieldsV1 text: a property that is not enumerable and has a symbol for a key, so
 * JSON, Object.keys, spreading, structuredClone and deep comparisons never see it. (A WeakMap from entry
 * to text cost four times as much per create once it held every live entry.)
 */
const textKey = Symbol('fieldsV1Text');

interface TextEntry {
  [textKey]?: string;
}

/**
 * Gives a managedFields entry its fieldsV1 as canonical JSON text. The stored object takes the text as it
 * is (see fieldsV1TextOf); the object form is parsed only if something reads the property, and from then
 * on the entry is an ordinary one. A create's entry is seldom read again before the collector takes the
 * object, so most creates never build the trie at all.
 */
export function setFieldsV1Text(entry: object, text: string): void {
  Object.defineProperty(entry, 'fieldsV1', lazyFieldsV1);
  textDescriptor.value = text;
  Object.defineProperty(entry, textKey, textDescriptor);
  textDescriptor.value = undefined;
}

// One descriptor of each kind for every entry: no functions or descriptors are made per create.
const lazyFieldsV1: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: TextEntry): JsonObject {
    const parsed = JSON.parse(this[textKey]!) as JsonObject;
    markCanonicalFieldsV1(parsed);
    return settle(this, parsed);
  },
  set(this: TextEntry, value: unknown) {
    settle(this, value);
  },
};
const textDescriptor: PropertyDescriptor = { value: undefined, writable: true, enumerable: false, configurable: true };

function settle<T>(entry: TextEntry, value: T): T {
  entry[textKey] = undefined;
  Object.defineProperty(entry, 'fieldsV1', { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/** The JSON text of an entry's fieldsV1 while nothing has read or replaced it. */
export function fieldsV1TextOf(entry: unknown): string | undefined {
  return typeof entry === 'object' && entry !== null ? (entry as TextEntry)[textKey] : undefined;
}
