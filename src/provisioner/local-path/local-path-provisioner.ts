import { chmod, mkdir, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { SELECTED_NODE_ANNOTATION } from '../annotations.js';
import type { DeleteRequest, DeleteResult, ExpandRequest, ExpandResult, Provisioner, ProvisionRequest, ProvisionResult } from '../provisioner.js';
import { hostnameAffinity } from '../volume-for-claim.js';
import { ensureImageVolume, growImageVolume, imageBackingSupport, isMounted, removeImageVolume } from './image-backing.js';
import { NodePathMap } from './node-path-map.js';

export const LOCAL_PATH_PROVISIONER = 'wharf.dev/local-path';
/** Class parameters. */
export const BACKING_PARAMETER = 'wharf.dev/backing';
export const MODE_PARAMETER = 'wharf.dev/mode';
export const VOLUME_TYPE_PARAMETER = 'volumeType';
export const FS_TYPE_PARAMETER = 'fsType';

export interface LocalPathProvisionerOptions {
  /** The data directory: volumes live under `<dataDir>/volumes/<node>` unless the ConfigMap says otherwise. */
  dataDir: string;
  /** The `local-path-config` ConfigMap's data, when there is one. */
  config(): Promise<Record<string, string> | undefined>;
}

/** `pvc-<uid>_<namespace>_<name>`: names cannot hold `_`, so the parts stay apart. */
export function volumeDirectoryName(pvName: string, namespace: string, name: string): string {
  return `${pvName}_${namespace}_${name}`;
}

function parseMode(raw: string | undefined): number | string {
  if (raw === undefined) return 0o777;
  if (!/^0?[0-7]{3,4}$/.test(raw)) return `parameter ${MODE_PARAMETER} must be an octal mode such as "0770", not "${raw}"`;
  return parseInt(raw, 8);
}

function failure(message: string): { status: 'Failure'; message: string } {
  return { status: 'Failure', message };
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
 * Wharf's built-in node-local provisioner: each volume is a directory `pvc-<uid>_<ns>_<name>` in the
 * selected node's directory (see `NodePathMap`), exposed as a `local` (or `hostPath`) PV pinned to the node
 * by `kubernetes.io/hostname`. With `wharf.dev/backing: image` the directory is the mount point of a
 * filesystem image of the requested size, so capacity is enforced and can grow.
 */
export class LocalPathProvisioner implements Provisioner {
  readonly name = LOCAL_PATH_PROVISIONER;

  constructor(private readonly opts: LocalPathProvisionerOptions) {}

  private async nodeMap(): Promise<NodePathMap | string> {
    try {
      return NodePathMap.parse(this.opts.dataDir, await this.opts.config());
    } catch (e) {
      return `local-path-config: ${(e as Error).message}`;
    }
  }

  async provision(req: ProvisionRequest, _signal?: AbortSignal): Promise<ProvisionResult> {
    const node = req.selectedNodeName;
    if (!node) return failure(`${this.name} makes node-local volumes: give the class volumeBindingMode WaitForFirstConsumer so a node is selected first`);
    const map = await this.nodeMap();
    if (typeof map === 'string') return failure(map);
    const where = map.directoryFor(node);
    if ('refused' in where) return { status: 'NotSupported', message: where.refused };
    const mode = parseMode(req.parameters[MODE_PARAMETER]);
    if (typeof mode === 'string') return failure(mode);
    const volumeType = req.parameters[VOLUME_TYPE_PARAMETER] ?? 'local';
    if (volumeType !== 'local' && volumeType !== 'hostPath') return failure(`parameter ${VOLUME_TYPE_PARAMETER} must be "local" or "hostPath", not "${volumeType}"`);
    const backing = req.parameters[BACKING_PARAMETER] ?? 'directory';
    if (backing !== 'directory' && backing !== 'image') return failure(`parameter ${BACKING_PARAMETER} must be "directory" or "image", not "${backing}"`);
    const m = req.claim.metadata ?? {};
    const dir = path.join(where.dir, volumeDirectoryName(req.pvName, m.namespace ?? '', m.name ?? ''));
    try {
      await mkdir(where.dir, { recursive: true });
      // A claim bigger than the node's free space could never be met there: give the node back. (A plain
      // directory takes no space up front, so directories together may promise more than the disk holds.)
      if (!(await exists(dir))) {
        const free = await statfs(where.dir);
        const available = free.bavail * free.bsize;
        if (available < req.capacityBytes) {
          return { status: 'NotSupported', message: `node "${node}" has ${available} bytes free in ${where.dir}, the claim asks for ${req.capacityBytes}` };
        }
      }
      if (backing === 'image') {
        const fsType = req.parameters[FS_TYPE_PARAMETER] ?? 'ext4';
        const support = await imageBackingSupport(fsType);
        if (support !== true) return failure(support);
        await ensureImageVolume(dir, `${dir}.img`, req.capacityBytes, fsType, mode);
      } else {
        await mkdir(dir, { recursive: true });
      }
      // mkdir's mode is narrowed by the umask; the class's mode is meant exactly.
      await chmod(dir, mode);
    } catch (e) {
      return failure(`making ${dir} on node "${node}": ${(e as Error).message}`);
    }
    const source = volumeType === 'local' ? { local: { path: dir } } : { hostPath: { path: dir, type: 'DirectoryOrCreate' } };
    return { status: 'Success', volume: { source, nodeAffinity: hostnameAffinity(node), capacity: req.capacity } };
  }

  /** The volume directory of a PV, or of an interrupted attempt's claim (from its selected node). */
  private async directoryOf(pv: DeleteRequest['pv']): Promise<string | undefined> {
    const made = pv.spec?.local?.path ?? pv.spec?.hostPath?.path;
    if (made) return made;
    const node = pv.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    const ref = pv.spec?.claimRef;
    if (!node || !ref) return undefined;
    const map = await this.nodeMap();
    if (typeof map === 'string') throw new Error(map);
    const where = map.directoryFor(node);
    if ('refused' in where) return undefined;
    return path.join(where.dir, volumeDirectoryName(pv.metadata?.name ?? '', ref.namespace ?? '', ref.name ?? ''));
  }

  async delete(req: DeleteRequest, _signal?: AbortSignal): Promise<DeleteResult> {
    const pvName = req.pv.metadata?.name ?? '';
    let dir: string | undefined;
    try {
      dir = await this.directoryOf(req.pv);
    } catch (e) {
      return failure((e as Error).message);
    }
    if (!dir) return { status: 'Success', message: 'nothing was made' };
    // Only ever a directory this provisioner named for this PV.
    if (!path.basename(dir).startsWith(`${pvName}_`)) return failure(`refusing to remove ${dir}: not a volume directory of ${pvName}`);
    try {
      if ((await exists(`${dir}.img`)) || (await exists(`${dir}.img.partial`)) || (await isMounted(dir))) await removeImageVolume(dir, `${dir}.img`);
      else await rm(dir, { recursive: true, force: true });
    } catch (e) {
      return failure(`removing ${dir}: ${(e as Error).message}`);
    }
    return { status: 'Success' };
  }

  /** Image-backed volumes grow here (image and filesystem); a plain directory has no size to change. */
  async expand(req: ExpandRequest, _signal?: AbortSignal): Promise<ExpandResult> {
    const dir = req.pv.spec?.local?.path ?? req.pv.spec?.hostPath?.path;
    if (!dir) return { status: 'NotSupported', message: `PersistentVolume "${req.pv.metadata?.name}" has no local path` };
    const image = `${dir}.img`;
    if (!(await exists(image))) return { status: 'Success', capacity: req.capacity, nodeExpansionRequired: true };
    try {
      await growImageVolume(dir, image, req.capacityBytes);
    } catch (e) {
      return failure(`growing ${image}: ${(e as Error).message}`);
    }
    return { status: 'Success', capacity: req.capacity, nodeExpansionRequired: false };
  }
}
