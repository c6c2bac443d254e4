import { isIP } from 'node:net';

/**
 * The client addresses of a request as Kubernetes records them: the X-Forwarded-For chain, then X-Real-Ip if not
 * already in it, then the socket's peer (which a client cannot forge) unless it repeats the last one.
 */
export function sourceIPs(headers: Record<string, string | string[] | undefined>, remoteAddress: string | undefined): string[] {
  const ips: string[] = [];
  const forwarded = first(headers['x-forwarded-for']);
  if (forwarded) {
    for (const part of forwarded.split(',')) {
      const ip = normalize(part.trim());
      if (ip) ips.push(ip);
    }
  }
  const realIp = normalize(first(headers['x-real-ip'])?.trim());
  if (realIp && !ips.includes(realIp)) ips.push(realIp);
  const remote = normalize(remoteAddress);
  if (remote && ips[ips.length - 1] !== remote) ips.push(remote);
  return ips;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A valid address in the form Go prints it: IPv4-mapped IPv6 (`::ffff:127.0.0.1`, from dual-stack sockets) as IPv4. */
function normalize(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v);
  if (mapped) return mapped[1];
  return isIP(v) ? v.toLowerCase() : undefined;
}
