import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolvePort, runLifecycleHandler, type HookContext } from '../../../../src/node/runtimes/container/lifecycle-hooks.js';

const container = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] };

function ctx(over: Partial<HookContext> = {}): HookContext {
  return { exec: async () => ({ exitCode: 0, output: '' }), podIP: '127.0.0.1', container, timeoutMs: 2000, ...over };
}

test('resolvePort() reads numbers, numeric strings and named container ports', () => {
  assert.equal(resolvePort(80, container), 80);
  assert.equal(resolvePort('81', container), 81);
  assert.equal(resolvePort('http', container), 8080);
  assert.throws(() => resolvePort('grpc', container), /couldn't find port: grpc/);
});

test('runLifecycleHandler() runs exec handlers and fails on a non-zero exit', async () => {
  const seen: string[][] = [];
  await runLifecycleHandler({ exec: { command: ['touch', '/x'] } }, ctx({ exec: async (cmd) => (seen.push(cmd), { exitCode: 0, output: '' }) }));
  assert.deepEqual(seen, [['touch', '/x']]);
  await assert.rejects(runLifecycleHandler({ exec: { command: ['false'] } }, ctx({ exec: async () => ({ exitCode: 1, output: 'nope' }) })), /command 'false' exited with 1: nope/);
});

test('runLifecycleHandler() sends httpGet to the pod (loopback here) with headers, failing on an error status', async () => {
  const requests: { url?: string; header?: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url, header: req.headers['x-test'] as string | undefined });
    res.statusCode = req.url === '/bad' ? 500 : 200;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    await runLifecycleHandler({ httpGet: { path: 'drain', port, httpHeaders: [{ name: 'X-Test', value: 'yes' }] } }, ctx());
    assert.deepEqual(requests, [{ url: '/drain', header: 'yes' }]);
    await assert.rejects(runLifecycleHandler({ httpGet: { path: '/bad', port } }, ctx()), /status 500/);
  } finally {
    server.close();
  }
});
