import { field, type FieldError, type KubeObject } from '../api/index.js';
import type { ResourceStore } from './resource-store.js';

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { nodePort?: number; port?: number }[];
}

const nodePortMin = 30000;
const nodePortMax = 32767;

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
 * apiserver's allocators do. What is in use is read from the services themselves, so nothing extra is stored.
 */
export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;
  /** The range as Kubernetes prints it in errors: the network address and prefix length. */
  private readonly range: string;
  /** Handed out but perhaps not yet stored: concurrent creates must not get the same address. */
  private readonly reservedIps = new Map<string, number>();
  private readonly reservedPorts = new Map<number, number>();

  constructor(
    private readonly services: ResourceStore,
    cidr: string,
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
    const expired = Date.now() - 30_000;
    for (const [ip, at] of this.reservedIps) if (at < expired) this.reservedIps.delete(ip); else ips.add(ip);
    for (const [port, at] of this.reservedPorts) if (at < expired) this.reservedPorts.delete(port); else ports.add(port);
    return { ips, ports };
  }

  async allocate(svc: KubeObject, old: KubeObject | undefined): Promise<FieldError[]> {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;
    const errors: FieldError[] = [];
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') return errors;
    const used = await this.inUse();
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
      } else if (used.ips.has(spec.clusterIP) && spec.clusterIP !== oldSpec.clusterIP) {
        errors.push(field.invalid('spec.clusterIPs[0]', spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
      }
    } else if (!spec.clusterIP) {
      const ip = this.nextFreeIp(used.ips);
      if (!ip) errors.push(field.invalid('spec.clusterIPs', null, 'range is full'));
      else {
        spec.clusterIP = ip;
        this.reservedIps.set(ip, Date.now());
      }
    }
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
    if (type === 'NodePort' || type === 'LoadBalancer') {
      (spec.ports ?? []).forEach((p, i) => {
        const previous = oldSpec.ports?.find((o) => o.port === p.port)?.nodePort;
        if (!p.nodePort && previous) p.nodePort = previous;
        if (p.nodePort) {
          if (p.nodePort < nodePortMin || p.nodePort > nodePortMax) {
            errors.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${nodePortMin}-${nodePortMax}`));
          } else if (used.ports.has(p.nodePort) && p.nodePort !== previous) {
            errors.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
          }
          used.ports.add(p.nodePort);
          return;
        }
        const port = this.nextFreePort(used.ports);
        if (port === undefined) errors.push(field.invalid(`spec.ports[${i}].nodePort`, null, 'range is full'));
        else {
          p.nodePort = port;
          used.ports.add(port);
          this.reservedPorts.set(port, Date.now());
        }
      });
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
