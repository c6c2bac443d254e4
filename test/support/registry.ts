/**
 * A real OCI registry for tests: Debian's docker-registry on a free loopback port over a temporary
 * storage directory, and tiny busybox images built with umoci and pushed with skopeo. Every process started
 * here is stopped by pid and every directory removed by the returned `stop`/`cleanup`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile, link } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { stopChild } from './stop-child.js';

const run = promisify(execFile);

export const registryBinary = '/usr/bin/docker-registry';
export const busyboxBinary = '/usr/bin/busybox';

/** Why registry tests cannot run here, or undefined when docker-registry, umoci, skopeo and busybox exist. */
export function registrySkipReason(): string | undefined {
  if (!existsSync(registryBinary)) return `${registryBinary} is not installed (Debian package docker-registry)`;
  if (!existsSync(busyboxBinary)) return `${busyboxBinary} is not installed (Debian package busybox-static)`;
  for (const tool of ['umoci', 'skopeo']) if (!onPath(tool)) return `${tool} is not installed`;
  return undefined;
}

export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((d) => d && existsSync(path.join(d, tool)));
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  /** The registry's storage directory (`docker/registry/v2/...` beneath it). */
  storageDir: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require HTTP basic auth with these credentials (docker-registry's htpasswd auth, bcrypt hashes). */
  basicAuth?: { username: string; password: string };
}

/**
 * A bcrypt htpasswd line, made with `htpasswd -B` when apache2-utils is installed, else with Python's crypt
 * (libxcrypt's bcrypt); undefined when neither can (the caller skips the case and says why).
 */
export async function bcryptHtpasswd(username: string, password: string): Promise<string | undefined> {
  if (onPath('htpasswd')) {
    const { stdout } = await run('htpasswd', ['-nbB', username, password]);
    return stdout.trim();
  }
  if (onPath('python3')) {
    try {
      const { stdout } = await run('python3', [
        '-W',
        'ignore',
        '-c',
        'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))',
        password,
      ]);
      const hash = stdout.trim();
      if (/^\$2[aby]\$/.test(hash)) return `${username}:${hash}`;
    } catch {
      // Python without the crypt module (3.13 and later).
    }
  }
  return undefined;
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-registry-'));
  const storageDir = path.join(dir, 'storage');
  await mkdir(storageDir);
  let auth = '';
  if (opts.basicAuth) {
    const line = await bcryptHtpasswd(opts.basicAuth.username, opts.basicAuth.password);
    if (!line) throw new Error('no bcrypt htpasswd generator (htpasswd -B or python3 crypt) is available');
    await writeFile(path.join(dir, 'htpasswd'), line + '\n');
    auth = `auth:\n  htpasswd:\n    realm: wharf-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storageDir}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      auth,
    ].join('\n');
    const configFile = path.join(dir, 'config.yml');
    await writeFile(configFile, config);
    const child = spawn(registryBinary, ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const up = await waitForRegistry(port, child, 15_000);
    if (up) {
      return {
        host: `127.0.0.1:${port}`,
        storageDir,
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    lastError = stderr;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start:\n${lastError}`);
}

async function waitForRegistry(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (status === 200 || status === 401) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** An OCI image layout directory under construction; tags are images in it. */
export interface ImageLayout {
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * A layout whose tag `tag` is a one-layer busybox image: bin/busybox, bin/sh (relative symlink), bin/ls
 * (absolute symlink), bin/cat (hard link to busybox), etc/passwd and etc/group for root, plus what `files`
 * adds (path -> content; a path ending in `/` is a directory). Entrypoint and cmd as given.
 */
export async function buildBusyboxImage(opts: {
  tag?: string;
  files?: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
} = {}): Promise<ImageLayout> {
  const tag = opts.tag ?? 'latest';
  const work = await mkdtemp(path.join(tmpdir(), 'wharf-image-'));
  const dir = path.join(work, 'layout');
  const staging = path.join(work, 'rootfs');
  await mkdir(path.join(staging, 'bin'), { recursive: true });
  await mkdir(path.join(staging, 'etc'), { recursive: true });
  await mkdir(path.join(staging, 'tmp'), { recursive: true });
  await chmod(path.join(staging, 'tmp'), 0o1777);
  await copyFile(busyboxBinary, path.join(staging, 'bin', 'busybox'));
  await chmod(path.join(staging, 'bin', 'busybox'), 0o755);
  await symlink('busybox', path.join(staging, 'bin', 'sh'));
  await symlink('/bin/busybox', path.join(staging, 'bin', 'ls'));
  await link(path.join(staging, 'bin', 'busybox'), path.join(staging, 'bin', 'cat'));
  await writeFile(path.join(staging, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await writeFile(path.join(staging, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeTree(staging, opts.files ?? {});
  await run('umoci', ['init', '--layout', dir]);
  await run('umoci', ['new', '--image', `${dir}:${tag}`]);
  await run('umoci', ['insert', '--image', `${dir}:${tag}`, '--no-history', staging, '/']);
  const config = ['config', '--image', `${dir}:${tag}`, '--no-history'];
  for (const e of opts.entrypoint ?? []) config.push('--config.entrypoint', e);
  for (const c of opts.cmd ?? ['sh']) config.push('--config.cmd', c);
  for (const e of opts.env ?? ['PATH=/bin']) config.push('--config.env', e);
  await run('umoci', config);
  return { dir, cleanup: () => rm(work, { recursive: true, force: true }) };
}

/** Writes `files` (path -> content; trailing `/` makes a directory) under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [p, content] of Object.entries(files)) {
    const abs = path.join(root, p);
    if (p.endsWith('/')) await mkdir(abs, { recursive: true });
    else {
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
}

/** Adds a layer to `from` as tag `to`: `files` inserted at `/`, or with `opaque` replacing `opaqueDir`'s contents. */
export async function addLayer(layout: ImageLayout, from: string, to: string, change: { files?: Record<string, string>; whiteout?: string; opaqueDir?: string }): Promise<void> {
  const src = await mkdtemp(path.join(tmpdir(), 'wharf-layer-'));
  try {
    if (change.whiteout) {
      await run('umoci', ['insert', '--image', `${layout.dir}:${from}`, '--tag', to, '--no-history', '--whiteout', change.whiteout]);
    } else if (change.opaqueDir) {
      await writeTree(src, change.files ?? {});
      await run('umoci', ['insert', '--image', `${layout.dir}:${from}`, '--tag', to, '--no-history', '--opaque', src, change.opaqueDir]);
    } else {
      await writeTree(src, change.files ?? {});
      await run('umoci', ['insert', '--image', `${layout.dir}:${from}`, '--tag', to, '--no-history', src, '/']);
    }
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}

/**
 * Pushes `layout`'s tag to `docker://<registry>/<repository>:<tag>`. `format: 'v2s2'` converts to Docker v2
 * schema 2 media types; the default keeps OCI ones. Returns the pushed manifest's digest.
 */
export async function pushImage(
  layout: ImageLayout,
  tag: string,
  registry: string,
  repository: string,
  opts: { destTag?: string; format?: 'oci' | 'v2s2'; credentials?: { username: string; password: string } } = {},
): Promise<string> {
  const digestFile = path.join(path.dirname(layout.dir), `digest-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const args = ['copy', '--quiet', '--dest-tls-verify=false', '--digestfile', digestFile];
  if (opts.format === 'v2s2') args.push('--format', 'v2s2');
  if (opts.credentials) args.push('--dest-creds', `${opts.credentials.username}:${opts.credentials.password}`);
  args.push(`oci:${layout.dir}:${tag}`, `docker://${registry}/${repository}:${opts.destTag ?? tag}`);
  await run('skopeo', args);
  const { readFile } = await import('node:fs/promises');
  return (await readFile(digestFile, 'utf8')).trim();
}

/** Exports `layout`'s tag with skopeo as a docker-archive (`docker save` format) or an OCI layout tarball. */
export async function exportArchive(layout: ImageLayout, tag: string, file: string, format: 'docker-archive' | 'oci-archive', name?: string): Promise<void> {
  const dest = format === 'docker-archive' ? `docker-archive:${file}${name ? `:${name}` : ''}` : `oci-archive:${file}${name ? `:${name}` : ''}`;
  await run('skopeo', ['copy', '--quiet', `oci:${layout.dir}:${tag}`, dest]);
}

/** PUTs a manifest (or index) under a tag, for shapes skopeo will not push, such as hand-made lists. */
export function putManifest(registry: string, repository: string, tag: string, body: string, mediaType: string): Promise<number> {
  const [host, port] = registry.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port: Number(port), method: 'PUT', path: `/v2/${repository}/manifests/${tag}`, headers: { 'Content-Type': mediaType } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The file where docker-registry's filesystem driver keeps a blob's bytes. */
export function registryBlobPath(storageDir: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return path.join(storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}
