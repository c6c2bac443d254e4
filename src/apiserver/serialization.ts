import type { KubeObject } from '../api/index.js';
import { fieldsV1TextOf } from './apply/lazy-fields-v1.js';

const metadataOpen = '"metadata":{';

/**
 * Serializes an object for storage: apiVersion, kind and metadata first, and no resourceVersion (the
 * store's revision is the resourceVersion, added back when read). A managedFields entry that still holds
 * its fieldsV1 as text (a create's) is written with that text, and managedFields then ends metadata.
 */
export function encodeForStorage(obj: KubeObject): string {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const managedFields = managedFieldsText(metadata.managedFields);
  if (managedFields === undefined) {
    const { resourceVersion: _rv, ...meta } = metadata;
    void _rv;
    return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
  }
  const meta: Record<string, unknown> = {};
  let empty = true;
  for (const k of Object.keys(metadata)) {
    if (k === 'resourceVersion' || k === 'managedFields') continue;
    meta[k] = metadata[k as keyof typeof metadata];
    empty = false;
  }
  // `...}}` closes metadata and the object: managedFields goes in before the first brace of the two.
  const head = JSON.stringify({ apiVersion, kind, metadata: meta });
  const tail = JSON.stringify(rest);
  // Joined, not concatenated: the result is flat, as JSON.stringify's would be.
  return [head.slice(0, -2), empty ? '"managedFields":' : ',"managedFields":', managedFields, tail.length > 2 ? '},' : '}}', tail.length > 2 ? tail.slice(1) : ''].join('');
}

/** managedFields as JSON when an entry holds its fieldsV1 as text; undefined when none does. */
function managedFieldsText(entries: unknown): string | undefined {
  if (!Array.isArray(entries) || !entries.some((e) => fieldsV1TextOf(e) !== undefined)) return undefined;
  let out = '[';
  for (let i = 0; i < entries.length; i++) out += (i === 0 ? '' : ',') + entryText(entries[i]);
  return `${out}]`;
}

function entryText(entry: unknown): string {
  const fieldsV1 = fieldsV1TextOf(entry);
  if (fieldsV1 === undefined) return JSON.stringify(entry) ?? 'null';
  const e = entry as Record<string, unknown>;
  let out = '{';
  for (const k of Object.keys(e)) {
    // The property is not read: reading it would parse the text.
    const value = k === 'fieldsV1' ? fieldsV1 : JSON.stringify(e[k]);
    if (value !== undefined) out += `${out.length === 1 ? '' : ','}${JSON.stringify(k)}:${value}`;
  }
  return `${out}}`;
}

/**
 * Adds the resourceVersion to a stored value without parsing it: stored values always open with
 * apiVersion and kind, so the first `"metadata":{` is the object's own metadata.
 */
export function encodeStored(value: string, revision: number): string {
  const at = value.indexOf(metadataOpen);
  if (at < 0) {
    const obj = JSON.parse(value) as KubeObject;
    obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
    return JSON.stringify(obj);
  }
  const insertAt = at + metadataOpen.length;
  const sep = value[insertAt] === '}' ? '' : ',';
  return `${value.slice(0, insertAt)}"resourceVersion":"${revision}"${sep}${value.slice(insertAt)}`;
}
