/** A dotted IPv4 address as a number and back. */
function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`Invalid IPv4 address "${ip}"`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Node `index`'s InternalIP in a simulated fleet: 172.16.0.0/12 from .1 on. */
export function fleetNodeIp(index: number): string {
  return intToIp(ipToInt('172.16.0.0') + index + 1);
}

/**
 * An index for a node named freely (`wharf node --name X`), from a hash of its name, in a range apart
 * from fleets' (16,384 .. 32,767 where fleets use 0 ..), so joined nodes do not collide with `wharf up`'s.
 */
export function hashedNodeIndex(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (1 << 14) + ((h >>> 0) % (1 << 14));
}

/**
 * Node `index`'s pod CIDR: a /24 out of 10.128.0.0/9, as the node IPAM controller would hand out from a
 * cluster CIDR. Fleets number their nodes from 0; freely named nodes use `hashedNodeIndex`.
 */
export function podCidrFor(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 1 << 15) throw new RangeError(`Node index ${index} is outside 0..32767`);
  return `${intToIp(ipToInt('10.128.0.0') + index * 256)}/24`;
}

/**
 * Hands out pod IPs from a node's pod CIDR round-robin (a freed IP is not reused at once, as with CNI's
 * host-local IPAM); the network address, the first host (the bridge's gateway) and the broadcast
 * address are never given out.
 */
export class PodIpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly byOwner = new Map<string, number>();
  private readonly used = new Set<number>();
  private next = 2;

  constructor(readonly cidr: string) {
    const [ip, bitsText] = cidr.split('/');
    const bits = Number(bitsText);
    if (!Number.isInteger(bits) || bits < 8 || bits > 30) throw new RangeError(`Pod CIDR "${cidr}" must be an IPv4 CIDR from /8 to /30`);
    this.size = 2 ** (32 - bits);
    this.base = ipToInt(ip) & ~(this.size - 1);
  }

  /** The IP owned by `owner` (a pod uid), allocating one if it has none; undefined when the range is full. */
  allocate(owner: string): string | undefined {
    const have = this.byOwner.get(owner);
    if (have !== undefined) return intToIp(this.base + have);
    const hosts = this.size - 2;
    for (let tried = 0; tried < hosts; tried++) {
      const offset = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!this.used.has(offset)) {
        this.used.add(offset);
        this.byOwner.set(owner, offset);
        return intToIp(this.base + offset);
      }
    }
    return undefined;
  }

  /** Records an IP already in use (found in a pod's status after a restart); false if outside the range or taken by another owner. */
  reserve(owner: string, ip: string): boolean {
    let n: number;
    try {
      n = ipToInt(ip);
    } catch {
      return false;
    }
    const offset = n - this.base;
    if (offset < 2 || offset >= this.size - 1) return false;
    const have = this.byOwner.get(owner);
    if (have === offset) return true;
    if (this.used.has(offset) || have !== undefined) return false;
    this.used.add(offset);
    this.byOwner.set(owner, offset);
    return true;
  }

  release(owner: string): void {
    const offset = this.byOwner.get(owner);
    if (offset === undefined) return;
    this.byOwner.delete(owner);
    this.used.delete(offset);
  }

  get inUse(): number {
    return this.used.size;
  }

  /** The gateway address pods route through: the first host. */
  get gateway(): string {
    return intToIp(this.base + 1);
  }
}
