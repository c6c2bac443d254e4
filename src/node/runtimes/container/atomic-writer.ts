import { mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** One file of a projected payload: a relative path, its bytes and its mode. */
export interface PayloadFile {
  path: string;
  content: Buffer;
  mode: number;
}

function stamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.${randomBytes(5).toString('hex')}`;
}

/** Rejects absolute paths and `..` elements in a payload path, as the API's validation does. */
export function safeRelativePath(p: string): boolean {
  return p !== '' && !p.startsWith('/') && !p.split('/').includes('..');
}

/**
 * Writes a configMap/secret/downwardAPI/projected volume's files the way kubelet's atomic writer lays
 * them out: the payload in a timestamped `..<time>` dir, `..data` a symlink to it, and each top-level
 * name a symlink through `..data`, so a later update swaps the whole payload at once. An unchanged
 * payload is left alone (returns false), so a periodic refresh does not disturb file watchers.
 */
export async function writeAtomicPayload(dir: string, files: PayloadFile[]): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  if (await samePayload(dir, files)) return false;
  const ts = stamp();
  const tsDir = join(dir, ts);
  await mkdir(tsDir, { mode: 0o755 });
  const top = new Set<string>();
  for (const f of files) {
    if (!safeRelativePath(f.path)) throw new Error(`invalid path ${JSON.stringify(f.path)}: must be relative and may not contain '..'`);
    const target = join(tsDir, f.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content);
    await chmod(target, f.mode);
    top.add(f.path.split('/')[0]);
  }
  let old: string | undefined;
  try {
    old = await readlink(join(dir, '..data'));
  } catch {
    old = undefined;
  }
  const tmp = join(dir, '..data_tmp');
  await rm(tmp, { force: true });
  await symlink(ts, tmp);
  await rename(tmp, join(dir, '..data'));
  for (const name of top) {
    const link = join(dir, name);
    await rm(link, { force: true, recursive: false }).catch(() => undefined);
    await symlink(join('..data', name), link);
  }
  // Names the new payload no longer has go, then the old payload.
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || top.has(entry)) continue;
    await rm(join(dir, entry), { force: true, recursive: true });
  }
  if (old && old !== ts) await rm(join(dir, old), { recursive: true, force: true });
  return true;
}

/** Lists the regular files under `root`, relative paths. */
async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

/** True when the current payload (through `..data`) holds exactly these files, bytes and modes. */
async function samePayload(dir: string, files: PayloadFile[]): Promise<boolean> {
  try {
    const data = join(dir, '..data');
    const have = (await listFiles(data)).sort();
    const want = files.map((f) => f.path).sort();
    if (have.length !== want.length || have.some((p, i) => p !== want[i])) return false;
    for (const f of files) {
      const p = join(data, f.path);
      if ((((await stat(p)).mode & 0o7777) !== f.mode) || !(await readFile(p)).equals(f.content)) return false;
    }
    return true;
  } catch {
    return false;
  }
}
