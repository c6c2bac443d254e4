import { field, type FieldError } from '../errors.js';
import { arr, rec, str } from './json-access.js';
import { dns1123Label, dns1123Subdomain } from './names.js';
import { parseQuantity, quantityFormatError } from './quantity.js';

/** Pod volumes: unique DNS-label names, exactly one source each, and the common sources' required fields. */

export const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(items).forEach((raw, i) => {
    const it = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    if (!str(it.key)) errs.push(field.required(`${ip}.key`));
    const p = str(it.path);
    if (!p) errs.push(field.required(`${ip}.path`));
    else if (p.startsWith('/')) errs.push(field.invalid(`${ip}.path`, p, 'must be a relative path'));
    else if (p.split('/').includes('..')) errs.push(field.invalid(`${ip}.path`, p, "must not contain '..'"));
  });
  return errs;
}

function validateSource(kind: string, src: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (kind) {
    case 'hostPath': {
      if (!str(src.path)) errs.push(field.required(`${path}.path`));
      const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
      if (src.type !== undefined && !types.includes(str(src.type))) errs.push(field.notSupported(`${path}.type`, src.type, types));
      break;
    }
    case 'emptyDir':
      if (src.medium !== undefined && !['', 'Memory', 'HugePages'].includes(str(src.medium)) && !str(src.medium).startsWith('HugePages-')) {
        errs.push(field.notSupported(`${path}.medium`, src.medium, ['', 'Memory', 'HugePages']));
      }
      if (src.sizeLimit !== undefined) {
        const q = typeof src.sizeLimit === 'string' || typeof src.sizeLimit === 'number' ? parseQuantity(src.sizeLimit) : undefined;
        if (!q) errs.push(field.invalid(`${path}.sizeLimit`, src.sizeLimit, quantityFormatError));
        else if (q.nanos < 0n) errs.push(field.invalid(`${path}.sizeLimit`, src.sizeLimit, 'must be greater than or equal to 0'));
      }
      break;
    case 'secret': {
      const name = str(src.secretName);
      if (!name) errs.push(field.required(`${path}.secretName`));
      else for (const m of dns1123Subdomain(name)) errs.push(field.invalid(`${path}.secretName`, name, m));
      errs.push(...validateKeyToPaths(src.items, `${path}.items`));
      break;
    }
    case 'configMap': {
      const name = str(src.name);
      if (!name) errs.push(field.required(`${path}.name`));
      else for (const m of dns1123Subdomain(name)) errs.push(field.invalid(`${path}.name`, name, m));
      errs.push(...validateKeyToPaths(src.items, `${path}.items`));
      break;
    }
    case 'persistentVolumeClaim':
      if (!str(src.claimName)) errs.push(field.required(`${path}.claimName`));
      break;
    case 'nfs':
      if (!str(src.server)) errs.push(field.required(`${path}.server`));
      if (!str(src.path)) errs.push(field.required(`${path}.path`));
      else if (!str(src.path).startsWith('/')) errs.push(field.invalid(`${path}.path`, src.path, 'must be an absolute path'));
      break;
    case 'csi':
      if (!str(src.driver)) errs.push(field.required(`${path}.driver`));
      break;
    case 'image':
      if (!str(src.reference)) errs.push(field.required(`${path}.reference`));
      break;
  }
  return errs;
}

/** Validates `volumes` at `path`, returning the errors and the names later mounts may refer to. */
export function validateVolumes(volumes: unknown, path: string): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((raw, i) => {
    const v = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const errs: FieldError[] = [];
    const present = volumeSources.filter((k) => v[k] !== undefined && v[k] !== null);
    if (present.length === 0) errs.push(field.required(ip, 'must specify a volume type'));
    for (const k of present.slice(1)) errs.push(field.forbidden(`${ip}.${k}`, 'may not specify more than 1 volume type'));
    for (const k of present) errs.push(...validateSource(k, rec(v[k]) ?? {}, `${ip}.${k}`));
    const name = str(v.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    else for (const m of dns1123Label(name)) errs.push(field.invalid(`${ip}.name`, name, m));
    if (names.has(name)) errs.push(field.duplicate(`${ip}.name`, name));
    if (errs.length === 0) names.add(name);
    else errors.push(...errs);
  });
  return { errors, names };
}
