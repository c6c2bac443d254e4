// Test support: an image source that needs no registry. Every image (but one named does-not-exist) is busybox-static: a rootfs with
// /bin/busybox and a symlink per applet, and the config an image built FROM scratch with it would have.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError, type EnsureImageOptions, type ImageConfig, type PulledImage } from '../../../../src/node/runtimes/container/image/index.js';
import type { ImageSource } from '../../../../src/node/runtimes/container/container-runtime.js';

export const busyboxPath = '/usr/bin/busybox';

export class BusyboxImages implements ImageSource {
  readonly pulls: { reference: string; opts: EnsureImageOptions }[] = [];
  private applets: string[] | undefined;

  constructor(private readonly config: ImageConfig = { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] }) {}

  async ensureImage(reference: string, opts: EnsureImageOptions): Promise<PulledImage> {
    this.pulls.push({ reference, opts });
    if (reference.includes('does-not-exist')) throw new ImageError('ErrImagePull', `failed to pull and unpack image "docker.io/library/${reference}": not found`);
    const digest = 'sha256:' + '0'.repeat(64);
    return { reference: `docker.io/library/${reference}`, digest, imageID: `docker.io/library/busybox@${digest}`, config: this.config, layers: [], size: 1 };
  }

  async prepareRootfs(_image: PulledImage, targetDir: string): Promise<void> {
    this.applets ??= execFileSync(busyboxPath, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
    for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'www']) await mkdir(join(targetDir, d), { recursive: true });
    await copyFile(busyboxPath, join(targetDir, 'bin', 'busybox'));
    for (const a of this.applets) await symlink('busybox', join(targetDir, 'bin', a)).catch(() => undefined);
    await writeFile(join(targetDir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    await writeFile(join(targetDir, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  }
}
