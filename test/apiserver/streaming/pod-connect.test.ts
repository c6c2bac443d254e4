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
