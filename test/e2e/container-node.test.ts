/**
 * A real node end to end: `wharf up --nodes 0` serves the API, `wharf node` (runtime: container) joins
 * from this process, and a busybox pod from a local registry, created with `kubectl run`, runs as a runc
 * container in its own network namespace until it succeeds. Its traffic stays on loopback (the
 * registry) and inside the pod's namespace.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runNodeCommand } from '../../src/node/index.js';
import { removeBridge, SandboxManager } from '../../src/node/runtimes/container/index.js';
import { runCommand } from '../../src/node/runtimes/container/command.js';
import { Runc } from '../../src/node/runtimes/container/runc.js';
import { buildBusyboxImage, pushImage, startRegistry, type ImageLayout, type TestRegistry } from '../support/registry.js';
import { kubectl, startCluster, tempDataDir, type RunningCluster } from './harness.js';
import { containerSkipReason, eventually } from './container-fixtures.js';

const skip = await containerSkipReason();

let cluster: RunningCluster | undefined;
let data: { dir: string; cleanup: () => void } | undefined;
let registry: TestRegistry | undefined;
let layout: ImageLayout | undefined;
let nodeDir = '';
let node = new AbortController();
let nodeDone: Promise<void> | undefined;
const bridge = `we${randomUUID().slice(0, 8)}`;
const nodeName = `real-${randomUUID().slice(0, 6)}`;
const podCidr = `10.244.${100 + Math.floor(Math.random() * 100)}.0/24`;
const uids: string[] = [];
const probeNs = `wharf-e2e-${randomUUID().slice(0, 8)}`;
const probeVeth = `${bridge}p`;

/** Starts `wharf node` (runtime: container) in this process and waits until it registered. */
async function startNode(): Promise<void> {
  node = new AbortController();
  const lines: string[] = [];
  let registered!: () => void;
  const ready = new Promise<void>((r) => (registered = r));
  nodeDone = runNodeCommand({
    kubeconfig: cluster!.kubeconfig,
    name: nodeName,
    runtime: 'container',
    dataDir: nodeDir,
    bridge,
    podCidr,
    cpu: '2',
    memory: '4Gi',
    renewIntervalMs: 2000,
    signal: node.signal,
    out: (line) => {
      lines.push(line);
      if (line.includes('registered')) registered();
    },
    logger: () => undefined,
  });
  await Promise.race([ready, nodeDone.then(() => Promise.reject(new Error(`the node stopped: ${lines.join('\n')}`)))]);
}

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  layout = await buildBusyboxImage({ cmd: ['sh'] });
  await pushImage(layout, 'latest', registry.host, 'wharf-test/busybox', { destTag: '1.0' });
  data = tempDataDir();
  cluster = await startCluster(data.dir, ['--nodes', '0']);
  nodeDir = await mkdtemp(path.join(tmpdir(), 'wharf-real-node-'));
  await startNode();
});

after(async () => {
  if (skip) return;
  node.abort();
  await nodeDone?.catch(() => undefined);
  // Whatever the node left (a failed run): containers, namespaces, the bridge.
  const runc = new Runc({ root: path.join(nodeDir, 'runc') });
  for (const c of await runc.list().catch(() => [])) await runc.delete(c.id).catch(() => undefined);
  for (const uid of [...uids, ...(await readdir(path.join(nodeDir, 'pods')).catch(() => []))]) {
    const n = SandboxManager.names(uid);
    if (existsSync(n.netnsPath)) await runCommand('ip', ['netns', 'del', n.netns]).catch(() => undefined);
  }
  // Volumes the node mounted (secrets, memory emptyDirs) of pods it left running.
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')).split('\n').map((l) => l.split(' ')[4]).filter((m) => m && nodeDir && m.startsWith(nodeDir + '/'));
  for (const m of mounts.sort((a, b) => b.length - a.length)) await runCommand('umount', ['-l', m]).catch(() => undefined);
  await runCommand('ip', ['netns', 'del', probeNs]).catch(() => undefined);
  await runCommand('ip', ['link', 'del', 'dev', probeVeth]).catch(() => undefined);
  await removeBridge(bridge);
  await cluster?.stop();
  data?.cleanup();
  await registry?.stop();
  await layout?.cleanup();
  if (nodeDir) await rm(nodeDir, { recursive: true, force: true });
});


interface PodView {
  metadata: { uid: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; containerStatuses?: { state: Record<string, { exitCode?: number; reason?: string }>; containerID?: string; imageID?: string }[] };
}

async function getPod(name: string): Promise<PodView> {
  const r = await kubectl(cluster!, ['get', 'pod', name, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PodView;
}

test('the real node reports runc as its runtime', { skip, timeout: 60_000 }, async () => {
  const r = await kubectl(cluster!, ['get', 'node', nodeName, '-o', 'jsonpath={.status.nodeInfo.containerRuntimeVersion}']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^runc:\/\/\d+\.\d+/);
});

test('kubectl run: a busybox pod from a local registry goes Running, then Succeeded, and leaves its log', { skip, timeout: 180_000 }, async () => {
  const image = `${registry!.host}/wharf-test/busybox:1.0`;
  const r = await kubectl(cluster!, ['run', 'hello', `--image=${image}`, '--restart=Never', `--overrides={"spec":{"nodeName":"${nodeName}"}}`, '--', 'sh', '-c', 'echo hello-from-wharf; ip=$(hostname); echo "host $ip"; sleep 3']);
  assert.equal(r.code, 0, r.stderr);
  const running = await eventually('the pod to run', 90_000, async () => {
    const p = await getPod('hello');
    return p.status.phase === 'Running' ? p : undefined;
  });
  uids.push(running.metadata.uid);
  assert.equal(running.spec.nodeName, nodeName);
  assert.ok(running.status.podIP && running.status.podIP.startsWith(podCidr.split('.').slice(0, 3).join('.') + '.'), `pod IP ${running.status.podIP} in ${podCidr}`);
  assert.match(running.status.containerStatuses![0].containerID ?? '', /^runc:\/\//);
  assert.match(running.status.containerStatuses![0].imageID ?? '', /@sha256:[0-9a-f]{64}$/);
  const done = await eventually('the pod to succeed', 60_000, async () => {
    const p = await getPod('hello');
    return p.status.phase === 'Succeeded' ? p : undefined;
  });
  const term = done.status.containerStatuses![0].state.terminated;
  assert.equal(term?.exitCode, 0);
  assert.equal(term?.reason, 'Completed');
  // The log, in kubelet's layout and format, for the API's pods/log to serve.
  const podLogs = path.join(nodeDir, 'logs', `default_hello_${done.metadata.uid}`, 'hello', '0.log');
  const lines = (await readFile(podLogs, 'utf8')).split('\n').filter(Boolean);
  assert.match(lines[0], /^\S+Z stdout F hello-from-wharf$/);
  assert.equal(lines[1].split(' stdout F ')[1], 'host hello');
  // Finished: its sandbox is gone.
  await eventually('the sandbox to go', 20_000, async () => !existsSync(SandboxManager.names(done.metadata.uid).netnsPath) && (await readdir(path.join(nodeDir, 'pods')).catch(() => [])).length === 0);
});

test('a Deployment of busybox httpd serves a ConfigMap-mounted page from its pod IP', { skip, timeout: 180_000 }, async () => {
  const image = `${registry!.host}/wharf-test/busybox:1.0`;
  const manifest = `apiVersion: v1
kind: ConfigMap
metadata: {name: page}
data: {index.html: "hello from a configmap"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: ${image}
        command: [busybox, httpd, -f, -p, "8080", -h, /www]
        volumeMounts: [{name: page, mountPath: /www}]
      volumes: [{name: page, configMap: {name: page}}]
`;
  const applied = await kubectl(cluster!, ['apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  const pod = await eventually('a running web pod', 120_000, async () => {
    const r = await kubectl(cluster!, ['get', 'pods', '-l', 'app=web', '-o', 'json']);
    const items = (JSON.parse(r.stdout) as { items: PodView[] }).items;
    return items.find((p) => p.status.phase === 'Running' && p.status.podIP && p.status.containerStatuses?.[0]?.state.running);
  });
  uids.push(pod.metadata.uid);
  assert.equal(pod.spec.nodeName, nodeName);
  // A namespace of the test's own on the node bridge fetches the page from the pod's IP.
  const prefix = podCidr.split('.').slice(0, 3).join('.');
  await runCommand('ip', ['netns', 'add', probeNs]);
  await runCommand('ip', ['link', 'add', 'name', probeVeth, 'type', 'veth', 'peer', 'name', `${bridge}q`]);
  await runCommand('ip', ['link', 'set', 'dev', `${bridge}q`, 'netns', probeNs]);
  await runCommand('ip', ['link', 'set', 'dev', probeVeth, 'master', bridge, 'up']);
  await runCommand('ip', ['-n', probeNs, 'addr', 'add', `${prefix}.250/24`, 'dev', `${bridge}q`]);
  await runCommand('ip', ['-n', probeNs, 'link', 'set', 'dev', `${bridge}q`, 'up']);
  const diag = async (): Promise<string> => {
    const out: string[] = [];
    const podNs = SandboxManager.names(pod.metadata.uid).netns;
    for (const args of [['netns', 'exec', probeNs, '/usr/bin/busybox', 'ping', '-c', '1', '-W', '2', pod.status.podIP!], ['-n', podNs, 'addr'], ['-n', podNs, 'route'], ['-n', probeNs, 'addr'], ['link', 'show', 'master', bridge], ['netns', 'exec', podNs, '/usr/bin/busybox', 'netstat', '-ltn']]) {
      out.push(`$ ip ${args.join(' ')}\n` + (await runCommand('ip', args).catch((e: Error) => e.message)));
    }
    const logs = path.join(nodeDir, 'logs');
    for (const d of await readdir(logs).catch(() => [])) if (d.includes(pod.metadata.uid)) out.push(await readFile(path.join(logs, d, 'httpd', '0.log'), 'utf8').catch((e: Error) => e.message));
    return out.join('\n');
  };
  const body = await eventually('the page', 30_000, async () => {
    const out = await runCommand('ip', ['netns', 'exec', probeNs, '/usr/bin/busybox', 'nc', '-w', '2', pod.status.podIP!, '8080'], { input: 'GET /index.html HTTP/1.0\r\n\r\n' }).catch(() => '');
    return out.includes('200 OK') ? out : undefined;
  }).catch(async (e: Error) => {
    throw new Error(`${e.message}\n${await diag()}`);
  });
  assert.ok(body.endsWith('\r\n\r\nhello from a configmap'), body);
  const deleted = await kubectl(cluster!, ['delete', 'deployment', 'web', '--wait=false']);
  assert.equal(deleted.code, 0, deleted.stderr);
});

test('an image already pulled is reused: the next pod records "already present on machine"', { skip, timeout: 120_000 }, async () => {
  const image = `${registry!.host}/wharf-test/busybox:1.0`;
  const r = await kubectl(cluster!, ['run', 'again', `--image=${image}`, '--restart=Never', `--overrides={"spec":{"nodeName":"${nodeName}"}}`, '--', 'sh', '-c', 'echo again']);
  assert.equal(r.code, 0, r.stderr);
  const done = await eventually('the pod to succeed', 60_000, async () => {
    const p = await getPod('again');
    return p.status.phase === 'Succeeded' ? p : undefined;
  });
  uids.push(done.metadata.uid);
  const events = await eventually('the Pulled event', 30_000, async () => {
    const e = await kubectl(cluster!, ['get', 'events', '--field-selector', `involvedObject.name=again,reason=Pulled`, '-o', 'jsonpath={.items[*].message}']);
    return e.stdout.trim() ? e.stdout : undefined;
  });
  assert.equal(events.trim(), `Container image "${image}" already present on machine`);
  const started = await kubectl(cluster!, ['get', 'events', '--field-selector', `involvedObject.name=again,reason=Started`, '-o', 'jsonpath={.items[*].message}']);
  assert.equal(started.stdout.trim(), 'Started container again');
});

test('a container failing under restartPolicy OnFailure is restarted and backs off (CrashLoopBackOff)', { skip, timeout: 120_000 }, async () => {
  const image = `${registry!.host}/wharf-test/busybox:1.0`;
  const r = await kubectl(cluster!, ['run', 'crasher', `--image=${image}`, '--restart=OnFailure', `--overrides={"spec":{"nodeName":"${nodeName}"}}`, '--', 'sh', '-c', 'echo failing; exit 1']);
  assert.equal(r.code, 0, r.stderr);
  const backingOff = await eventually('CrashLoopBackOff', 60_000, async () => {
    const p = await getPod('crasher');
    const c = p.status.containerStatuses?.[0] as { restartCount?: number; state: Record<string, { reason?: string }>; lastState?: Record<string, { exitCode?: number }> } | undefined;
    return c && (c.restartCount ?? 0) >= 1 && c.state.waiting?.reason === 'CrashLoopBackOff' ? { p, c } : undefined;
  });
  uids.push(backingOff.p.metadata.uid);
  assert.equal(backingOff.c.lastState?.terminated?.exitCode, 1);
  assert.equal(backingOff.p.status.phase, 'Running');
  assert.equal((await kubectl(cluster!, ['delete', 'pod', 'crasher', '--wait=false'])).code, 0);
});

test('a restarted node takes over its running containers instead of starting them again', { skip, timeout: 120_000 }, async () => {
  const image = `${registry!.host}/wharf-test/busybox:1.0`;
  const r = await kubectl(cluster!, ['run', 'steady', `--image=${image}`, '--restart=Always', `--overrides={"spec":{"nodeName":"${nodeName}"}}`, '--', 'sh', '-c', 'sleep 3600']);
  assert.equal(r.code, 0, r.stderr);
  const before = await eventually('steady running', 60_000, async () => {
    const p = await getPod('steady');
    return p.status.containerStatuses?.[0]?.state.running ? p : undefined;
  });
  uids.push(before.metadata.uid);
  node.abort();
  await nodeDone;
  await startNode();
  // The new agent reports the same container, still running, never restarted.
  await new Promise((r) => setTimeout(r, 3000));
  const after = await getPod('steady');
  const c = after.status.containerStatuses![0] as { containerID?: string; restartCount?: number; state: Record<string, unknown> };
  assert.equal(c.containerID, before.status.containerStatuses![0].containerID);
  assert.equal(c.restartCount, 0);
  assert.ok(c.state.running);
  assert.equal(after.status.podIP, before.status.podIP);
  const del = await kubectl(cluster!, ['delete', 'pod', 'steady', '--grace-period=1', '--wait=false']);
  assert.equal(del.code, 0, del.stderr);
  await eventually('steady deleted', 60_000, async () => (await kubectl(cluster!, ['get', 'pod', 'steady'])).code !== 0);
  await eventually('its sandbox gone', 20_000, async () => !existsSync(SandboxManager.names(before.metadata.uid).netnsPath));
});
