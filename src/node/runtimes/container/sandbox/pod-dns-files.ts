import type { KubeObject } from '../../../../api/index.js';

interface DnsSpec {
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
}

export interface PodDnsSettings {
  /** The cluster's DNS service IPs; without them ClusterFirst falls back to the host's resolver, as kubelet does. */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** The node's /etc/resolv.conf and /etc/hosts text. */
  hostResolvConf: string;
  hostHosts: string;
}

function spec(pod: KubeObject): DnsSpec {
  return (pod.spec ?? {}) as DnsSpec;
}

function aliases(pod: KubeObject): string {
  const list = spec(pod).hostAliases ?? [];
  if (list.length === 0) return '';
  return '\n# Entries added by HostAliases.\n' + list.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('');
}

/** The pod's hostname: spec.hostname, else its name, cut to 63 characters as kubelet does. */
export function podHostname(pod: KubeObject): string {
  return (spec(pod).hostname || pod.metadata.name || '').slice(0, 63).replace(/[-.]+$/, '');
}

/**
 * The pod's /etc/hosts as kubelet writes it: localhost entries, the pod's own name (and FQDN when it
 * has a subdomain), then hostAliases; host-network pods get the node's file with the aliases appended.
 */
export function podHostsFile(pod: KubeObject, podIP: string, settings: Pick<PodDnsSettings, 'clusterDomain' | 'hostHosts'>): string {
  const s = spec(pod);
  if (s.hostNetwork) return `# Kubernetes-managed hosts file (host network).\n${settings.hostHosts}${settings.hostHosts.endsWith('\n') || !settings.hostHosts ? '' : '\n'}${aliases(pod)}`;
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const hostname = podHostname(pod);
  if (podIP) {
    if (s.subdomain) lines.push(`${podIP}\t${hostname}.${s.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${settings.clusterDomain ?? 'cluster.local'}\t${hostname}`);
    else lines.push(`${podIP}\t${hostname}`);
  }
  return lines.join('\n') + '\n' + aliases(pod);
}

interface Resolv {
  nameservers: string[];
  searches: string[];
  options: string[];
}

function parseResolv(text: string): Resolv {
  const out: Resolv = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

function mergeOptions(base: string[], extra: { name: string; value?: string }[]): string[] {
  const byName = new Map(base.map((o) => [o.split(':')[0], o]));
  for (const o of extra) byName.set(o.name, o.value === undefined ? o.name : `${o.name}:${o.value}`);
  return [...byName.values()];
}

/**
 * The pod's /etc/resolv.conf by dnsPolicy: ClusterFirst (the default) searches the pod's namespace
 * and the cluster domain through the cluster DNS with ndots:5; Default and host-network pods (unless
 * ClusterFirstWithHostNet) use the node's resolver; None uses only dnsConfig, which every policy merges.
 */
export function podResolvConf(pod: KubeObject, settings: PodDnsSettings): string {
  const s = spec(pod);
  const host = parseResolv(settings.hostResolvConf);
  let policy = s.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && s.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  if ((policy === 'ClusterFirst') && !(settings.clusterDNS && settings.clusterDNS.length > 0)) policy = 'Default';
  let r: Resolv;
  if (policy === 'None') r = { nameservers: [], searches: [], options: [] };
  else if (policy === 'ClusterFirst') {
    const domain = settings.clusterDomain ?? 'cluster.local';
    const ns = pod.metadata.namespace ?? 'default';
    r = { nameservers: [...settings.clusterDNS!], searches: [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches], options: ['ndots:5'] };
  } else r = host;
  const dc = s.dnsConfig ?? {};
  const nameservers = [...new Set([...r.nameservers, ...(dc.nameservers ?? [])])].slice(0, 3);
  const searches = [...new Set([...r.searches, ...(dc.searches ?? [])])].slice(0, 32);
  const options = mergeOptions(r.options, dc.options ?? []);
  const out: string[] = [];
  if (searches.length > 0) out.push(`search ${searches.join(' ')}`);
  for (const n of nameservers) out.push(`nameserver ${n}`);
  if (options.length > 0) out.push(`options ${options.join(' ')}`);
  return out.join('\n') + '\n';
}
