import { existsSync } from 'node:fs';
import { bridgeAddress, linkExists } from './node-bridge.js';
import { runCommand } from '../command.js';

/** Where `ip netns add` puts a namespace's handle. */
export const netnsDir = '/run/netns';

/** The names one pod's network uses, derived from its uid so an agent restart finds them again. */
export interface PodNetworkNames {
  netns: string;
  netnsPath: string;
  hostVeth: string;
}

export function podNetworkNames(uid: string): PodNetworkNames {
  const short = uid.replace(/[^0-9a-zA-Z]/g, '').slice(0, 12).toLowerCase();
  if (!short) throw new RangeError(`Pod uid "${uid}" has no characters to name a network namespace after`);
  const netns = `wharf-${short}`;
  return { netns, netnsPath: `${netnsDir}/${netns}`, hostVeth: `vw${short}` };
}

export interface PodNetworkConfig {
  uid: string;
  podIP: string;
  podCIDR: string;
  bridge: string;
  ipPath?: string;
}

/**
 * Gives a pod its own network namespace: `eth0` (one end of a veth pair whose other end is on the
 * node's bridge) with the pod IP, loopback up, and a default route via the bridge's gateway. Steps
 * that are already done are redone harmlessly, so a namespace left by a previous agent is reused.
 */
export async function setUpPodNetwork(cfg: PodNetworkConfig): Promise<PodNetworkNames> {
  const ip = cfg.ipPath ?? 'ip';
  const names = podNetworkNames(cfg.uid);
  const { gateway, prefix } = bridgeAddress(cfg.podCIDR);
  // Steps go to iproute2 in batches (`ip -batch`), one process per namespace: a pod's network costs a
  // handful of process starts, not a dozen.
  const fresh = !existsSync(names.netnsPath);
  if (fresh) await runCommand(ip, ['netns', 'add', names.netns]);
  const peer = `${names.hostVeth.slice(0, 13)}p`;
  const host: string[] = [];
  const inNs: string[] = [];
  if (fresh || !(await linkExists(ip, 'eth0', names.netns))) {
    // A host end without its peer is left from a half-done setup: start that pair over.
    if (!fresh && (await linkExists(ip, names.hostVeth))) await runCommand(ip, ['link', 'del', 'dev', names.hostVeth]);
    host.push(`link add name ${names.hostVeth} type veth peer name ${peer}`, `link set dev ${peer} netns ${names.netns}`);
    inNs.push(`link set dev ${peer} name eth0`);
  }
  host.push(`link set dev ${names.hostVeth} master ${cfg.bridge}`, `link set dev ${names.hostVeth} up`);
  inNs.push(`addr replace ${cfg.podIP}/${prefix} dev eth0`, 'link set dev eth0 up', 'link set dev lo up', `route replace default via ${gateway} dev eth0`);
  await runCommand(ip, ['-batch', '-'], { input: host.join('\n') + '\n' });
  await runCommand(ip, ['-n', names.netns, '-batch', '-'], { input: inNs.join('\n') + '\n' });
  return names;
}

/** Removes a pod's namespace and veth pair; what is already gone is skipped. */
export async function tearDownPodNetwork(uid: string, ipPath = 'ip'): Promise<void> {
  const names = podNetworkNames(uid);
  if (existsSync(names.netnsPath)) await runCommand(ipPath, ['netns', 'del', names.netns]);
  // Deleting the namespace destroys eth0 and so its peer, but a pair never moved in stays behind.
  if (await linkExists(ipPath, names.hostVeth)) await runCommand(ipPath, ['link', 'del', 'dev', names.hostVeth]).catch(() => undefined);
}
