import { PodIpAllocator } from '../../../pod-ip-allocator.js';
import { CommandError, runCommand } from '../command.js';

export interface BridgeConfig {
  /** The bridge's name (at most 15 characters); `wharf0` on a real node. */
  name: string;
  /** The node's pod CIDR; the bridge takes its first host address, the pods' gateway. */
  podCIDR: string;
  ipPath?: string;
}

/** The gateway address and prefix length pods of `podCIDR` use. */
export function bridgeAddress(podCIDR: string): { gateway: string; prefix: number } {
  const prefix = Number(podCIDR.split('/')[1]);
  return { gateway: new PodIpAllocator(podCIDR).gateway, prefix };
}

/** Whether a link exists in the host namespace (or in `netns`). */
export async function linkExists(ip: string, name: string, netns?: string): Promise<boolean> {
  try {
    await runCommand(ip, [...(netns ? ['-n', netns] : []), 'link', 'show', 'dev', name]);
    return true;
  } catch (e) {
    if (e instanceof CommandError) return false;
    throw e;
  }
}

/**
 * Makes sure the node's bridge exists, holds the gateway address and is up. Idempotent: an agent
 * restart finds the bridge as it left it. No NAT or iptables rules are added: pods reach the node
 * and each other through the bridge, nothing beyond.
 */
export async function ensureBridge(cfg: BridgeConfig): Promise<void> {
  const ip = cfg.ipPath ?? 'ip';
  if (!(await linkExists(ip, cfg.name))) {
    try {
      await runCommand(ip, ['link', 'add', 'name', cfg.name, 'type', 'bridge']);
    } catch (e) {
      // Another agent (or a concurrent start) made it first.
      if (!(await linkExists(ip, cfg.name))) throw e;
    }
  }
  const { gateway, prefix } = bridgeAddress(cfg.podCIDR);
  await runCommand(ip, ['addr', 'replace', `${gateway}/${prefix}`, 'dev', cfg.name]);
  await runCommand(ip, ['link', 'set', 'dev', cfg.name, 'up']);
}

/** Deletes the bridge (tests and node teardown); absent is fine. */
export async function removeBridge(name: string, ipPath = 'ip'): Promise<void> {
  if (await linkExists(ipPath, name)) await runCommand(ipPath, ['link', 'del', 'dev', name]).catch(() => undefined);
}
