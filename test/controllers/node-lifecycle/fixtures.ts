// A controller manager running only the controllers under test, with short timings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../../src/api/index.js';
import { ControllerManager, type ApiClient } from '../../../src/client/index.js';
import type { ControllerEntry } from '../../../src/controllers/index.js';
import { nodes, quiet } from '../../client/fixtures.js';

export const fastLifecycle = {
  nodeMonitorPeriodMs: 100,
  nodeMonitorGracePeriodMs: 1000,
  nodeStartupGracePeriodMs: 1000,
  taintPassPeriodMs: 50,
};

export function runControllers(client: ApiClient, entries: ControllerEntry[], settings: Record<string, unknown> = {}): { manager: ControllerManager; stop(): Promise<void> } {
  const manager = new ControllerManager({ client, settings: { 'node-lifecycle': fastLifecycle, ...settings }, logger: quiet });
  for (const e of entries) e.setup(manager);
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  return {
    manager,
    async stop() {
      abort.abort();
      await running;
      await manager.flushEvents();
    },
  };
}

/** A Node that says Ready once and never again (no agent, no Lease): it goes Unknown after the grace period. */
export async function createSilentNode(client: ApiClient, name: string, zone?: string): Promise<KubeObject> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return client.create(nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}) } },
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  });
}

export function taintsOf(node: KubeObject): { key: string; effect: string; timeAdded?: string }[] {
  return ((node.spec as { taints?: { key: string; effect: string; timeAdded?: string }[] } | undefined)?.taints ?? []);
}

/** A kubeconfig for a plain-HTTP test server, in a fresh temp dir (also kubectl's cache dir). */
export function writeKubeconfig(port: number): { kubeconfig: string; dataDir: string; cleanup(): void } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wharf-node-test-'));
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: test\n  cluster:\n    server: http://127.0.0.1:${port}`,
      'users:',
      '- name: admin\n  user: {}',
      'contexts:',
      '- name: test\n  context:\n    cluster: test\n    user: admin',
      'current-context: test',
      '',
    ].join('\n'),
  );
  return { kubeconfig, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}
