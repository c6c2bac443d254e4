import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A process's identity in a container. */
export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

async function lookup(rootfs: string, file: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(rootfs, 'etc', file), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts[0] === name) return parts;
  }
  return undefined;
}

/**
 * The user an image's `User` names (`1000`, `1000:1000`, `nginx`, `nginx:www`), looked up in the
 * rootfs' /etc/passwd and /etc/group as containerd does; empty means root. Throws when a name is not
 * found, as starting such a container fails.
 */
export async function resolveImageUser(rootfs: string, user: string | undefined): Promise<ProcessUser> {
  if (!user) return { uid: 0, gid: 0 };
  const [u, g] = user.split(':');
  let uid: number;
  let gid = 0;
  if (/^\d+$/.test(u)) {
    uid = Number(u);
    const entry = await lookupById(rootfs, uid);
    if (entry) gid = entry;
  } else {
    const entry = await lookup(rootfs, 'passwd', u);
    if (!entry) throw new Error(`unable to find user ${u}: no matching entries in passwd file`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
  }
  if (g !== undefined && g !== '') {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const entry = await lookup(rootfs, 'group', g);
      if (!entry) throw new Error(`unable to find group ${g}: no matching entries in group file`);
      gid = Number(entry[2]);
    }
  }
  return { uid, gid };
}

async function lookupById(rootfs: string, uid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(rootfs, 'etc', 'passwd'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts.length > 3 && Number(parts[2]) === uid && parts[2] !== '') return Number(parts[3]);
  }
  return undefined;
}
