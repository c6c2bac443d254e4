import type { JsonObject } from '../../api/object.js';
import { markCanonicalFieldsV1 } from './fields-v1.js';

/** The entries whose fieldsV1 is still JSON text, and that text. */
const texts = new WeakMap<object, string>();

/**
 * Gives a managedFields entry its fieldsV1 as canonical JSON text. The stored object takes the text as it
 * is (see fieldsV1TextOf); the object form is parsed only if something reads the property, and from then
 * on the entry is an ordinary one. A create's entry is seldom read again before the collector takes the
 * object, so most creates never build the trie at all.
 */
export function setFieldsV1Text(entry: object, text: string): void {
  texts.set(entry, text);
  Object.defineProperty(entry, 'fieldsV1', lazyFieldsV1);
}

// One descriptor for every entry: no functions are made per create.
const lazyFieldsV1: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object): JsonObject {
    const parsed = JSON.parse(texts.get(this)!) as JsonObject;
    markCanonicalFieldsV1(parsed);
    return settle(this, parsed);
  },
  set(this: object, value: unknown) {
    settle(this, value);
  },
};

function settle<T>(entry: object, value: T): T {
  texts.delete(entry);
  Object.defineProperty(entry, 'fieldsV1', { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/** The JSON text of an entry's fieldsV1 while nothing has read or replaced it. */
export function fieldsV1TextOf(entry: unknown): string | undefined {
  return typeof entry === 'object' && entry !== null ? texts.get(entry) : undefined;
}
