import type { Container, EnvFromSource, EnvVar } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/index.js';
import { fieldRefValue, resourceFieldRefValue, type DownwardContext } from './downward-api.js';
import { ContainerConfigError, type KeyedData, type PodResourceResolver } from './pod-resources.js';
import { expandVars } from './process-args.js';

/** The env var names kubelet accepts from envFrom: C identifiers and more (no `=`, printable ASCII). */
const envNameRe = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function decode(data: KeyedData, key: string, secret: boolean): string | undefined {
  const v = data.data?.[key];
  if (v !== undefined) return secret ? Buffer.from(v, 'base64').toString('utf8') : v;
  const b = data.binaryData?.[key];
  return b === undefined ? undefined : Buffer.from(b, 'base64').toString('utf8');
}

/**
 * A container's environment from its spec, in kubelet's order: envFrom sources, then env entries
 * (each `$(VAR)`-expanded against those before it), later names replacing earlier ones. ConfigMaps and
 * Secrets come through the resolver; a missing one (not optional) throws `ContainerConfigError` with
 * kubelet's message.
 */
export async function containerEnv(pod: KubeObject, container: Container, resolver: PodResourceResolver, ctx: DownwardContext): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  const cache = new Map<string, KeyedData | undefined>();
  const fetch = async (kind: 'configmap' | 'secret', name: string): Promise<KeyedData | undefined> => {
    const key = `${kind}/${name}`;
    if (!cache.has(key)) cache.set(key, kind === 'configmap' ? await resolver.configMap(ns, name) : await resolver.secret(ns, name));
    return cache.get(key);
  };
  for (const from of (container.envFrom ?? []) as EnvFromSource[]) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const secret = !from.configMapRef;
    const kind = secret ? 'secret' : 'configmap';
    const data = await fetch(kind, ref.name ?? '');
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
    }
    const keys = new Set([...Object.keys(data.data ?? {}), ...Object.keys(data.binaryData ?? {})]);
    for (const k of [...keys].sort()) {
      const name = (from.prefix ?? '') + k;
      // Kubelet skips keys that are not valid env names (and records an event); so does Wharf.
      if (!envNameRe.test(name)) continue;
      env.set(name, decode(data, k, secret) ?? '');
    }
  }
  for (const e of (container.env ?? []) as EnvVar[]) {
    if (e.valueFrom === undefined) {
      env.set(e.name, expandVars(e.value ?? '', (n) => env.get(n)));
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) env.set(e.name, fieldRefValue(pod, vf.fieldRef.fieldPath, ctx));
    else if (vf.resourceFieldRef) env.set(e.name, resourceFieldRefValue(pod, vf.resourceFieldRef, ctx, container.name));
    else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const secret = !vf.configMapKeyRef;
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const data = await fetch(secret ? 'secret' : 'configmap', ref.name ?? '');
      if (!data) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`${secret ? 'secret' : 'configmap'} "${ref.name}" not found`);
      }
      const v = decode(data, ref.key, secret);
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${secret ? 'Secret' : 'ConfigMap'} ${ns}/${ref.name}`);
      }
      env.set(e.name, v);
    }
  }
  return env;
}
