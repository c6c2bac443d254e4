import { execFile } from 'node:child_process';
import { access, constants, mkdir, open, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The filesystems an image may hold: resize2fs grows all three. */
export const imageFsTypes = ['ext4', 'ext3', 'ext2'];

async function onPath(binary: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (!dir) continue;
    try {
      await access(path.join(dir, binary), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

async function sh(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { timeout: 120_000, env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(err.stderr || err.message).trim()}`);
  }
}

/**
 * Whether this machine can back volumes with loop-mounted filesystem images: running as root, loop
 * devices present, and mkfs/resize2fs installed (e2fsprogs). Answers true or the reason it cannot.
 */
export async function imageBackingSupport(fsType: string): Promise<true | string> {
  if (!imageFsTypes.includes(fsType)) return `fsType "${fsType}" is not supported for image-backed volumes (supported: ${imageFsTypes.join(', ')})`;
  if (process.getuid?.() !== 0) return 'image-backed volumes need root (loop mounts)';
  try {
    await access('/dev/loop-control');
  } catch {
    return 'image-backed volumes need loop devices (/dev/loop-control is missing)';
  }
  for (const b of [`mkfs.${fsType}`, 'resize2fs', 'e2fsck', 'losetup', 'mount', 'umount']) {
    if (!(await onPath(b))) return `image-backed volumes need ${b} (install e2fsprogs and util-linux)`;
  }
  return true;
}

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Whether something is mounted on `dir` (from /proc/self/mountinfo). */
export async function isMounted(dir: string): Promise<boolean> {
  const target = path.resolve(dir);
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => {
    const mountPoint = line.split(' ')[4];
    return mountPoint !== undefined && unescapeMountPath(mountPoint) === target;
  });
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * An image of `bytes` holding a fresh filesystem, mounted on `dir`. Repeatable: the image is formatted
 * under a temporary name and renamed when complete, so a crash never leaves a half-made image under the
 * real name, and an existing image or mount is kept.
 */
export async function ensureImageVolume(dir: string, image: string, bytes: number, fsType: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  if (!(await exists(image))) {
    const partial = `${image}.partial`;
    const fh = await open(partial, 'w', 0o600);
    await fh.truncate(bytes);
    await fh.close();
    await sh(`mkfs.${fsType}`, ['-F', '-q', partial]);
    await rename(partial, image);
  }
  if (!(await isMounted(dir))) await sh('mount', ['-o', 'loop', image, dir]);
}

/** Unmounts and removes the image and its mount point; each step is skipped when already done. */
export async function removeImageVolume(dir: string, image: string): Promise<void> {
  if (await isMounted(dir)) await sh('umount', [dir]);
  await rm(`${image}.partial`, { force: true });
  await rm(image, { force: true });
  await rm(dir, { recursive: true, force: true });
}

/**
 * Grows the image to `bytes` and its filesystem with it: online through the loop device when the kernel
 * lets this process resize a mounted filesystem, otherwise unmounted (e2fsck, resize2fs, mount again).
 */
export async function growImageVolume(dir: string, image: string, bytes: number): Promise<void> {
  const size = (await stat(image)).size;
  if (size < bytes) await truncate(image, bytes);
  const mounted = await isMounted(dir);
  if (mounted) {
    try {
      const dev = (await sh('losetup', ['-j', image])).split(':')[0]?.trim();
      if (!dev) throw new Error('no loop device');
      await sh('losetup', ['-c', dev]);
      await sh('resize2fs', [dev]);
      return;
    } catch {
      await sh('umount', [dir]);
    }
  }
  try {
    await run('e2fsck', ['-f', '-p', image], { timeout: 120_000, env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
  } catch (e) {
    // Exit codes 1 and 2 mean e2fsck fixed something, which is fine before a resize.
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'number' || code > 2) throw new Error(`e2fsck -f -p ${image}: ${(e as Error).message}`);
  }
  await sh('resize2fs', [image]);
  await sh('mount', ['-o', 'loop', image, dir]);
}
