import { parse as parseYaml } from 'yaml';
import { documentType } from './gnostic-v2.js';

/**
 * Converts between a Swagger 2.0 JSON document and gnostic's `openapi.v2.Document` message. gnostic keeps
 * maps as repeated name/value pairs (in document order), unions as `oneof`s, and every vendor extension
 * and free-form value (`default`, `example`, `enum`) as YAML text in an `Any`; JSON text is valid YAML, so
 * values are written as JSON.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const entries = (v: unknown): [string, unknown][] => (isObject(v) ? Object.entries(v) : []);

function anyOf(value: unknown): Json {
  return { yaml: `${JSON.stringify(value)}\n` };
}

function vendorExtensions(obj: Json): Json[] {
  return Object.entries(obj)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: anyOf(value) }));
}

/** Copies plain scalar fields that keep their names (apart from `$ref`). */
function scalars(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (obj[k] !== undefined && typeof obj[k] !== 'object') out[k] = obj[k];
  return out;
}

const schemaScalars = [
  'format', 'title', 'description', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties',
  'discriminator', 'readOnly',
] as const;

function schemaMsg(s: Json): Json {
  const out = scalars(s, schemaScalars);
  if (typeof s['$ref'] === 'string') out['ref'] = s['$ref'];
  if (s['default'] !== undefined) out['default'] = anyOf(s['default']);
  if (s['example'] !== undefined) out['example'] = anyOf(s['example']);
  if (Array.isArray(s['enum'])) out['enum'] = s['enum'].map(anyOf);
  const required = strs(s['required']);
  if (required) out['required'] = required;
  const ap = s['additionalProperties'];
  if (typeof ap === 'boolean') out['additionalProperties'] = { boolean: ap };
  else if (isObject(ap)) out['additionalProperties'] = { schema: schemaMsg(ap) };
  if (typeof s['type'] === 'string') out['type'] = { value: [s['type']] };
  else if (strs(s['type'])) out['type'] = { value: strs(s['type']) };
  const items = s['items'];
  if (isObject(items)) out['items'] = { schema: [schemaMsg(items)] };
  else if (Array.isArray(items)) out['items'] = { schema: items.filter(isObject).map(schemaMsg) };
  if (Array.isArray(s['allOf'])) out['allOf'] = s['allOf'].filter(isObject).map(schemaMsg);
  if (isObject(s['properties'])) {
    out['properties'] = { additionalProperties: entries(s['properties']).map(([name, v]) => ({ name, value: schemaMsg(v as Json) })) };
  }
  const ext = vendorExtensions(s);
  if (ext.length) out['vendorExtension'] = ext;
  return out;
}

const nonBodyScalars = [
  'required', 'in', 'description', 'name', 'allowEmptyValue', 'type', 'format', 'collectionFormat', 'maximum',
  'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems',
  'uniqueItems', 'multipleOf',
] as const;

function parameterMsg(p: Json): Json {
  if (typeof p['$ref'] === 'string') return { jsonReference: { ref: p['$ref'] } };
  if (p['in'] === 'body') {
    const body: Json = scalars(p, ['description', 'name', 'in', 'required']);
    if (isObject(p['schema'])) body['schema'] = schemaMsg(p['schema']);
    const ext = vendorExtensions(p);
    if (ext.length) body['vendorExtension'] = ext;
    return { parameter: { bodyParameter: body } };
  }
  const sub = scalars(p, nonBodyScalars);
  // Only query and form-data parameters have allowEmptyValue.
  if (p['in'] !== 'query' && p['in'] !== 'formData') delete sub['allowEmptyValue'];
  const ext = vendorExtensions(p);
  if (ext.length) sub['vendorExtension'] = ext;
  const key =
    p['in'] === 'query' ? 'queryParameterSubSchema'
      : p['in'] === 'path' ? 'pathParameterSubSchema'
        : p['in'] === 'header' ? 'headerParameterSubSchema'
          : 'formDataParameterSubSchema';
  return { parameter: { nonBodyParameter: { [key]: sub } } };
}

function operationMsg(op: Json): Json {
  const out: Json = scalars(op, ['summary', 'description', 'operationId', 'deprecated']);
  for (const k of ['tags', 'produces', 'consumes', 'schemes']) {
    const v = strs(op[k]);
    if (v) out[k] = v;
  }
  if (Array.isArray(op['parameters'])) out['parameters'] = op['parameters'].filter(isObject).map(parameterMsg);
  out['responses'] = {
    responseCode: entries(op['responses']).map(([code, r]) => {
      const resp = r as Json;
      if (typeof resp['$ref'] === 'string') return { name: code, value: { jsonReference: { ref: resp['$ref'] } } };
      const msg: Json = scalars(resp, ['description']);
      if (isObject(resp['schema'])) msg['schema'] = { schema: schemaMsg(resp['schema']) };
      return { name: code, value: { response: msg } };
    }),
  };
  const ext = vendorExtensions(op);
  if (ext.length) out['vendorExtension'] = ext;
  return out;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function documentMsg(doc: Json): Json {
  const out: Json = scalars(doc, ['swagger', 'host']);
  if (typeof doc['basePath'] === 'string') out['basePath'] = doc['basePath'];
  for (const k of ['schemes', 'consumes', 'produces']) {
    const v = strs(doc[k]);
    if (v) out[k] = v;
  }
  if (isObject(doc['info'])) {
    const info = scalars(doc['info'], ['title', 'version', 'description', 'termsOfService']);
    const ext = vendorExtensions(doc['info']);
    if (ext.length) info['vendorExtension'] = ext;
    out['info'] = info;
  }
  out['paths'] = {
    path: entries(doc['paths']).map(([name, v]) => {
      const item = v as Json;
      const msg: Json = {};
      if (typeof item['$ref'] === 'string') msg['ref'] = item['$ref'];
      for (const m of methods) if (isObject(item[m])) msg[m] = operationMsg(item[m]);
      if (Array.isArray(item['parameters'])) msg['parameters'] = item['parameters'].filter(isObject).map(parameterMsg);
      const ext = vendorExtensions(item);
      if (ext.length) msg['vendorExtension'] = ext;
      return { name, value: msg };
    }),
  };
  if (isObject(doc['definitions'])) {
    out['definitions'] = { additionalProperties: entries(doc['definitions']).map(([name, v]) => ({ name, value: schemaMsg(v as Json) })) };
  }
  if (Array.isArray(doc['security'])) {
    out['security'] = doc['security'].filter(isObject).map((req) => ({
      additionalProperties: Object.entries(req).map(([name, v]) => ({ name, value: { value: strs(v) ?? [] } })),
    }));
  }
  if (isObject(doc['securityDefinitions'])) {
    out['securityDefinitions'] = {
      additionalProperties: entries(doc['securityDefinitions']).map(([name, v]) => {
        const d = v as Json;
        const key = d['type'] === 'basic' ? 'basicAuthenticationSecurity' : 'apiKeySecurity';
        return { name, value: { [key]: scalars(d, ['type', 'name', 'in', 'description']) } };
      }),
    };
  }
  const ext = vendorExtensions(doc);
  if (ext.length) out['vendorExtension'] = ext;
  return out;
}

/** Encodes a Swagger 2.0 document as a gnostic `openapi.v2.Document`. */
export function encodeOpenApiV2(doc: object): Uint8Array {
  const type = documentType();
  const msg = type.fromObject(documentMsg(doc as Json));
  return type.encode(msg).finish();
}

// ---- Decoding, the inverse, used to check the encoding and by clients that read it.

function anyValue(a: unknown): unknown {
  const yaml = isObject(a) ? str(a['yaml']) : undefined;
  return yaml === undefined ? undefined : parseYaml(yaml);
}

function extensionsOf(msg: Json, into: Json): void {
  if (!Array.isArray(msg['vendorExtension'])) return;
  for (const e of msg['vendorExtension'] as Json[]) into[str(e['name']) ?? ''] = anyValue(e['value']);
}

function copyScalars(msg: Json, keys: readonly string[], into: Json): void {
  for (const k of keys) {
    const v = msg[k];
    if (v !== undefined && v !== null && typeof v !== 'object') into[k] = v;
  }
}

function schemaJson(m: Json): Json {
  const out: Json = {};
  if (str(m['ref'])) out['$ref'] = m['ref'];
  copyScalars(m, schemaScalars, out);
  if (m['default'] !== undefined) out['default'] = anyValue(m['default']);
  if (m['example'] !== undefined) out['example'] = anyValue(m['example']);
  if (Array.isArray(m['enum'])) out['enum'] = m['enum'].map(anyValue);
  if (Array.isArray(m['required']) && m['required'].length) out['required'] = m['required'];
  const ap = m['additionalProperties'];
  if (isObject(ap)) out['additionalProperties'] = isObject(ap['schema']) ? schemaJson(ap['schema']) : ap['boolean'];
  const type = isObject(m['type']) ? strs(m['type']['value']) : undefined;
  if (type?.length === 1) out['type'] = type[0];
  else if (type?.length) out['type'] = type;
  const items = isObject(m['items']) && Array.isArray(m['items']['schema']) ? (m['items']['schema'] as Json[]) : undefined;
  if (items?.length === 1) out['items'] = schemaJson(items[0] as Json);
  else if (items?.length) out['items'] = items.map(schemaJson);
  if (Array.isArray(m['allOf']) && m['allOf'].length) out['allOf'] = (m['allOf'] as Json[]).map(schemaJson);
  if (isObject(m['properties']) && Array.isArray(m['properties']['additionalProperties'])) {
    const props: Json = {};
    for (const p of m['properties']['additionalProperties'] as Json[]) props[str(p['name']) ?? ''] = schemaJson(p['value'] as Json);
    out['properties'] = props;
  }
  extensionsOf(m, out);
  return out;
}

function parameterJson(m: Json): Json {
  if (isObject(m['jsonReference'])) return { $ref: m['jsonReference']['ref'] };
  const p = isObject(m['parameter']) ? m['parameter'] : {};
  if (isObject(p['bodyParameter'])) {
    const b = p['bodyParameter'];
    const out: Json = {};
    copyScalars(b, ['description', 'name', 'in', 'required'], out);
    if (isObject(b['schema'])) out['schema'] = schemaJson(b['schema']);
    extensionsOf(b, out);
    return out;
  }
  const nb = isObject(p['nonBodyParameter']) ? p['nonBodyParameter'] : {};
  const sub = Object.values(nb).find(isObject) ?? {};
  const out: Json = {};
  copyScalars(sub, nonBodyScalars, out);
  extensionsOf(sub, out);
  return out;
}

function operationJson(m: Json): Json {
  const out: Json = {};
  copyScalars(m, ['summary', 'description', 'operationId', 'deprecated'], out);
  for (const k of ['tags', 'produces', 'consumes', 'schemes']) if (Array.isArray(m[k]) && (m[k] as unknown[]).length) out[k] = m[k];
  if (Array.isArray(m['parameters']) && m['parameters'].length) out['parameters'] = (m['parameters'] as Json[]).map(parameterJson);
  const responses: Json = {};
  const codes = isObject(m['responses']) && Array.isArray(m['responses']['responseCode']) ? (m['responses']['responseCode'] as Json[]) : [];
  for (const c of codes) {
    const v = isObject(c['value']) ? c['value'] : {};
    if (isObject(v['jsonReference'])) {
      responses[str(c['name']) ?? ''] = { $ref: v['jsonReference']['ref'] };
      continue;
    }
    const r = isObject(v['response']) ? v['response'] : {};
    const resp: Json = {};
    copyScalars(r, ['description'], resp);
    if (isObject(r['schema']) && isObject(r['schema']['schema'])) resp['schema'] = schemaJson(r['schema']['schema']);
    responses[str(c['name']) ?? ''] = resp;
  }
  out['responses'] = responses;
  extensionsOf(m, out);
  return out;
}

/** Decodes a gnostic `openapi.v2.Document` back into Swagger 2.0 JSON. */
export function decodeOpenApiV2(bytes: Uint8Array): Record<string, unknown> {
  const type = documentType();
  const m = type.toObject(type.decode(bytes), { longs: Number, arrays: false, defaults: false }) as Json;
  const out: Json = {};
  copyScalars(m, ['swagger', 'host', 'basePath'], out);
  for (const k of ['schemes', 'consumes', 'produces']) if (Array.isArray(m[k]) && (m[k] as unknown[]).length) out[k] = m[k];
  if (isObject(m['info'])) {
    const info: Json = {};
    copyScalars(m['info'], ['title', 'version', 'description', 'termsOfService'], info);
    extensionsOf(m['info'], info);
    out['info'] = info;
  }
  const paths: Json = {};
  const pathList = isObject(m['paths']) && Array.isArray(m['paths']['path']) ? (m['paths']['path'] as Json[]) : [];
  for (const p of pathList) {
    const v = isObject(p['value']) ? p['value'] : {};
    const item: Json = {};
    if (str(v['ref'])) item['$ref'] = v['ref'];
    for (const method of methods) if (isObject(v[method])) item[method] = operationJson(v[method]);
    if (Array.isArray(v['parameters']) && v['parameters'].length) item['parameters'] = (v['parameters'] as Json[]).map(parameterJson);
    extensionsOf(v, item);
    paths[str(p['name']) ?? ''] = item;
  }
  out['paths'] = paths;
  if (isObject(m['definitions']) && Array.isArray(m['definitions']['additionalProperties'])) {
    const defs: Json = {};
    for (const d of m['definitions']['additionalProperties'] as Json[]) defs[str(d['name']) ?? ''] = schemaJson(d['value'] as Json);
    out['definitions'] = defs;
  }
  if (isObject(m['securityDefinitions']) && Array.isArray(m['securityDefinitions']['additionalProperties'])) {
    const defs: Json = {};
    for (const d of m['securityDefinitions']['additionalProperties'] as Json[]) {
      const v = isObject(d['value']) ? d['value'] : {};
      const inner = Object.values(v).find(isObject) ?? {};
      const def: Json = {};
      copyScalars(inner, ['description', 'type', 'name', 'in'], def);
      defs[str(d['name']) ?? ''] = def;
    }
    out['securityDefinitions'] = defs;
  }
  if (Array.isArray(m['security'])) {
    out['security'] = (m['security'] as Json[]).map((req) => {
      const r: Json = {};
      for (const e of (req['additionalProperties'] as Json[] | undefined) ?? []) {
        r[str(e['name']) ?? ''] = isObject(e['value']) && Array.isArray(e['value']['value']) ? e['value']['value'] : [];
      }
      return r;
    });
  }
  extensionsOf(m, out);
  return out;
}
