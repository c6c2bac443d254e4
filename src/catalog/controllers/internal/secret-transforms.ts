import type { SecretTransform } from '../../../api/resources/servicecatalog/index.js';
import { getPath, isPlainObject } from '../../../api/index.js';

/** Secret data as bytes, key by key. */
export type SecretData = Map<string, Buffer>;

/** Reads another Secret's data for `addKeysFrom` (undefined when it does not exist). */
export type SecretReader = (namespace: string | undefined, name: string) => Promise<Record<string, string> | undefined>;

/** A transform that cannot be applied, with a message a user can act on. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

/** Credentials as Secret data: strings as they are, anything else as its JSON. */
export function credentialsToData(credentials: Record<string, unknown> | undefined): SecretData {
  const data: SecretData = new Map();
  for (const [k, v] of Object.entries(credentials ?? {})) data.set(k, Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'));
  return data;
}

/** `{.a.b}` or `.a.b` into the credentials; the simple JSONPath subset the catalog's transforms used. */
function evaluateJsonPath(expression: string, credentials: Record<string, unknown>): string {
  const m = /^\{?\s*\$?\.?([A-Za-z0-9_\-.[\]]*)\s*\}?$/.exec(expression.trim());
  if (!m) throw new TransformError(`jsonPathExpression "${expression}" is not a simple path such as "{.host}"`);
  const steps = m[1].split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
  let cur: unknown = credentials;
  for (const step of steps) {
    if (Array.isArray(cur) && /^\d+$/.test(step)) cur = cur[Number(step)];
    else cur = isPlainObject(cur) ? getPath(cur, [step]) : undefined;
  }
  if (cur === undefined) throw new TransformError(`jsonPathExpression "${expression}" finds nothing in the credentials`);
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

/** Applies the binding's transforms in order, as the catalog did. */
export async function applySecretTransforms(
  data: SecretData,
  transforms: readonly SecretTransform[] | undefined,
  credentials: Record<string, unknown>,
  readSecret: SecretReader,
): Promise<SecretData> {
  for (const t of transforms ?? []) {
    if (t.renameKey) {
      const v = data.get(t.renameKey.from);
      if (v !== undefined) {
        data.delete(t.renameKey.from);
        data.set(t.renameKey.to, v);
      }
    } else if (t.addKey) {
      const a = t.addKey;
      let v: Buffer;
      if (a.jsonPathExpression) v = Buffer.from(evaluateJsonPath(a.jsonPathExpression, credentials), 'utf8');
      else if (a.stringValue !== undefined && a.stringValue !== null) v = Buffer.from(a.stringValue, 'utf8');
      else v = Buffer.from(a.value ?? '', 'base64');
      data.set(a.key, v);
    } else if (t.addKeysFrom?.secretRef?.name) {
      const ref = t.addKeysFrom.secretRef;
      const other = await readSecret(ref.namespace, ref.name!);
      if (!other) throw new TransformError(`addKeysFrom: secret "${ref.name}" not found`);
      for (const [k, v] of Object.entries(other)) data.set(k, Buffer.from(v, 'base64'));
    } else if (t.removeKey) {
      data.delete(t.removeKey.key);
    }
  }
  return data;
}

/** Secret `data` (base64 values) of the transformed credentials. */
export function toSecretData(data: SecretData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v.toString('base64');
  return out;
}
