import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../../../src/api/index.js';
import { runCommand } from '../../../../../src/node/runtimes/container/command.js';
import { checkHostSupport } from '../../../../../src/node/runtimes/container/host-support.js';
import { linkExists, removeBridge } from '../../../../../src/node/runtimes/container/sandbox/node-bridge.js';
import { SandboxManager } from '../../../../../src/node/runtimes/container/sandbox/sandbox-manager.js';

const support = await checkHostSupport({ needRunc: false });
const skip = support.ok ? false : `needs network namespaces: ${support.reason}`;

function pod(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: randomUUID() }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra } };
}

test('SandboxManager.create() gives a pod a namespace with its IP on the bridge, and remove() leaves nothing behind', { skip }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-sandbox-'));
  const bridge = `wt${randomUUID().slice(0, 8)}`;
  const third = 200 + Math.floor(Math.random() * 50);
  const podCIDR = `10.244.${third}.0/24`;
  const mgr = new SandboxManager({ dataDir, bridge, podCIDR, clusterDNS: ['10.96.0.10'] });
  const a = pod('a');
  const b = pod('b', { subdomain: 'web' });
  const probeNs = `wharf-t-${randomUUID().slice(0, 8)}`;
  try {
    const sa = await mgr.create(a, { podIP: `10.244.${third}.2`, hostIP: '192.0.2.1' });
    const sb = await mgr.create(b, { podIP: `10.244.${third}.3`, hostIP: '192.0.2.1' });
    assert.ok(sa.netnsPath && existsSync(sa.netnsPath));
    const addr = await runCommand('ip', ['-n', SandboxManager.names(a.metadata.uid!).netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(addr, new RegExp(`inet 10\\.244\\.${third}\\.2/24`));
    const route = await runCommand('ip', ['-n', SandboxManager.names(a.metadata.uid!).netns, 'route', 'show', 'default']);
    assert.match(route, new RegExp(`default via 10\\.244\\.${third}\\.1 dev eth0`));
    // Pod a reaches pod b through the bridge, both inside namespaces this test made.
    await runCommand('ip', ['netns', 'exec', SandboxManager.names(a.metadata.uid!).netns, '/usr/bin/busybox', 'ping', '-c', '1', '-W', '5', `10.244.${third}.3`]);
    // A namespace the test made itself, on the bridge, reaches the pod too.
    await runCommand('ip', ['netns', 'add', probeNs]);
    await runCommand('ip', ['link', 'add', 'name', `${bridge}x`, 'type', 'veth', 'peer', 'name', `${bridge}y`]);
    await runCommand('ip', ['link', 'set', 'dev', `${bridge}y`, 'netns', probeNs]);
    await runCommand('ip', ['link', 'set', 'dev', `${bridge}x`, 'master', bridge, 'up']);
    await runCommand('ip', ['-n', probeNs, 'addr', 'add', `10.244.${third}.250/24`, 'dev', `${bridge}y`]);
    await runCommand('ip', ['-n', probeNs, 'link', 'set', 'dev', `${bridge}y`, 'up']);
    await runCommand('ip', ['netns', 'exec', probeNs, '/usr/bin/busybox', 'ping', '-c', '1', '-W', '5', `10.244.${third}.2`]);

    const hosts = await readFile(sb.hostsPath, 'utf8');
    assert.match(hosts, new RegExp(`^10\\.244\\.${third}\\.3\\tb\\.web\\.default\\.svc\\.cluster\\.local\\tb$`, 'm'));
    assert.equal((await readFile(sa.resolvConfPath, 'utf8')).split('\n')[0].startsWith('search default.svc.cluster.local svc.cluster.local cluster.local'), true);

    // Adoption: creating again (an agent restart) reuses the namespace and changes nothing.
    const again = await mgr.create(a, { podIP: `10.244.${third}.2`, hostIP: '192.0.2.1' });
    assert.equal(again.netnsPath, sa.netnsPath);
    await runCommand('ip', ['netns', 'exec', SandboxManager.names(a.metadata.uid!).netns, '/usr/bin/busybox', 'ping', '-c', '1', '-W', '5', `10.244.${third}.1`]);

    await mgr.remove(a.metadata.uid!);
    await mgr.remove(b.metadata.uid!);
    await mgr.remove(b.metadata.uid!); // twice is fine
    for (const p of [a, b]) {
      const n = SandboxManager.names(p.metadata.uid!);
      assert.equal(existsSync(n.netnsPath), false);
      assert.equal(await linkExists('ip', n.hostVeth), false);
    }
    assert.equal(existsSync(sa.dir), false);
  } finally {
    for (const p of [a, b]) await mgr.remove(p.metadata.uid!).catch(() => undefined);
    await runCommand('ip', ['netns', 'del', probeNs]).catch(() => undefined);
    await runCommand('ip', ['link', 'del', 'dev', `${bridge}x`]).catch(() => undefined);
    await removeBridge(bridge);
    await rm(dataDir, { recursive: true, force: true });
  }
  assert.equal(await linkExists('ip', bridge), false);
});

test('SandboxManager.create() gives a host-network pod the node IP and no namespace', { skip }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-sandbox-'));
  const mgr = new SandboxManager({ dataDir, bridge: 'wt-unused', podCIDR: '10.244.250.0/24' });
  const p = pod('h', { hostNetwork: true });
  try {
    const s = await mgr.create(p, { podIP: '', hostIP: '192.0.2.7' });
    assert.equal(s.podIP, '192.0.2.7');
    assert.equal(s.netnsPath, undefined);
    assert.equal(existsSync(SandboxManager.names(p.metadata.uid!).netnsPath), false);
    assert.equal(await linkExists('ip', 'wt-unused'), false);
    assert.match(await readFile(s.hostsPath, 'utf8'), /^# Kubernetes-managed hosts file \(host network\)\./);
  } finally {
    await mgr.remove(p.metadata.uid!);
    await rm(dataDir, { recursive: true, force: true });
  }
});
