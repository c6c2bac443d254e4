import { arr, rec, str, type JsonRecord } from '../../api/validation/json-access.js';

/**
 * The Pod Security Standards' checks (baseline and restricted), over pod specs as JSON, with the reasons
 * and details Kubernetes' pod-security admission prints.
 */

export type Level = 'privileged' | 'baseline' | 'restricted';

/** A policy version: a Kubernetes minor (1.x), or latest. */
export interface PolicyVersion {
  latest: boolean;
  minor: number;
}

/** The newest policy version Wharf knows: its own Kubernetes minor. `latest` and newer minors evaluate as this. */
export const newestMinor = 32;

export interface CheckResult {
  reason: string;
  detail: string;
}

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** The first minor the check applies at. */
  since: number;
  /** Baseline checks this one replaces at the restricted level. */
  overrides?: string[];
  run(meta: JsonRecord, spec: JsonRecord, minor: number): CheckResult | undefined;
}

function joinQuote(items: string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

function plural(singular: string, many: string, count: number): string {
  return count === 1 ? singular : many;
}

function containersOf(spec: JsonRecord): JsonRecord[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].map((c) => rec(c) ?? {});
}

function securityContext(c: JsonRecord): JsonRecord | undefined {
  return rec(c.securityContext);
}

function isWindows(spec: JsonRecord): boolean {
  return str(rec(spec.os)?.name) === 'windows';
}

function sorted(set: Set<string>): string[] {
  return [...set].sort();
}

function containersPhrase(names: string[]): string {
  return `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;
}

const baselineCapabilities = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

const safeSysctls: [number, string[]][] = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];

const restrictedVolumeTypes = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs',
  'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];
const allowedVolumeTypes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

function validSeccompType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

const checks: Check[] = [
  {
    id: 'appArmorProfile',
    level: 'baseline',
    since: 0,
    run(meta, spec) {
      const allowedType = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';
      const setters: string[] = [];
      const values = new Set<string>();
      const podProfile = rec(rec(spec.securityContext)?.appArmorProfile);
      if (podProfile && !allowedType(str(podProfile.type))) {
        setters.push('pod');
        values.add(str(podProfile.type));
      }
      const bad: string[] = [];
      for (const c of containersOf(spec)) {
        const profile = rec(securityContext(c)?.appArmorProfile);
        if (profile && !allowedType(str(profile.type))) {
          bad.push(str(c.name));
          values.add(str(profile.type));
        }
      }
      if (bad.length > 0) setters.push(containersPhrase(bad));
      const annotations: string[] = [];
      for (const [k, v] of Object.entries(rec(meta.annotations) ?? {})) {
        const value = str(v);
        if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(value === '' || value === 'runtime/default' || value.startsWith('localhost/'))) {
          annotations.push(`${k}=${JSON.stringify(value)}`);
        }
      }
      const list = sorted(values);
      if (annotations.length > 0) {
        list.push(...annotations.sort());
        setters.push(plural('annotation', 'annotations', annotations.length));
      }
      if (setters.length === 0) return undefined;
      return {
        reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
        detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
      };
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const bad: string[] = [];
      const caps = new Set<string>();
      for (const c of containersOf(spec)) {
        let ok = true;
        for (const cap of arr(rec(securityContext(c)?.capabilities)?.add).map(str)) {
          if (!baselineCapabilities.has(cap)) {
            ok = false;
            caps.add(cap);
          }
        }
        if (!ok) bad.push(str(c.name));
      }
      if (bad.length === 0) return undefined;
      return { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add` };
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const used: string[] = [];
      if (spec.hostNetwork === true) used.push('hostNetwork=true');
      if (spec.hostPID === true) used.push('hostPID=true');
      if (spec.hostIPC === true) used.push('hostIPC=true');
      return used.length === 0 ? undefined : { reason: 'host namespaces', detail: used.join(', ') };
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const names = arr(spec.volumes).map((v) => rec(v) ?? {}).filter((v) => v.hostPath !== undefined && v.hostPath !== null).map((v) => str(v.name));
      return names.length === 0 ? undefined : { reason: 'hostPath volumes', detail: `${plural('volume', 'volumes', names.length)} ${joinQuote(names)}` };
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const bad: string[] = [];
      const ports = new Set<string>();
      for (const c of containersOf(spec)) {
        let ok = true;
        for (const p of arr(c.ports)) {
          const hostPort = rec(p)?.hostPort;
          if (typeof hostPort === 'number' && hostPort !== 0) {
            ok = false;
            ports.add(String(hostPort));
          }
        }
        if (!ok) bad.push(str(c.name));
      }
      if (bad.length === 0) return undefined;
      return {
        reason: 'hostPort',
        detail: `${containersPhrase(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', ports.size)} ${sorted(ports).join(', ')}`,
      };
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const bad = containersOf(spec).filter((c) => securityContext(c)?.privileged === true).map((c) => str(c.name));
      return bad.length === 0 ? undefined : { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const c of containersOf(spec)) {
        const pm = securityContext(c)?.procMount;
        if (typeof pm === 'string' && pm !== 'Default') {
          bad.push(str(c.name));
          types.add(pm);
        }
      }
      if (bad.length === 0) return undefined;
      return { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}` };
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    since: 0,
    run(_meta, spec, minor) {
      const allowed = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])]);
      const badTypes = new Set<string>();
      let setUser = false;
      let setRole = false;
      const valid = (opts: JsonRecord) => {
        let ok = true;
        if (!allowed.has(str(opts.type))) {
          ok = false;
          badTypes.add(str(opts.type));
        }
        if (str(opts.user)) {
          ok = false;
          setUser = true;
        }
        if (str(opts.role)) {
          ok = false;
          setRole = true;
        }
        return ok;
      };
      const setters: string[] = [];
      const podOpts = rec(rec(spec.securityContext)?.seLinuxOptions);
      if (podOpts && !valid(podOpts)) setters.push('pod');
      const bad: string[] = [];
      for (const c of containersOf(spec)) {
        const opts = rec(securityContext(c)?.seLinuxOptions);
        if (opts && !valid(opts)) bad.push(str(c.name));
      }
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      const data: string[] = [];
      if (badTypes.size > 0) data.push(`${plural('type', 'types', badTypes.size)} ${joinQuote(sorted(badTypes))}`);
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
      return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    since: 0,
    run(meta, spec, minor) {
      if (minor < 19) {
        // Before 1.19 seccomp was chosen by annotations.
        const annotations = rec(meta.annotations) ?? {};
        const validValue = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
        const forbidden = new Set<string>();
        const podKey = 'seccomp.security.alpha.kubernetes.io/pod';
        if (annotations[podKey] !== undefined && !validValue(str(annotations[podKey]))) forbidden.add(`${podKey}=${JSON.stringify(str(annotations[podKey]))}`);
        for (const c of containersOf(spec)) {
          const key = `container.seccomp.security.alpha.kubernetes.io/${str(c.name)}`;
          if (annotations[key] !== undefined && !validValue(str(annotations[key]))) forbidden.add(`${key}=${JSON.stringify(str(annotations[key]))}`);
        }
        if (forbidden.size === 0) return undefined;
        return { reason: 'seccompProfile', detail: `forbidden ${plural('annotation', 'annotations', forbidden.size)} ${sorted(forbidden).join(', ')}` };
      }
      const setters: string[] = [];
      const values = new Set<string>();
      const podProfile = rec(rec(spec.securityContext)?.seccompProfile);
      if (podProfile && !validSeccompType(str(podProfile.type))) {
        setters.push('pod');
        values.add(str(podProfile.type));
      }
      const bad: string[] = [];
      for (const c of containersOf(spec)) {
        const profile = rec(securityContext(c)?.seccompProfile);
        if (profile && !validSeccompType(str(profile.type))) {
          bad.push(str(c.name));
          values.add(str(profile.type));
        }
      }
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}` };
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    since: 0,
    run(_meta, spec, minor) {
      const allowed = new Set(safeSysctls.filter(([since]) => minor >= since).flatMap(([, names]) => names));
      const bad = arr(rec(spec.securityContext)?.sysctls).map((s) => str(rec(s)?.name)).filter((n) => !allowed.has(n));
      return bad.length === 0 ? undefined : { reason: 'forbidden sysctls', detail: bad.join(', ') };
    },
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    since: 0,
    run(_meta, spec) {
      const setters: string[] = [];
      if (rec(rec(spec.securityContext)?.windowsOptions)?.hostProcess === true) setters.push('pod');
      const bad = containersOf(spec).filter((c) => rec(securityContext(c)?.windowsOptions)?.hostProcess === true).map((c) => str(c.name));
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      return { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` };
    },
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    since: 8,
    run(_meta, spec, minor) {
      if (minor >= 25 && isWindows(spec)) return undefined;
      const bad = containersOf(spec).filter((c) => securityContext(c)?.allowPrivilegeEscalation !== false).map((c) => str(c.name));
      if (bad.length === 0) return undefined;
      return { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` };
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    since: 22,
    overrides: ['capabilities_baseline'],
    run(_meta, spec, minor) {
      if (minor >= 25 && isWindows(spec)) return undefined;
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const caps = new Set<string>();
      for (const c of containersOf(spec)) {
        const capabilities = rec(securityContext(c)?.capabilities);
        if (!capabilities) {
          missingDrop.push(str(c.name));
          continue;
        }
        if (!arr(capabilities.drop).map(str).includes('ALL')) missingDrop.push(str(c.name));
        let addsForbidden = false;
        for (const cap of arr(capabilities.add).map(str)) {
          if (cap !== 'NET_BIND_SERVICE') {
            addsForbidden = true;
            caps.add(cap);
          }
        }
        if (addsForbidden) adding.push(str(c.name));
      }
      const details: string[] = [];
      if (missingDrop.length > 0) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length > 0) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`);
      return details.length === 0 ? undefined : { reason: 'unrestricted capabilities', detail: details.join('; ') };
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    since: 0,
    overrides: ['hostPathVolumes'],
    run(_meta, spec) {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const raw of arr(spec.volumes)) {
        const v = rec(raw) ?? {};
        const present = (k: string) => v[k] !== undefined && v[k] !== null;
        if (allowedVolumeTypes.some(present)) continue;
        bad.push(str(v.name));
        types.add(restrictedVolumeTypes.find(present) ?? 'unknown');
      }
      if (bad.length === 0) return undefined;
      return {
        reason: 'restricted volume types',
        detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${plural('uses', 'use', bad.length)} ${plural('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sorted(types))}`,
      };
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    since: 0,
    run(_meta, spec) {
      const setters: string[] = [];
      const podValue = rec(spec.securityContext)?.runAsNonRoot;
      if (podValue === false) setters.push('pod');
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containersOf(spec)) {
        const value = securityContext(c)?.runAsNonRoot;
        if (typeof value === 'boolean') {
          if (!value) explicit.push(str(c.name));
        } else if (podValue !== true) {
          implicit.push(str(c.name));
        }
      }
      if (explicit.length > 0) setters.push(containersPhrase(explicit));
      if (setters.length > 0) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
      if (implicit.length > 0) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
      return undefined;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    since: 23,
    run(_meta, spec) {
      const setters: string[] = [];
      if (rec(spec.securityContext)?.runAsUser === 0) setters.push('pod');
      const bad = containersOf(spec).filter((c) => securityContext(c)?.runAsUser === 0).map((c) => str(c.name));
      if (bad.length > 0) setters.push(containersPhrase(bad));
      return setters.length === 0 ? undefined : { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` };
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    since: 19,
    overrides: ['seccompProfile_baseline'],
    run(_meta, spec, minor) {
      if (minor >= 25 && isWindows(spec)) return undefined;
      const setters: string[] = [];
      const values = new Set<string>();
      let podSet = false;
      const podProfile = rec(rec(spec.securityContext)?.seccompProfile);
      if (podProfile) {
        if (!validSeccompType(str(podProfile.type))) {
          setters.push('pod');
          values.add(str(podProfile.type));
        } else {
          podSet = true;
        }
      }
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containersOf(spec)) {
        const profile = rec(securityContext(c)?.seccompProfile);
        if (profile) {
          if (!validSeccompType(str(profile.type))) {
            explicit.push(str(c.name));
            values.add(str(profile.type));
          }
        } else if (!podSet) {
          implicit.push(str(c.name));
        }
      }
      if (explicit.length > 0) setters.push(containersPhrase(explicit));
      if (setters.length > 0) {
        return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}` };
      }
      if (implicit.length > 0) {
        return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
      }
      return undefined;
    },
  },
];

/** Byte-wise order, as Go sorts the check IDs: baseline checks first, then restricted ones. */
function byId(a: Check, b: Check): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const orderedChecks = [...checks.filter((c) => c.level === 'baseline').sort(byId), ...checks.filter((c) => c.level === 'restricted').sort(byId)];

/** The minor a policy version evaluates as. */
export function effectiveMinor(v: PolicyVersion): number {
  return v.latest ? newestMinor : Math.min(v.minor, newestMinor);
}

/** The failed checks of a level at a version, in upstream's order. */
export function evaluatePodSpec(level: Level, version: PolicyVersion, meta: JsonRecord, spec: JsonRecord): CheckResult[] {
  if (level === 'privileged') return [];
  const minor = effectiveMinor(version);
  const active = orderedChecks.filter((c) => c.since <= minor && (level === 'restricted' || c.level === 'baseline'));
  const overridden = new Set(level === 'restricted' ? active.flatMap((c) => c.overrides ?? []) : []);
  const failures: CheckResult[] = [];
  for (const check of active) {
    if (overridden.has(check.id)) continue;
    const r = check.run(meta, spec, minor);
    if (r) failures.push(r);
  }
  return failures;
}

/** `reason (detail), reason (detail)`: the text after `violates PodSecurity "...": `. */
export function describeFailures(failures: CheckResult[]): string {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason)).join(', ');
}
