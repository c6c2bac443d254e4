import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { chooseContainer, endpointFor, streamingSubresources, type PodConnectContext } from '../../../src/apiserver/streaming/pod-connect.js';

function pod(containers: string[], nodeName?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: containers.map((name) => ({ name })), initContainers: [{ name: 'init' }], ...(nodeName ? { nodeName } : {}) } } as KubeObject;
}

test('chooseContainer() defaults to the only container and names the choices otherwise, in kube-apiserver\'s words', () => {
  assert.equal(chooseContainer(pod(['app']), null), 'app');
  assert.equal(chooseContainer(pod(['app', 'side']), 'side'), 'side');
  assert.equal(chooseContainer(pod(['app', 'side']), 'init'), 'init');
  assert.throws(() => chooseContainer(pod(['app', 'side']), null), /^StatusError: a container name must be specified for pod web, choose one of: \[app side\]$/);
  assert.throws(() => chooseContainer(pod(['app']), 'nope'), /container nope is not valid for pod web/);
});

test('endpointFor() refuses an unscheduled pod and reads the node\'s published endpoint', async () => {
  const nodes = new Map<string, KubeObject>([
    ['served', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'served' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } } as KubeObject],
    ['simulated', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'simulated' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.8' }], daemonEndpoints: { kubeletEndpoint: { Port: 0 } } } } as KubeObject],
  ]);
  const ctx = { nodes: { find: async (_ns: undefined, name: string) => (nodes.has(name) ? { obj: nodes.get(name)! } : undefined) } } as unknown as PodConnectContext;
  await assert.rejects(endpointFor(ctx, pod(['app'])), /pod web does not have a host assigned/);
  assert.deepEqual(await endpointFor(ctx, pod(['app'], 'served')), { nodeName: 'served', endpoint: { host: '10.0.0.9', port: 10250 } });
  assert.deepEqual(await endpointFor(ctx, pod(['app'], 'simulated')), { nodeName: 'simulated', endpoint: undefined });
  assert.deepEqual(await endpointFor(ctx, pod(['app'], 'gone')), { nodeName: 'gone', endpoint: undefined });
  assert.deepEqual([...streamingSubresources].sort(), ['attach', 'exec', 'portforward']);
});

test('proxyPodConnect() says why it cannot connect: no node API published, or no credentials for one', async () => {
  const { proxyPodConnect } = await import('../../../src/apiserver/streaming/pod-connect.js');
  const node = (port: number) => ({ obj: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } } });
  const ctx = (port: number): PodConnectContext => ({ nodes: { find: async () => node(port) }, kubelet: undefined } as unknown as PodConnectContext);
  const req = { rawHeaders: [] } as never;
  await assert.rejects(proxyPodConnect(ctx(0), 'exec', pod(['app'], 'n'), req, new URLSearchParams('command=ls'), null as never, Buffer.alloc(0)), /exec is not available for pod web: node "n" publishes no node API/);
  await assert.rejects(proxyPodConnect(ctx(10250), 'portforward', pod(['app'], 'n'), req, new URLSearchParams(), null as never, Buffer.alloc(0)), /the API server has no client certificate for node APIs/);
  await assert.rejects(proxyPodConnect(ctx(10250), 'exec', pod(['a', 'b'], 'n'), req, new URLSearchParams('command=ls'), null as never, Buffer.alloc(0)), /a container name must be specified/);
});
