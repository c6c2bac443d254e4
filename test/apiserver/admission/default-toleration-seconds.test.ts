import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceRegistry, type KubeObject } from '../../../src/api/index.js';
import { admitDefaultTolerations } from '../../../src/apiserver/admission/default-toleration-seconds.js';

const registry = new ResourceRegistry();
const pods = registry.lookup('', 'v1', 'pods')!;
const deployments = registry.lookup('apps', 'v1', 'deployments')!;

function pod(tolerations?: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }], ...(tolerations ? { tolerations } : {}) } };
}

test('admitDefaultTolerations() gives a new pod five minutes on a not-ready or unreachable node', () => {
  const obj = pod();
  admitDefaultTolerations({ def: pods, operation: 'CREATE', obj, name: 'p', namespace: 'default' });
  assert.deepEqual((obj.spec as { tolerations: unknown[] }).tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});

test('admitDefaultTolerations() keeps a pod\'s own tolerations of those taints and adds only what is missing', () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
  const obj = pod([own]);
  admitDefaultTolerations({ def: pods, operation: 'CREATE', obj, name: 'p', namespace: 'default' });
  assert.deepEqual((obj.spec as { tolerations: unknown[] }).tolerations, [own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
  const all = pod([{ operator: 'Exists' }]);
  admitDefaultTolerations({ def: pods, operation: 'CREATE', obj: all, name: 'p', namespace: 'default' });
  assert.deepEqual((all.spec as { tolerations: unknown[] }).tolerations, [{ operator: 'Exists' }], 'a toleration of everything covers both');
});

test('admitDefaultTolerations() leaves updates and other kinds alone', () => {
  const updated = pod();
  admitDefaultTolerations({ def: pods, operation: 'UPDATE', obj: updated, old: pod(), name: 'p', namespace: 'default' });
  assert.equal((updated.spec as { tolerations?: unknown[] }).tolerations, undefined);
  const dep: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: {} };
  admitDefaultTolerations({ def: deployments, operation: 'CREATE', obj: dep, name: 'd', namespace: 'default' });
  assert.deepEqual(dep.spec, {});
});
