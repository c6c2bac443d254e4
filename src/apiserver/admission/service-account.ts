import { randomInt } from 'node:crypto';
import { forbidden, notFound, type KubeObject } from '../../api/index.js';
import { arr, ensureRecord, rec, str, type JsonRecord } from '../../api/validation/json-access.js';
import type { AdmissionAttributes, ObjectLister } from './types.js';
import { admissionName } from './types.js';

export const defaultServiceAccountName = 'default';
export const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const tokenVolumePrefix = 'kube-api-access-';
const enforceMountableSecretsAnnotation = 'kubernetes.io/enforce-mountable-secrets';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
/** The bound token lifetime the apiserver hands out while warning on old tokens (1 hour + 7 s). */
const tokenExpirationSeconds = 3607;

/** Kubernetes' name generator alphabet: no vowels, no look-alike digits, so no words come out. */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomNameSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** The projected volume that gives a pod its ServiceAccount token, the cluster CA and its namespace. */
export function tokenVolume(name: string): JsonRecord {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: tokenExpirationSeconds, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      // Set explicitly (0644) so the stored pod does not change when defaulting runs again.
      defaultMode: 420,
    },
  };
}

/**
 * ServiceAccount admission: pods run as a ServiceAccount (`default` unless named), which must exist, and
 * get its token mounted in every container unless automounting is turned off.
 */
export class ServiceAccountAdmission {
  constructor(
    private readonly list: ObjectLister,
    private readonly generateSuffix: () => string = randomNameSuffix,
  ) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.def.group !== '' || a.def.plural !== 'pods' || a.operation !== 'CREATE' || a.subresource) return;
    const pod = a.obj;
    const spec = ensureRecord(pod as unknown as JsonRecord, 'spec');
    if (pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined) return this.validateMirrorPod(a, spec);

    // `serviceAccount` is the deprecated alias; decoding fills one from the other.
    let saName = str(spec.serviceAccountName) || str(spec.serviceAccount);
    if (!saName) saName = defaultServiceAccountName;
    spec.serviceAccountName = saName;
    const ns = a.namespace ?? '';
    const sa = await this.find(ns, saName);
    // The `default` ServiceAccount is made by a controller shortly after its namespace; until it is, pods may
    // still use it rather than fail.
    if (!sa && saName !== defaultServiceAccountName) {
      const cause = notFound({ group: '', resource: 'serviceaccount' }, saName).message;
      throw forbidden({ group: '', resource: 'pods' }, admissionName(pod), `error looking up service account ${ns}/${saName}: ${cause}`);
    }
    if (shouldAutomount(sa, spec)) this.mountToken(spec);
    const pullSecrets = arr(sa?.imagePullSecrets);
    if (arr(spec.imagePullSecrets).length === 0 && pullSecrets.length > 0) {
      spec.imagePullSecrets = pullSecrets.map((s) => ({ name: str(rec(s)?.name) }));
    }
    if (sa && sa.metadata.annotations?.[enforceMountableSecretsAnnotation] === 'true') {
      const problem = unmountableSecret(sa, spec);
      if (problem) throw forbidden({ group: '', resource: 'pods' }, admissionName(pod), problem);
    }
  }

  private async find(namespace: string, name: string): Promise<KubeObject | undefined> {
    const all = await this.list('', 'serviceaccounts', namespace);
    return all.find((s) => s.metadata.name === name);
  }

  private validateMirrorPod(a: AdmissionAttributes, spec: JsonRecord): void {
    const name = admissionName(a.obj);
    if (str(spec.serviceAccountName)) throw forbidden({ group: '', resource: 'pods' }, name, 'a mirror pod may not reference service accounts');
    if (secretNames(spec).length > 0) throw forbidden({ group: '', resource: 'pods' }, name, 'a mirror pod may not reference secrets');
    for (const v of arr(spec.volumes)) {
      for (const source of arr(rec(rec(v)?.projected)?.sources)) {
        if (rec(source)?.serviceAccountToken) {
          throw forbidden({ group: '', resource: 'pods' }, name, 'a mirror pod may not use ServiceAccountToken volume projections');
        }
      }
    }
  }

  private mountToken(spec: JsonRecord): void {
    const volumes = arr(spec.volumes).map((v) => rec(v) ?? {});
    const existing = volumes.find((v) => str(v.name).startsWith(tokenVolumePrefix));
    const volumeName = existing ? str(existing.name) : `${tokenVolumePrefix}${this.generateSuffix()}`;
    let needed = false;
    for (const list of [spec.initContainers, spec.containers]) {
      for (const raw of arr(list)) {
        const c = rec(raw);
        if (!c) continue;
        const mounts = arr(c.volumeMounts);
        // A container that already mounts something at the token path keeps it.
        if (mounts.some((m) => str(rec(m)?.mountPath) === tokenMountPath)) continue;
        c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: tokenMountPath }];
        needed = true;
      }
    }
    if (needed && !existing) spec.volumes = [...arr(spec.volumes), tokenVolume(volumeName)];
  }
}

function shouldAutomount(sa: KubeObject | undefined, spec: JsonRecord): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa?.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

/** Every Secret a pod spec names: volumes, projected sources, env, envFrom and image pull secrets. */
function secretNames(spec: JsonRecord): string[] {
  const names: string[] = [];
  for (const v of arr(spec.volumes)) {
    const secret = rec(rec(v)?.secret);
    if (secret) names.push(str(secret.secretName));
    for (const source of arr(rec(rec(v)?.projected)?.sources)) {
      const s = rec(rec(source)?.secret);
      if (s) names.push(str(s.name));
    }
  }
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) {
    for (const c of arr(list)) {
      for (const e of arr(rec(c)?.env)) {
        const ref = rec(rec(rec(e)?.valueFrom)?.secretKeyRef);
        if (ref) names.push(str(ref.name));
      }
      for (const e of arr(rec(c)?.envFrom)) {
        const ref = rec(rec(e)?.secretRef);
        if (ref) names.push(str(ref.name));
      }
    }
  }
  for (const s of arr(spec.imagePullSecrets)) names.push(str(rec(s)?.name));
  return names;
}

/** With `kubernetes.io/enforce-mountable-secrets: "true"`, a pod may use only the secrets its ServiceAccount lists. */
function unmountableSecret(sa: KubeObject, spec: JsonRecord): string | undefined {
  const saName = sa.metadata.name ?? '';
  const mountable = new Set(arr(sa.secrets).map((s) => str(rec(s)?.name)));
  for (const v of arr(spec.volumes)) {
    const secret = rec(rec(v)?.secret);
    if (secret && !mountable.has(str(secret.secretName))) {
      return `volume with secret.secretName="${str(secret.secretName)}" is not allowed because service account ${saName} does not reference that secret`;
    }
  }
  const kinds: [unknown, string][] = [[spec.initContainers, 'init container'], [spec.containers, 'container']];
  for (const [list, kind] of kinds) {
    for (const raw of arr(list)) {
      const c = rec(raw) ?? {};
      for (const e of arr(c.env)) {
        const ref = rec(rec(rec(e)?.valueFrom)?.secretKeyRef);
        if (ref && !mountable.has(str(ref.name))) {
          return `${kind} ${str(c.name)} with envVar ${str(rec(e)?.name)} referencing secret.secretName="${str(ref.name)}" is not allowed because service account ${saName} does not reference that secret`;
        }
      }
      for (const e of arr(c.envFrom)) {
        const ref = rec(rec(e)?.secretRef);
        if (ref && !mountable.has(str(ref.name))) {
          return `${kind} ${str(c.name)} with envFrom referencing secret.secretName="${str(ref.name)}" is not allowed because service account ${saName} does not reference that secret`;
        }
      }
    }
  }
  const pullable = new Set(arr(sa.imagePullSecrets).map((s) => str(rec(s)?.name)));
  const pullSecrets = arr(spec.imagePullSecrets);
  for (let i = 0; i < pullSecrets.length; i++) {
    const name = str(rec(pullSecrets[i])?.name);
    if (!pullable.has(name)) {
      return `imagePullSecrets[${i}].name="${name}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
    }
  }
  return undefined;
}
