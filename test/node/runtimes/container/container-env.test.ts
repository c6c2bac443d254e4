import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../../src/api/index.js';
import { containerEnv } from '../../../../src/node/runtimes/container/container-env.js';
import { ContainerConfigError, staticPodResources } from '../../../../src/node/runtimes/container/pod-resources.js';

const resources = staticPodResources({
  configMaps: { 'ns/cm': { data: { A: '1', B: '2', 'not valid=': 'x' }, binaryData: { BIN: Buffer.from('bytes').toString('base64') } } },
  secrets: { 'ns/sec': { data: { token: Buffer.from('t0k').toString('base64') } } },
});
const ctx = { podIP: '10.244.1.9', hostIP: '192.0.2.3', nodeAllocatable: { cpu: '4', memory: '8Gi' } };

function pod(c: Container): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { tier: 'web' } }, spec: { nodeName: 'n1', containers: [c] } };
}

test('containerEnv() applies envFrom first, then env in order with $(VAR) expansion', async () => {
  const c: Container = {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'cm' } }, { prefix: 'S_', secretRef: { name: 'sec' } }],
    env: [{ name: 'A', value: 'override' }, { name: 'GREETING', value: 'a=$(A) b=$(B) $(NOPE)' }],
  };
  const env = await containerEnv(pod(c), c, resources, ctx);
  assert.deepEqual([...env], [['A', 'override'], ['B', '2'], ['BIN', 'bytes'], ['S_token', 't0k'], ['GREETING', 'a=override b=2 $(NOPE)']]);
});

test('containerEnv() reads fieldRef and resourceFieldRef values', async () => {
  const c: Container = {
    name: 'c',
    resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
    env: [
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Gi' } } },
      { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
    ],
  };
  const env = Object.fromEntries(await containerEnv(pod(c), c, resources, ctx));
  assert.deepEqual(env, { NODE: 'n1', TIER: 'web', IP: '10.244.1.9', CPU: '1', CPU_M: '500', MEM_LIMIT: '8', MEM_REQ: '64' });
});

test('containerEnv() fails with kubelet messages for missing ConfigMaps, Secrets and keys unless optional', async () => {
  const run = (env: Container['env']): Promise<unknown> => containerEnv(pod({ name: 'c', env }), { name: 'c', env }, resources, ctx);
  await assert.rejects(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }]), (e: unknown) => e instanceof ContainerConfigError && e.message === 'configmap "gone" not found');
  await assert.rejects(run([{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'nope' } } }]), { message: "couldn't find key nope in Secret ns/sec" });
  const env = (await run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k', optional: true } } }])) as Map<string, string>;
  assert.equal(env.has('X'), false);
});
