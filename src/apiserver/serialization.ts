import type { KubeObject } from '../api/index.js';

const metadataOpen = '"metadata":{';

/**
 * Serializes an object for storage: apiVersion, kind and metadata first, and no resourceVersion (the
 * store's revision is the resourceVersion, added back when read).
 */
export function encodeForStorage(obj: KubeObject): string {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata;
  void _rv;
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
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
