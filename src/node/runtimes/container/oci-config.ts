import type { Capabilities, Container, PodSecurityContext, SecurityContext, VolumeMount } from 'kubernetes-types/core/v1.js';
import { join, normalize } from 'node:path';
import type { KubeObject } from '../../../api/index.js';
import { parseMilli, parseValue } from '../../../api/validation/quantity.js';
import type { CgroupSupport } from './cgroup-support.js';
import type { ImageConfig } from './image/index.js';
import type { ProcessUser } from './image-user.js';
import { ContainerConfigError } from './pod-resources.js';
import type { PreparedVolume } from './pod-volumes.js';
import { expandVars } from './process-args.js';
import type { PodSandbox } from './sandbox/sandbox-manager.js';

/** The parts of the OCI runtime spec (config.json) Wharf writes. */
export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: ProcessUser;
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
    /** Absent: the process inherits the node's limits, as under containerd. */
    rlimits?: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    cgroupsPath?: string;
    resources: {
      devices: { allow: boolean; access: string }[];
      memory?: { limit: number; swap?: number };
      cpu?: { quota?: number; period?: number; shares?: number };
    };
    namespaces: { type: string; path?: string }[];
    maskedPaths?: string[];
    readonlyPaths?: string[];
  };
}

/** containerd's default capability set, which Kubernetes containers start from. */
export const defaultCapabilities = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Every capability up to Linux 5.9's CAP_CHECKPOINT_RESTORE, for privileged containers and `add: [ALL]`. */
export const allCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

function capName(c: string): string {
  const up = c.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/** The capability set after a container's `add` and `drop` (drop first, as containerd applies them; `ALL` allowed in both). */
export function effectiveCapabilities(caps: Capabilities | undefined, privileged: boolean): string[] {
  if (privileged) return [...allCapabilities];
  let set = new Set(defaultCapabilities);
  const drop = (caps?.drop ?? []).map(capName);
  const add = (caps?.add ?? []).map(capName);
  if (drop.includes('CAP_ALL')) set = new Set();
  else for (const d of drop) set.delete(d);
  if (add.includes('CAP_ALL')) set = new Set(allCapabilities);
  else for (const a of add) set.add(a);
  return [...set];
}

export interface ContainerConfigInput {
  pod: KubeObject;
  container: Container;
  /** The process arguments, already resolved (see `processArgs`). */
  args: string[];
  /** The container's env (spec), laid over the image's. */
  env: ReadonlyMap<string, string>;
  image: ImageConfig;
  /** The user the image names (see `resolveImageUser`); securityContext overrides it. */
  imageUser: ProcessUser;
  sandbox: PodSandbox;
  volumes: ReadonlyMap<string, PreparedVolume>;
  /** The container's rootfs and its private files (termination log). */
  rootfs: string;
  terminationLogPath: string;
  cgroups: CgroupSupport;
  cgroupsPath?: string;
}

/** Where a volumeMount's source is on the host: the volume, or a subPath inside it (created if absent). */
export function mountSource(m: VolumeMount, volume: PreparedVolume, env: ReadonlyMap<string, string>): { source: string; subdir?: string } {
  let sub = m.subPath ?? '';
  if (m.subPathExpr) sub = expandVars(m.subPathExpr, (n) => env.get(n));
  if (!sub) return { source: volume.hostPath };
  const clean = normalize(sub);
  if (clean.startsWith('/') || clean === '..' || clean.startsWith('../')) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${m.name}" of container: subpath ${JSON.stringify(sub)} not within volume path`);
  return { source: join(volume.hostPath, clean), subdir: clean };
}

/**
 * A container's OCI runtime spec (config.json) from its pod spec: process (args, env, cwd, user,
 * capabilities), rootfs (read-only on request), the pod's namespaces (its network namespace by path),
 * the standard mounts plus /etc/hosts, /etc/resolv.conf, /etc/hostname and the volume mounts, and
 * CPU and memory limits where the machine's cgroups allow.
 */
export function buildOciSpec(input: ContainerConfigInput): OciSpec {
  const { pod, container, sandbox } = input;
  const podSpec = (pod.spec ?? {}) as { securityContext?: PodSecurityContext; hostPID?: boolean; hostIPC?: boolean };
  const psc = podSpec.securityContext ?? {};
  const sc: SecurityContext = container.securityContext ?? {};
  const privileged = sc.privileged === true;

  const user: ProcessUser = { uid: sc.runAsUser ?? psc.runAsUser ?? input.imageUser.uid, gid: sc.runAsGroup ?? psc.runAsGroup ?? input.imageUser.gid };
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) === true && user.uid === 0) {
    throw new ContainerConfigError(sc.runAsUser === 0 || psc.runAsUser === 0 ? 'container\'s runAsUser breaks non-root policy' : 'container has runAsNonRoot and image will run as root');
  }
  const extraGids = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])];
  if (extraGids.length > 0) user.additionalGids = [...new Set(extraGids)];

  const env = new Map<string, string>();
  for (const kv of input.image.Env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  if (!env.has('PATH')) env.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  env.set('HOSTNAME', sandbox.hostname);
  for (const [k, v] of input.env) env.set(k, v);

  const caps = effectiveCapabilities(sc.capabilities, privileged);
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
    { destination: '/etc/hosts', type: 'bind', source: sandbox.hostsPath, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: sandbox.resolvConfPath, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/hostname', type: 'bind', source: join(sandbox.dir, 'hostname'), options: ['rbind', 'rprivate', 'rw'] },
    { destination: container.terminationMessagePath ?? '/dev/termination-log', type: 'bind', source: input.terminationLogPath, options: ['rbind', 'rprivate', 'rw'] },
  ];
  for (const m of (container.volumeMounts ?? []) as VolumeMount[]) {
    const v = input.volumes.get(m.name);
    if (!v) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
    const { source } = mountSource(m, v, input.env);
    const ro = m.readOnly === true || v.readOnly;
    const propagation = m.mountPropagation === 'Bidirectional' ? 'rshared' : m.mountPropagation === 'HostToContainer' ? 'rslave' : 'rprivate';
    mounts.push({ destination: m.mountPath, type: 'bind', source, options: ['rbind', propagation, ro ? 'ro' : 'rw'] });
  }

  const namespaces: { type: string; path?: string }[] = [{ type: 'mount' }];
  if (!podSpec.hostPID) namespaces.push({ type: 'pid' });
  if (!podSpec.hostIPC) namespaces.push({ type: 'ipc' });
  if (!sandbox.hostNetwork) {
    namespaces.push({ type: 'uts' });
    namespaces.push({ type: 'network', path: sandbox.netnsPath });
  }

  const resources: OciSpec['linux']['resources'] = { devices: [{ allow: privileged, access: 'rwm' }] };
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const memLimit = limits.memory !== undefined ? parseValue(limits.memory) : undefined;
  if (memLimit && input.cgroups.memoryLimits) {
    resources.memory = { limit: memLimit };
    // As containerd: a limit forbids swap on top of it.
    if (input.cgroups.memorySwap) resources.memory.swap = memLimit;
  }
  if (input.cgroups.cpuLimits) {
    const period = 100_000;
    const cpu: { quota?: number; period?: number; shares?: number } = {};
    const limitMilli = limits.cpu !== undefined ? parseMilli(limits.cpu) : undefined;
    // Kubelet's minimum quota is 1 ms per period.
    if (limitMilli) Object.assign(cpu, { quota: Math.max(1000, Math.ceil((limitMilli * period) / 1000)), period });
    const requestMilli = requests.cpu !== undefined ? parseMilli(requests.cpu) : limitMilli;
    if (requestMilli !== undefined) cpu.shares = Math.max(2, Math.floor((requestMilli * 1024) / 1000));
    if (Object.keys(cpu).length > 0) resources.cpu = cpu;
  }

  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user,
      args: input.args,
      env: [...env].map(([k, v]) => `${k}=${v}`),
      cwd: container.workingDir || input.image.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: sc.allowPrivilegeEscalation === false,
    },
    root: { path: input.rootfs, readonly: sc.readOnlyRootFilesystem === true },
    mounts,
    linux: { resources, namespaces },
  };
  if (!sandbox.hostNetwork) spec.hostname = sandbox.hostname;
  if (input.cgroupsPath && (input.cgroups.cpuLimits || input.cgroups.memoryLimits)) spec.linux.cgroupsPath = input.cgroupsPath;
  if (!privileged) {
    spec.linux.maskedPaths = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'];
    spec.linux.readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
  }
  return spec;
}
