import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../../src/api/index.js';
import { ContainerProbes, probeOnce, type ProbeKind, type ProbeTarget } from '../../../../src/node/runtimes/container/container-probes.js';
import { createContainerRuntime, type ProbedContainerStatus } from '../../../../src/node/runtimes/container/container-runtime.js';
import { checkHostSupport } from '../../../../src/node/runtimes/container/host-support.js';
import { staticPodResources } from '../../../../src/node/runtimes/container/pod-resources.js';
import { removeBridge } from '../../../../src/node/runtimes/container/sandbox/node-bridge.js';
import { BusyboxImages } from './busybox-image.js';

function target(over: Partial<ProbeTarget> = {}): ProbeTarget {
  return { exec: async () => ({ exitCode: 0, output: '' }), podIP: '127.0.0.1', container: { name: 'c', ports: [{ name: 'web', containerPort: 1 }] }, ...over };
}

test('probeOnce() checks httpGet status codes and tcpSocket connections on loopback', async () => {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? 204 : 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    assert.deepEqual(await probeOnce({ httpGet: { path: '/healthz', port } }, target()), { ok: true, output: '' });
    assert.deepEqual(await probeOnce({ httpGet: { path: '/other', port } }, target()), { ok: false, output: 'HTTP probe failed with statuscode: 503' });
    assert.equal((await probeOnce({ tcpSocket: { port } }, target())).ok, true);
  } finally {
    server.close();
  }
  const refused = await probeOnce({ tcpSocket: { port } }, target());
  assert.deepEqual(refused, { ok: false, output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test('probeOnce() runs exec probes, failing on a non-zero exit with the output', async () => {
  assert.deepEqual(await probeOnce({ exec: { command: ['check'] } }, target({ exec: async () => ({ exitCode: 1, output: 'unhealthy\n' }) })), { ok: false, output: 'unhealthy' });
  assert.equal((await probeOnce({ exec: { command: ['check'] } }, target())).ok, true);
});

test('ContainerProbes runs the startup probe first, then reports readiness and a liveness failure at its threshold', async () => {
  let calls = 0;
  const seen: string[] = [];
  const exec = async (cmd: string[]): Promise<{ exitCode: number; output: string }> => {
    calls++;
    // startup: fails once then passes; liveness: fails from then on; readiness: passes.
    if (cmd[0] === 'startup') return { exitCode: calls <= 1 ? 1 : 0, output: 'not yet' };
    if (cmd[0] === 'live') return { exitCode: 1, output: 'dead' };
    return { exitCode: 0, output: '' };
  };
  const probes = new ContainerProbes(
    target({
      exec,
      container: {
        name: 'c',
        startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1, failureThreshold: 5 },
        livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, failureThreshold: 2 },
        readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
      },
    }),
    {
      ready: (r) => seen.push(`ready:${r}`),
      started: () => seen.push('started'),
      unhealthy: (k: ProbeKind, o) => seen.push(`unhealthy:${k}:${o}`),
      failed: (k: ProbeKind, o) => seen.push(`failed:${k}:${o}`),
    },
  );
  probes.start();
  const until = Date.now() + 10_000;
  while (!seen.some((s) => s.startsWith('failed')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  probes.stop();
  assert.equal(seen[0], 'unhealthy:Startup:not yet');
  assert.equal(seen[1], 'started');
  assert.ok(seen.includes('ready:true'));
  assert.equal(seen.filter((s) => s === 'unhealthy:Liveness:dead').length, 2);
  assert.equal(seen[seen.length - 1], 'failed:Liveness:dead');
});

const support = await checkHostSupport();
const skip = support.ok ? false : `needs root, network namespaces and runc: ${support.reason}`;

test('under the runtime, readiness (httpGet to the pod IP) gates ready and a failing liveness probe kills the container', { skip, timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-probe-'));
  const third = 90 + Math.floor(Math.random() * 10);
  const bridge = `wp${randomUUID().slice(0, 8)}`;
  const runtime = await createContainerRuntime({ dataDir, images: new BusyboxImages(), podCIDR: `10.244.${third}.0/24`, bridge, resources: staticPodResources(), log: () => undefined });
  const uid = randomUUID();
  const p: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probed', namespace: 'default', uid },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 1,
      containers: [
        { name: 'web', image: 'busybox', command: ['sh', '-c', 'sleep 1; exec httpd -f -p 8080 -h /etc'], readinessProbe: { httpGet: { path: '/hostname', port: 8080 }, periodSeconds: 1 } },
        { name: 'sick', image: 'busybox', command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 1000'], livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 } },
      ],
    },
  };
  const status = (name: string): ProbedContainerStatus | undefined => runtime.podStatus(uid)?.containers.find((c) => c.name === name);
  const waitFor = async (what: string, fn: () => boolean): Promise<void> => {
    const until = Date.now() + 20_000;
    while (!fn()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    runtime.startPod(p, { podIP: `10.244.${third}.2`, hostIP: '192.0.2.1' });
    await waitFor('web running', () => 'running' in (status('web')?.state ?? {}));
    assert.equal(status('web')!.ready, false);
    await waitFor('web ready', () => status('web')?.ready === true);
    await waitFor('sick killed', () => 'terminated' in (status('sick')?.state ?? {}));
    const st = status('sick')!.state;
    assert.ok('terminated' in st && st.terminated.exitCode === 137 && st.terminated.reason === 'Error');
  } finally {
    // Also after a failed assertion: a pod left running would hold the teardown below.
    await runtime.stopPod(p, 0).catch(() => undefined);
    runtime.close();
    await runtime.teardownPod(uid);
    await removeBridge(bridge);
    await rm(dataDir, { recursive: true, force: true });
  }
});
