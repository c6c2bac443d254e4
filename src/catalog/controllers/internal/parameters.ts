import { createHash } from 'node:crypto';
import { isNotFound, isPlainObject, type KubeObject } from '../../../api/index.js';
import type { ParametersFromSource } from '../../../api/resources/servicecatalog/index.js';
import type { ApiClient } from '../../../client/index.js';
import type { JsonObject } from '../../osb/index.js';
import type { CatalogResources } from './catalog-resources.js';

/** Parameters a user cannot use as given (a missing Secret, a key that is not a JSON object, a duplicate name). */
export class ParametersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParametersError';
  }
}

export interface BuiltParameters {
  /** What the broker is sent. */
  parameters: JsonObject;
  /** What status shows: values from Secrets as `<redacted>`. */
  redacted: JsonObject;
  /** A checksum of `parameters`, to tell when they change without storing secret values. */
  checksum: string;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Merges defaults, `parameters` and every `parametersFrom` Secret key (each a JSON object). A top-level name
 * given by two of the user's sources is an error, as the catalog has always said; defaults only fill gaps.
 */
export async function buildParameters(
  client: ApiClient,
  r: CatalogResources,
  namespace: string,
  spec: { parameters?: unknown; parametersFrom?: ParametersFromSource[] },
  defaults: unknown[] = [],
): Promise<BuiltParameters> {
  const parameters: JsonObject = {};
  const redacted: JsonObject = {};
  const owner = new Map<string, string>();
  const add = (values: Record<string, unknown>, source: string, secret: boolean): void => {
    for (const [k, v] of Object.entries(values)) {
      const previous = owner.get(k);
      if (previous !== undefined) throw new ParametersError(`The parameter "${k}" is given by both ${previous} and ${source}`);
      owner.set(k, source);
      parameters[k] = v as JsonObject[string];
      redacted[k] = secret ? '<redacted>' : (v as JsonObject[string]);
    }
  };
  if (spec.parameters !== undefined && spec.parameters !== null) {
    if (!isPlainObject(spec.parameters)) throw new ParametersError('spec.parameters must be a JSON object');
    add(spec.parameters, 'spec.parameters', false);
  }
  for (const [i, src] of (spec.parametersFrom ?? []).entries()) {
    const ref = src.secretKeyRef;
    if (!ref) continue;
    let secret: KubeObject;
    try {
      secret = await client.get(r.secrets, ref.name, { namespace });
    } catch (e) {
      if (isNotFound(e)) throw new ParametersError(`parametersFrom[${i}]: secret "${namespace}/${ref.name}" not found`);
      throw e;
    }
    const raw = (secret.data as Record<string, string> | undefined)?.[ref.key];
    if (raw === undefined) throw new ParametersError(`parametersFrom[${i}]: secret "${namespace}/${ref.name}" has no key "${ref.key}"`);
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    } catch {
      throw new ParametersError(`parametersFrom[${i}]: key "${ref.key}" of secret "${namespace}/${ref.name}" is not JSON`);
    }
    if (!isPlainObject(value)) throw new ParametersError(`parametersFrom[${i}]: key "${ref.key}" of secret "${namespace}/${ref.name}" is not a JSON object`);
    add(value, `secret "${ref.name}" key "${ref.key}"`, true);
  }
  for (const d of defaults) {
    if (!isPlainObject(d)) continue;
    for (const [k, v] of Object.entries(d)) {
      if (parameters[k] !== undefined) continue;
      parameters[k] = v as JsonObject[string];
      redacted[k] = v as JsonObject[string];
    }
  }
  return { parameters, redacted, checksum: createHash('sha256').update(stableJson(parameters)).digest('hex') };
}
