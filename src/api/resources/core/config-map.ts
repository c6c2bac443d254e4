import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import { deepEqual, type KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { configMapKey, dataTooLong, maxDataSize, validateImmutableData } from '../../validation/data-keys.js';
import { rec, str } from '../../validation/json-access.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  const data = rec(obj.data) ?? {};
  const binary = rec(obj.binaryData) ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of configMapKey(k)) errs.push(field.invalid(`data[${k}]`, k, m));
    if (k in binary) errs.push(field.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of configMapKey(k)) errs.push(field.invalid(`binaryData[${k}]`, k, m));
    size += Buffer.from(str(v), 'base64').length;
  }
  if (size > maxDataSize) errs.push(dataTooLong('[]'));
  return errs;
}

export const configMap = defineResource({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ConfigMap',
  shortNames: ['cm'],
  generation: false,
  strategy: {
    validate: validateConfigMap,
    validateUpdate: (obj, old) => validateImmutableData(obj, old, ['data', 'binaryData'], deepEqual),
  },
  printerColumns: [
    {
      name: 'Data',
      type: 'string',
      description:
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      priority: 0,
      cell: (o) => Object.keys(rec(o.data) ?? {}).length + Object.keys(rec(o.binaryData) ?? {}).length,
    },
    ageColumn(),
  ],
});
