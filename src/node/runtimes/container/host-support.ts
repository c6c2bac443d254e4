import { access, constants } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { runCommand } from './command.js';

export const defaultRuncPath = '/usr/sbin/runc';

/** Whether this machine can run real pods, and if not, why. */
export type HostSupport = { ok: true; runcVersion: string } | { ok: false; reason: string };

export interface HostSupportOptions {
  runcPath?: string;
  ipPath?: string;
  /** Also check runc (the sandbox alone needs only network namespaces); true by default. */
  needRunc?: boolean;
}

/** `runc --version`'s first line's version (`1.1.5+ds1`). */
export async function runcVersion(runcPath = defaultRuncPath): Promise<string> {
  const out = await runCommand(runcPath, ['--version']);
  const m = /^runc version (\S+)/m.exec(out);
  if (!m) throw new Error(`${runcPath} --version printed no version`);
  return m[1];
}

/**
 * Checks what the container runtime needs: root, iproute2 able to make a network namespace (made and
 * removed at once), and a working runc. Used to choose between a real and a simulated node, and by
 * tests to skip with the reason.
 */
export async function checkHostSupport(opts: HostSupportOptions = {}): Promise<HostSupport> {
  if (process.platform !== 'linux') return { ok: false, reason: `containers need Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'containers need root (network namespaces, runc)' };
  const ip = opts.ipPath ?? 'ip';
  const probe = `wharf-probe-${randomBytes(3).toString('hex')}`;
  try {
    await runCommand(ip, ['netns', 'add', probe]);
    await runCommand(ip, ['netns', 'del', probe]);
  } catch (e) {
    return { ok: false, reason: `network namespaces are not usable: ${(e as Error).message}` };
  }
  if (opts.needRunc === false) return { ok: true, runcVersion: '' };
  const runc = opts.runcPath ?? defaultRuncPath;
  try {
    await access(runc, constants.X_OK);
    return { ok: true, runcVersion: await runcVersion(runc) };
  } catch (e) {
    return { ok: false, reason: `runc is not usable at ${runc}: ${(e as Error).message}` };
  }
}
