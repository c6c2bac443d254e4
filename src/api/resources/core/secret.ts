import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import { deepEqual, type KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { configMapKey, dataTooLong, immutable, maxDataSize, validateImmutableData } from '../../validation/data-keys.js';
import { rec, str } from '../../validation/json-access.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

const base64Re = /^[A-Za-z0-9+/]*={0,2}$/;

/** The v1 API accepts `stringData` as a write-only convenience: it is merged into `data`, base64-encoded. */
function defaultSecret(obj: KubeObject): void {
  if (!str(obj.type)) obj.type = 'Opaque';
  const stringData = rec(obj.stringData);
  if (stringData) {
    const data = rec(obj.data) ?? {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
}

function decodedSize(v: string): number {
  return Buffer.from(v, 'base64').length;
}

function validateSecret(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  const data = rec(obj.data) ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of configMapKey(k)) errs.push(field.invalid(`data[${k}]`, k, m));
    const value = str(v);
    if (value.length % 4 !== 0 || !base64Re.test(value)) errs.push(field.invalid(`data[${k}]`, '<secret contents redacted>', 'must be base64-encoded'));
    size += decodedSize(value);
  }
  if (size > maxDataSize) errs.push(dataTooLong('data'));
  const has = (k: string) => k in data;
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = obj.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(field.required(`data[${key}]`));
        break;
      }
      try {
        JSON.parse(Buffer.from(str(data[key]), 'base64').toString('utf8'));
      } catch (e) {
        errs.push(field.invalid(`data[${key}]`, '<secret contents redacted>', (e as Error).message));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(field.required('data[username]'), field.required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!str(data['ssh-privatekey'])) errs.push(field.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(field.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(field.required('data[tls.key]'));
      break;
  }
  return errs;
}

function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.type !== old.type) errs.push(immutable('type', obj.type));
  errs.push(...validateImmutableData(obj, old, ['data'], deepEqual));
  return errs;
}

export const secret = defineResource({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Secret',
  generation: false,
  strategy: {
    default: defaultSecret,
    validate: validateSecret,
    validateUpdate: validateSecretUpdate,
  },
  printerColumns: [
    {
      name: 'Type',
      type: 'string',
      description: 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
      priority: 0,
      cell: (o) => str(o.type),
    },
    {
      name: 'Data',
      type: 'string',
      description:
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
      priority: 0,
      cell: (o) => Object.keys(rec(o.data) ?? {}).length,
    },
    ageColumn(),
  ],
  selectableFields: {
    type: (o) => str(o.type),
  },
});
