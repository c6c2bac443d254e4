import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../../api/index.js';
import type { PodSandboxConfig } from '../../../runtime.js';
import { ensureBridge } from './node-bridge.js';
import { podHostname, podHostsFile, podResolvConf } from './pod-dns-files.js';
import { podNetworkNames, setUpPodNetwork, tearDownPodNetwork } from './pod-network.js';

/** One pod's sandbox: the network its containers join and the files they all mount. */
export interface PodSandbox {
  uid: string;
  /** `<dataDir>/pods/<uid>`: the sandbox files and the pod's volumes. */
  dir: string;
  hostNetwork: boolean;
  podIP: string;
  /** The pod's network namespace; absent for host-network pods, which use the node's. */
  netnsPath?: string;
  hostsPath: string;
  resolvConfPath: string;
  /** The pod's hostname, also in `<dir>/hostname` for /etc/hostname. */
  hostname: string;
}

export interface SandboxManagerOptions {
  /** The runtime's data dir; sandboxes live in its `pods/` folder. */
  dataDir: string;
  /** The node bridge (`wharf0` by default) and the node's pod CIDR, whose first host it holds. */
  bridge?: string;
  podCIDR: string;
  clusterDNS?: string[];
  clusterDomain?: string;
  ipPath?: string;
  /** The node's resolver and hosts files; /etc/resolv.conf and /etc/hosts by default. */
  hostResolvConfPath?: string;
  hostHostsPath?: string;
}

function isHostNetwork(pod: KubeObject): boolean {
  return (pod.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Creates and removes pod sandboxes (what the pause container and CNI give a pod under kubelet): a
 * network namespace on the node bridge with the pod IP, and the pod's /etc/hosts and resolv.conf.
 * Creating is idempotent, so after an agent restart a pod's existing namespace is taken over.
 */
export class SandboxManager {
  readonly bridge: string;
  private readonly opts: SandboxManagerOptions;
  private bridgeReady: Promise<void> | undefined;

  constructor(opts: SandboxManagerOptions) {
    this.opts = opts;
    this.bridge = opts.bridge ?? 'wharf0';
  }

  podDir(uid: string): string {
    return join(this.opts.dataDir, 'pods', uid);
  }

  /** Makes sure the node bridge exists; done once, retried after a failure. */
  ensureBridge(): Promise<void> {
    if (!this.bridgeReady) {
      this.bridgeReady = ensureBridge({ name: this.bridge, podCIDR: this.opts.podCIDR, ipPath: this.opts.ipPath }).catch((e: unknown) => {
        this.bridgeReady = undefined;
        throw e;
      });
    }
    return this.bridgeReady;
  }

  async create(pod: KubeObject, config: PodSandboxConfig): Promise<PodSandbox> {
    const uid = pod.metadata.uid ?? '';
    const dir = this.podDir(uid);
    await mkdir(dir, { recursive: true });
    const hostNetwork = isHostNetwork(pod);
    let podIP = config.podIP;
    let netnsPath: string | undefined;
    if (hostNetwork) podIP = config.hostIP;
    else {
      if (!podIP) throw new Error('no pod IP was allocated (the node pod CIDR is full)');
      await this.ensureBridge();
      netnsPath = (await setUpPodNetwork({ uid, podIP, podCIDR: this.opts.podCIDR, bridge: this.bridge, ipPath: this.opts.ipPath })).netnsPath;
    }
    const hostResolv = await readOr(this.opts.hostResolvConfPath ?? '/etc/resolv.conf', '');
    const hostHosts = await readOr(this.opts.hostHostsPath ?? '/etc/hosts', '127.0.0.1\tlocalhost\n');
    const hostsPath = join(dir, 'hosts');
    const resolvConfPath = join(dir, 'resolv.conf');
    await writeFile(hostsPath, podHostsFile(pod, podIP, { clusterDomain: this.opts.clusterDomain, hostHosts }));
    await writeFile(resolvConfPath, podResolvConf(pod, { clusterDNS: this.opts.clusterDNS, clusterDomain: this.opts.clusterDomain, hostResolvConf: hostResolv, hostHosts }));
    // Host-network pods share the node's UTS namespace and so its name.
    const hostname = hostNetwork ? osHostname() : podHostname(pod);
    await writeFile(join(dir, 'hostname'), hostname + '\n');
    return { uid, dir, hostNetwork, podIP, netnsPath, hostsPath, resolvConfPath, hostname };
  }

  /** Removes the pod's network and its sandbox dir (volumes must be unmounted first). Absent parts are skipped. */
  async remove(uid: string): Promise<void> {
    await tearDownPodNetwork(uid, this.opts.ipPath);
    await rm(this.podDir(uid), { recursive: true, force: true });
  }

  /** The network names a pod's sandbox uses (for tests and diagnostics). */
  static names(uid: string): ReturnType<typeof podNetworkNames> {
    return podNetworkNames(uid);
  }
}
