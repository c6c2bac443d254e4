import { field, type FieldError, type KubeObject } from '../api/index.js';
import { ConflictError, KeyExistsError, KeyNotFoundError } from '../storage/index.js';
import type { ResourceStore } from './resource-store.js';

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { nodePort?: number; port?: number }[];
}

const nodePortMin = 30000;
const nodePortMax = 32767;

/**
 * One storage key per allocated cluster IP and node port, created only if absent (as upstream's IPAddress
 * objects are), so API servers sharing one store never hand the same one to two services.
 */
const ipClaimPrefix = '/registry/wharf/serviceipclaims/';
const portClaimPrefix = '/registry/wharf/servicenodeportclaims/';
/** A claim younger than this is respected even when no stored service holds it yet (its create is in flight). */
const defaultClaimGraceMs = 30_000;

interface Claim {
  /** `namespace/name` of the service the claim is for. */
  owner: string;
  /** When it was made (ms since the epoch). */
  at: number;
}

function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return NaN;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function numberToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Gives Services their cluster IPs (from the service CIDR) and node ports (30000-32767), as the
 * apiserver's allocators do. The stored services say what is in use; a claim key per IP and port makes each
 * allocation atomic across API servers. A claim whose service is gone (or holds another IP) is taken over once
 * it is older than the grace period, so deleted services and failed creates free their addresses.
 */
export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  /** The range as Kubernetes prints it in errors: the network address and prefix length. */
  private readonly range: string;

  constructor(
    private readonly services: ResourceStore,
    cidr: string,
    private readonly claimGraceMs = defaultClaimGraceMs,
  ) {
    const [ip, bits] = cidr.split('/');
    this.size = 2 ** (32 - Number(bits));
    // A range written with host bits set ("10.0.0.5/24") means its network, as Go's net.ParseCIDR reads it.
    this.base = ipToNumber(ip) - (ipToNumber(ip) % this.size);
    this.range = `${numberToIp(this.base)}/${Number(bits)}`;
  }

  private async inUse(): Promise<{ ips: Set<string>; ports: Set<number> }> {
    await this.services.cache.sync();
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (const s of this.services.cache.list(this.services.prefix)) {
      const spec = (s.obj.spec ?? {}) as ServiceSpec;
      if (spec.clusterIP) ips.add(spec.clusterIP);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    }
    return { ips, ports };
  }

  /**
   * Claims `key` for `owner`: true when it was free, already the owner's, or held by a claim gone stale (older
   * than the grace period and not backed by the service it names, per `holds`).
   */
  private async claim(key: string, owner: string, holds: (service: KubeObject) => boolean): Promise<boolean> {
    const storage = this.services.storage;
    const value = JSON.stringify({ owner, at: Date.now() } satisfies Claim);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await storage.create(key, value);
        return true;
      } catch (e) {
        if (!(e instanceof KeyExistsError)) throw e;
      }
      const current = await storage.get(key);
      if (!current) continue;
      const held = JSON.parse(current.value) as Claim;
      if (held.owner === owner) return true;
      if (Date.now() - held.at < this.claimGraceMs) return false;
      const [namespace, name] = held.owner.split('/');
      const service = this.services.cache.get(this.services.key(namespace, name));
      if (service && holds(service.obj)) return false;
      try {
        await storage.update(key, value, current.revision);
        return true;
      } catch (e) {
        // Another server took it over first, or its owner released it: look again.
        if (!(e instanceof ConflictError) && !(e instanceof KeyNotFoundError)) throw e;
      }
    }
    return false;
  }

  private claimIp(ip: string, owner: string): Promise<boolean> {
    return this.claim(`${ipClaimPrefix}${ip}`, owner, (s) => ((s.spec ?? {}) as ServiceSpec).clusterIP === ip);
  }

  private claimPort(port: number, owner: string): Promise<boolean> {
    return this.claim(`${portClaimPrefix}${port}`, owner, (s) => (((s.spec ?? {}) as ServiceSpec).ports ?? []).some((p) => p.nodePort === port));
  }

  async allocate(svc: KubeObject, old: KubeObject | undefined): Promise<FieldError[]> {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;
    const errors: FieldError[] = [];
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') return errors;
    const used = await this.inUse();
    const owner = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
    if (old) {
      // The cluster IP is immutable once set; an update that omits it keeps it.
      if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      for (const ip of oldSpec.clusterIP ? [oldSpec.clusterIP] : []) used.ips.delete(ip);
      for (const p of oldSpec.ports ?? []) if (p.nodePort) used.ports.delete(p.nodePort);
    }
    if (spec.clusterIP && spec.clusterIP !== 'None') {
      const n = ipToNumber(spec.clusterIP);
      if (Number.isNaN(n) || n < this.base || n >= this.base + this.size) {
        errors.push(field.invalid('spec.clusterIPs[0]', spec.clusterIP, `provided IP is not in the valid range. The range of valid IPs is ${this.range}`));
      } else if (spec.clusterIP !== oldSpec.clusterIP && (used.ips.has(spec.clusterIP) || !(await this.claimIp(spec.clusterIP, owner)))) {
        errors.push(field.invalid('spec.clusterIPs[0]', spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
      }
    } else if (!spec.clusterIP) {
      let ip: string | undefined;
      // A free-looking IP may be claimed through another API server a moment ago: then try the next.
      while ((ip = this.nextFreeIp(used.ips)) !== undefined && !(await this.claimIp(ip, owner))) used.ips.add(ip);
      if (!ip) errors.push(field.invalid('spec.clusterIPs', null, 'range is full'));
      else {
        spec.clusterIP = ip;
        used.ips.add(ip);
      }
    }
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const ports = spec.ports ?? [];
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i];
        const previous = oldSpec.ports?.find((o) => o.port === p.port)?.nodePort;
        if (!p.nodePort && previous) p.nodePort = previous;
        if (p.nodePort) {
          if (p.nodePort < nodePortMin || p.nodePort > nodePortMax) {
            errors.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${nodePortMin}-${nodePortMax}`));
          } else if (p.nodePort !== previous && (used.ports.has(p.nodePort) || !(await this.claimPort(p.nodePort, owner)))) {
            errors.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
          }
          used.ports.add(p.nodePort);
          continue;
        }
        let port: number | undefined;
        while ((port = this.nextFreePort(used.ports)) !== undefined && !(await this.claimPort(port, owner))) used.ports.add(port);
        if (port === undefined) errors.push(field.invalid(`spec.ports[${i}].nodePort`, null, 'range is full'));
        else {
          p.nodePort = port;
          used.ports.add(port);
        }
      }
    }
    svc.spec = spec;
    return errors;
  }

  private nextFreeIp(used: Set<string>): string | undefined {
    // Skip the network address; the first usable one (.1) goes to the `kubernetes` service.
    for (let i = 1; i < this.size - 1; i++) {
      const ip = numberToIp(this.base + i);
      if (!used.has(ip)) return ip;
    }
    return undefined;
  }

  private nextFreePort(used: Set<number>): number | undefined {
    const span = nodePortMax - nodePortMin + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = nodePortMin + ((start + i) % span);
      if (!used.has(port)) return port;
    }
    return undefined;
  }
}
