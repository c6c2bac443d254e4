import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { KubeObject } from '../../../../src/api/index.js';
import { readLogFile, type StreamIO } from '../../../../src/node/runtimes/container/container-streams.js';
import { createContainerRuntime, type ContainerRuntime } from '../../../../src/node/runtimes/container/container-runtime.js';
import { checkHostSupport } from '../../../../src/node/runtimes/container/host-support.js';
import { staticPodResources } from '../../../../src/node/runtimes/container/pod-resources.js';
import { removeBridge } from '../../../../src/node/runtimes/container/sandbox/node-bridge.js';
import { BusyboxImages } from './busybox-image.js';

async function collect(r: Readable): Promise<string> {
  let s = '';
  for await (const chunk of r) s += (chunk as Buffer).toString();
  return s;
}

test('readLogFile() reads a file, and with follow keeps reading until the writer is done', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-follow-'));
  try {
    const file = join(dir, '0.log');
    await writeFile(file, 'a\n');
    assert.equal(await collect(readLogFile(file, false, () => false)), 'a\n');
    let done = false;
    const text = collect(readLogFile(file, true, () => done));
    await new Promise((r) => setTimeout(r, 100));
    await appendFile(file, 'b\n');
    await new Promise((r) => setTimeout(r, 100));
    await appendFile(file, 'c\n');
    await new Promise((r) => setTimeout(r, 100));
    // Rotated: the old file moves aside, a new one starts.
    await rename(file, `${file}.20240101T000000`);
    await writeFile(file, 'd\n');
    await new Promise((r) => setTimeout(r, 400));
    done = true;
    assert.equal(await text, 'a\nb\nc\nd\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const support = await checkHostSupport();
const skip = support.ok ? false : `needs root, network namespaces and runc: ${support.reason}`;
const third = 5 + Math.floor(Math.random() * 5);
const bridge = `ws${randomUUID().slice(0, 8)}`;
let dataDir = '';
let runtime: ContainerRuntime;
const uid = randomUUID();
const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'streams', namespace: 'default', uid },
  spec: {
    restartPolicy: 'Never',
    containers: [
      // httpd only on the pod's loopback: reachable through port-forward alone.
      { name: 'web', image: 'busybox', command: ['sh', '-c', 'echo started; exec httpd -f -p 127.0.0.1:8080 -h /etc'] },
      { name: 'talker', image: 'busybox', command: ['sh', '-c', 'i=0; while [ $i -lt 6 ]; do echo tick $i; i=$((i+1)); sleep 0.5; done; exit 5'] },
    ],
  },
};

function io(over: Partial<StreamIO> = {}): StreamIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout, stderr, tty: false, onResize: () => undefined, signal: new AbortController().signal, ...over, out: () => out, err: () => err };
}

async function waitFor(what: string, fn: () => boolean): Promise<void> {
  const until = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  if (skip) return;
  dataDir = await mkdtemp(join(tmpdir(), 'wharf-streams-'));
  runtime = await createContainerRuntime({ dataDir, images: new BusyboxImages(), podCIDR: `10.244.${third}.0/24`, bridge, resources: staticPodResources(), log: () => undefined });
  runtime.startPod(pod, { podIP: `10.244.${third}.2`, hostIP: '192.0.2.1' });
  await waitFor('containers running', () => (runtime.podStatus(uid)?.containers ?? []).every((c) => 'running' in c.state));
});

after(async () => {
  if (skip) return;
  await runtime.stopPod(pod, 0);
  runtime.close();
  await runtime.teardownPod(uid);
  await removeBridge(bridge);
  await rm(dataDir, { recursive: true, force: true });
});

test('logs() follows a running container until it exits; previous of a first run is refused', { skip }, async () => {
  const text = await collect(await runtime.logs(uid, 'talker', { previous: false, follow: true }));
  const lines = text.split('\n').filter(Boolean);
  assert.deepEqual(lines.map((l) => l.split(' stdout F ')[1]), ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
  await assert.rejects(runtime.logs(uid, 'talker', { previous: true, follow: false }), /previous terminated container "talker" in pod "streams" not found/);
  await assert.rejects(runtime.logs(uid, 'nope', { previous: false, follow: false }), /container nope is not valid for pod streams/);
});

test('exec() runs a command with piped stdin and separate stderr, and resolves with its exit code', { skip }, async () => {
  const s = io({ stdin: Readable.from(['from stdin\n']) });
  const code = await runtime.exec(uid, 'web', ['sh', '-c', 'cat; echo oops >&2; exit 3'], s);
  assert.equal(code, 3);
  assert.equal(s.out(), 'from stdin\n');
  assert.equal(s.err(), 'oops\n');
});

test('exec() with a terminal gives the command a tty of the size the client has', { skip }, async () => {
  const stdin = new PassThrough();
  let resize: ((size: { width: number; height: number }) => void) | undefined;
  const s = io({ tty: true, stdin, onResize: (l) => (resize = l) });
  const running = runtime.exec(uid, 'web', ['sh', '-c', 'tty; sleep 1; stty size; exit 2'], s);
  resize?.({ width: 101, height: 33 });
  const code = await running;
  stdin.end();
  assert.equal(code, 2);
  assert.match(s.out(), /\/dev\/pts\/\d+/);
  assert.match(s.out(), /^33 101\r?$/m);
});

test('portForward() reaches a server on the pod loopback inside its namespace', { skip }, async () => {
  const conn = await runtime.portForward(uid, 8080);
  const reply = collect(conn as unknown as Readable);
  conn.end('GET /hostname HTTP/1.0\r\n\r\n');
  const text = await reply;
  assert.match(text, /^HTTP\/1\.[01] 200 OK/);
  assert.ok(text.endsWith('\r\n\r\nstreams\n'), text);
  await assert.rejects(runtime.portForward(uid, 8081), /failed to connect to localhost:8081/);
});
