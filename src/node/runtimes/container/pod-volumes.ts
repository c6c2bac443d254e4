import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KeyToPath, Volume } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/index.js';
import { parseValue } from '../../../api/validation/quantity.js';
import { writeAtomicPayload, type PayloadFile } from './atomic-writer.js';
import { runCommand } from './command.js';
import { fieldRefValue, resourceFieldRefValue, type DownwardContext } from './downward-api.js';
import type { KeyedData, PodResourceResolver } from './pod-resources.js';

/** A volume made ready on the host: what containers bind-mount at their mountPaths. */
export interface PreparedVolume {
  name: string;
  hostPath: string;
  /** API data volumes (configMap, secret, downwardAPI, projected) are always mounted read-only. */
  readOnly: boolean;
}

/** A volume that could not be set up: kubelet's FailedMount, the pod stays ContainerCreating. */
export class VolumeMountError extends Error {
  readonly reason = 'FailedMount';
  constructor(volume: string, detail: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${detail}`);
    this.name = 'VolumeMountError';
  }
}

export interface PodVolumesOptions {
  resolver: PodResourceResolver;
  /** Secret volumes on their own tmpfs, as kubelet keeps them off disk; true by default (needs root). */
  secretsOnTmpfs?: boolean;
  mountPath?: string;
  umountPath?: string;
}

/** The folder kubelet names after each volume plugin. */
const pluginDir: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

function keyedFiles(data: KeyedData, secret: boolean, items: KeyToPath[] | undefined, defaultMode: number, kind: string, optional: boolean): PayloadFile[] {
  const value = (k: string): Buffer | undefined => {
    const v = data.data?.[k];
    if (v !== undefined) return secret ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8');
    const b = data.binaryData?.[k];
    return b === undefined ? undefined : Buffer.from(b, 'base64');
  };
  if (!items || items.length === 0) {
    const keys = [...new Set([...Object.keys(data.data ?? {}), ...Object.keys(data.binaryData ?? {})])];
    return keys.map((k) => ({ path: k, content: value(k)!, mode: defaultMode }));
  }
  const out: PayloadFile[] = [];
  for (const it of items) {
    const v = value(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new Error(`${kind} references non-existent config key: ${it.key}`);
    }
    out.push({ path: it.path, content: v, mode: it.mode ?? defaultMode });
  }
  return out;
}

/**
 * Prepares a pod's volumes in its sandbox dir (`volumes/<plugin>/<name>`), as kubelet's volume manager
 * does: emptyDirs (tmpfs for `medium: Memory`), hostPaths checked or created by type, API data written
 * as files, claims resolved to their host directories. Containers then bind-mount them.
 */
export class PodVolumes {
  private readonly resolver: PodResourceResolver;
  private readonly mount: string;
  private readonly umount: string;
  private readonly secretsOnTmpfs: boolean;
  /** Service account tokens by pod uid, audience and lifetime, reused until 80 % of their lifetime, as kubelet does. */
  private readonly tokens = new Map<string, { token: string; renewAt: number }>();

  constructor(opts: PodVolumesOptions) {
    this.resolver = opts.resolver;
    this.secretsOnTmpfs = opts.secretsOnTmpfs ?? true;
    this.mount = opts.mountPath ?? 'mount';
    this.umount = opts.umountPath ?? 'umount';
  }

  /**
   * Prepares every volume of the pod; preparing again refreshes API data volumes (ConfigMaps, Secrets,
   * downward API) in place when their content changed. `only` limits it to those API data volumes.
   */
  async prepare(pod: KubeObject, podDir: string, ctx: DownwardContext, only?: 'apiData'): Promise<Map<string, PreparedVolume>> {
    const out = new Map<string, PreparedVolume>();
    for (const v of ((pod.spec as { volumes?: Volume[] } | undefined)?.volumes ?? [])) {
      if (only === 'apiData' && !(v.configMap || v.secret || v.downwardAPI || v.projected)) continue;
      try {
        out.set(v.name, await this.prepareOne(pod, podDir, v, ctx));
      } catch (e) {
        if (e instanceof VolumeMountError) throw e;
        throw new VolumeMountError(v.name, (e as Error).message);
      }
    }
    return out;
  }

  /** Unmounts what was mounted under the pod dir (memory emptyDirs, secrets), deepest first; safe to repeat. */
  async cleanup(podDir: string, uid?: string): Promise<void> {
    if (uid) for (const k of this.tokens.keys()) if (k.startsWith(`${uid}|`)) this.tokens.delete(k);
    let info: string;
    try {
      info = await readFile('/proc/self/mountinfo', 'utf8');
    } catch {
      return;
    }
    const prefix = podDir.endsWith('/') ? podDir : podDir + '/';
    const points = info
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((p): p is string => !!p && p.startsWith(prefix))
      .map((p) => p.replace(/\\040/g, ' '))
      .sort((a, b) => b.length - a.length);
    for (const p of points) await runCommand(this.umount, ['-l', p]).catch(() => undefined);
  }

  private async prepareOne(pod: KubeObject, podDir: string, v: Volume, ctx: DownwardContext): Promise<PreparedVolume> {
    const ns = pod.metadata.namespace ?? 'default';
    const dirFor = (plugin: string): string => join(podDir, 'volumes', pluginDir[plugin], v.name);
    if (v.emptyDir) {
      const dir = dirFor('emptyDir');
      await mkdir(dir, { recursive: true, mode: 0o777 });
      if (v.emptyDir.medium === 'Memory' && !(await this.isMountPoint(dir))) {
        const size = v.emptyDir.sizeLimit !== undefined ? parseValue(v.emptyDir.sizeLimit) : undefined;
        await runCommand(this.mount, ['-t', 'tmpfs', '-o', `mode=0777${size ? `,size=${size}` : ''}`, 'tmpfs', dir]);
      }
      return { name: v.name, hostPath: dir, readOnly: false };
    }
    if (v.hostPath) return { name: v.name, hostPath: await this.hostPath(v.hostPath.path, v.hostPath.type ?? ''), readOnly: false };
    if (v.persistentVolumeClaim) {
      if (!this.resolver.persistentVolumeClaimPath) throw new Error('persistent volume claims are not available on this node');
      const path = await this.resolver.persistentVolumeClaimPath(ns, v.persistentVolumeClaim.claimName);
      return { name: v.name, hostPath: path, readOnly: v.persistentVolumeClaim.readOnly === true };
    }
    const mode = (m: number | undefined): number => m ?? 0o644;
    if (v.configMap || v.secret) {
      const secret = !!v.secret;
      const name = (v.configMap?.name ?? v.secret?.secretName) ?? '';
      const optional = (v.configMap?.optional ?? v.secret?.optional) === true;
      const kind = secret ? 'secret' : 'configmap';
      const data = secret ? await this.resolver.secret(ns, name) : await this.resolver.configMap(ns, name);
      if (!data && !optional) throw new Error(`${kind} "${name}" not found`);
      const files = data ? keyedFiles(data, secret, (v.configMap ?? v.secret)!.items, mode((v.configMap ?? v.secret)!.defaultMode), kind, optional) : [];
      const dir = dirFor(secret ? 'secret' : 'configMap');
      if (secret && this.secretsOnTmpfs) {
        await mkdir(dir, { recursive: true });
        if (!(await this.isMountPoint(dir))) await runCommand(this.mount, ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', dir]);
      }
      await writeAtomicPayload(dir, files);
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    if (v.downwardAPI) {
      const files = (v.downwardAPI.items ?? []).map((it) => ({ path: it.path, content: Buffer.from(this.downward(pod, it, ctx)), mode: it.mode ?? mode(v.downwardAPI!.defaultMode) }));
      const dir = dirFor('downwardAPI');
      await writeAtomicPayload(dir, files);
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    if (v.projected) {
      const def = mode(v.projected.defaultMode);
      const files: PayloadFile[] = [];
      for (const src of v.projected.sources ?? []) {
        if (src.configMap || src.secret) {
          const secret = !!src.secret;
          const ref = (src.configMap ?? src.secret)!;
          const kind = secret ? 'secret' : 'configmap';
          const data = secret ? await this.resolver.secret(ns, ref.name ?? '') : await this.resolver.configMap(ns, ref.name ?? '');
          if (!data) {
            if (ref.optional) continue;
            throw new Error(`${kind} "${ref.name}" not found`);
          }
          files.push(...keyedFiles(data, secret, ref.items, def, kind, ref.optional === true));
        } else if (src.downwardAPI) {
          for (const it of src.downwardAPI.items ?? []) files.push({ path: it.path, content: Buffer.from(this.downward(pod, it, ctx)), mode: it.mode ?? def });
        } else if (src.serviceAccountToken) {
          if (!this.resolver.serviceAccountToken) throw new Error('service account tokens are not available on this node');
          const expirationSeconds = src.serviceAccountToken.expirationSeconds ?? 3607;
          const key = `${pod.metadata.uid ?? ''}|${src.serviceAccountToken.audience ?? ''}|${expirationSeconds}`;
          let cached = this.tokens.get(key);
          if (!cached || cached.renewAt <= Date.now()) {
            cached = { token: await this.resolver.serviceAccountToken(pod, { audience: src.serviceAccountToken.audience, expirationSeconds }), renewAt: Date.now() + expirationSeconds * 800 };
            this.tokens.set(key, cached);
          }
          const token = cached.token;
          files.push({ path: src.serviceAccountToken.path, content: Buffer.from(token), mode: def });
        } else {
          throw new Error('unsupported projected volume source');
        }
      }
      const dir = dirFor('projected');
      await writeAtomicPayload(dir, files);
      return { name: v.name, hostPath: dir, readOnly: true };
    }
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    throw new Error(`volume type ${kind} is not supported by this node`);
  }

  private downward(pod: KubeObject, it: { fieldRef?: { fieldPath: string }; resourceFieldRef?: { resource: string; containerName?: string; divisor?: string } }, ctx: DownwardContext): string {
    if (it.fieldRef) return fieldRefValue(pod, it.fieldRef.fieldPath, ctx, true);
    if (it.resourceFieldRef) return resourceFieldRefValue(pod, it.resourceFieldRef, ctx);
    return '';
  }

  /** Checks or creates a hostPath by its type, with kubelet's messages. */
  private async hostPath(path: string, type: string): Promise<string> {
    const st = await stat(path).catch(() => undefined);
    const fail = (what: string): never => {
      throw new Error(`hostPath type check failed: ${path} is not a ${what}`);
    };
    switch (type) {
      case '':
        return path;
      case 'DirectoryOrCreate':
        if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
        else if (!st.isDirectory()) fail('directory');
        return path;
      case 'FileOrCreate':
        if (!st) {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, '', { mode: 0o644, flag: 'a' });
        } else if (st.isDirectory()) fail('file');
        return path;
      case 'Directory':
        if (!st?.isDirectory()) fail('directory');
        return path;
      case 'File':
        if (!st?.isFile()) fail('file');
        return path;
      case 'Socket':
        if (!st?.isSocket()) fail('socket file');
        return path;
      case 'CharDevice':
        if (!st?.isCharacterDevice()) fail('character device');
        return path;
      case 'BlockDevice':
        if (!st?.isBlockDevice()) fail('block device');
        return path;
      default:
        throw new Error(`invalid HostPathType ${JSON.stringify(type)}`);
    }
  }

  private async isMountPoint(dir: string): Promise<boolean> {
    if (!existsSync(dir)) return false;
    const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    return info.split('\n').some((l) => l.split(' ')[4] === dir);
  }
}
