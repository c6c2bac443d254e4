import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { NodeGraph } from '../../../src/apiserver/node-authz/node-graph.js';

function pod(name: string, node: string | undefined, spec: Record<string, unknown> = {}, uid = `uid-${name}`): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'c', image: 'i' }], ...spec } };
}

const secretVolume = (secretName: string) => ({ volumes: [{ name: 'v', secret: { secretName } }] });

test('NodeGraph.related() follows a bound pod to what it names, for its node only', () => {
  const g = new NodeGraph();
  g.setPod(pod('web', 'n1', {
    serviceAccountName: 'runner',
    imagePullSecrets: [{ name: 'pull' }],
    containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'env-cm' } }], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }] }],
    initContainers: [{ name: 'i', image: 'i', env: [{ name: 'Y', valueFrom: { configMapKeyRef: { name: 'init-cm', key: 'k' } } }] }],
    volumes: [
      { name: 's', secret: { secretName: 'vol-secret' } },
      { name: 'p', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] } },
      { name: 'd', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'x', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-secret' } } },
    ],
  }));
  for (const s of ['pull', 'env-secret', 'vol-secret', 'proj-secret', 'csi-secret']) {
    assert.equal(g.related('secret', 'ns', s, 'n1'), true, s);
    assert.equal(g.related('secret', 'ns', s, 'n2'), false, s);
    assert.equal(g.related('secret', 'other', s, 'n1'), false, s);
  }
  for (const c of ['env-cm', 'init-cm', 'proj-cm']) assert.equal(g.related('configmap', 'ns', c, 'n1'), true, c);
  assert.equal(g.related('configmap', 'ns', 'pull', 'n1'), false);
  assert.equal(g.related('persistentvolumeclaim', 'ns', 'data', 'n1'), true);
  assert.equal(g.related('persistentvolumeclaim', 'ns', 'web-e', 'n1'), true);
  assert.equal(g.related('serviceaccount', 'ns', 'runner', 'n1'), true);
  assert.equal(g.related('serviceaccount', 'ns', 'default', 'n1'), false);
  assert.equal(g.related('pod', 'ns', 'web', 'n1'), true);
  assert.equal(g.related('pod', 'ns', 'web', 'n2'), false);
});

test('NodeGraph leaves unbound pods out and forgets deleted pods, counting pods that share an object', () => {
  const g = new NodeGraph();
  g.setPod(pod('pending', undefined, secretVolume('shared')));
  assert.equal(g.podCount, 0);
  g.setPod(pod('a', 'n1', secretVolume('shared')));
  g.setPod(pod('b', 'n1', secretVolume('shared')));
  g.deletePod('ns', 'a');
  assert.equal(g.related('secret', 'ns', 'shared', 'n1'), true, 'b still names it');
  g.deletePod('ns', 'b');
  assert.equal(g.related('secret', 'ns', 'shared', 'n1'), false);
  g.deletePod('ns', 'b');
  assert.equal(g.podCount, 0);
});

test('NodeGraph.setPod() moves a pod recreated under the same name to its new node', () => {
  const g = new NodeGraph();
  g.setPod(pod('a', 'n1', secretVolume('s1')));
  g.setPod(pod('a', 'n1', secretVolume('s1')));
  g.setPod(pod('a', 'n2', secretVolume('s2'), 'uid-2'));
  assert.equal(g.related('secret', 'ns', 's1', 'n1'), false);
  assert.equal(g.related('secret', 'ns', 's2', 'n2'), true);
  assert.equal(g.podCount, 1);
});

test('NodeGraph reaches a volume through its bound claim, and the Secrets the volume names', () => {
  const g = new NodeGraph();
  const pv = (claim: string | undefined): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: { ...(claim ? { claimRef: { namespace: 'ns', name: claim } } : {}), csi: { driver: 'd', volumeHandle: 'h', nodePublishSecretRef: { name: 'pv-secret', namespace: 'storage' } } },
  });
  g.setVolume(pv('data'));
  assert.equal(g.related('persistentvolume', '', 'pv-1', 'n1'), false, 'no pod uses the claim yet');
  g.setPod(pod('db', 'n1', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }));
  assert.equal(g.related('persistentvolume', '', 'pv-1', 'n1'), true);
  assert.equal(g.related('persistentvolume', '', 'pv-1', 'n2'), false);
  assert.equal(g.related('secret', 'storage', 'pv-secret', 'n1'), true);
  assert.equal(g.related('secret', 'storage', 'pv-secret', 'n2'), false);
  g.setVolume(pv(undefined));
  assert.equal(g.related('persistentvolume', '', 'pv-1', 'n1'), false, 'released');
  g.deleteVolume('pv-1');
  assert.equal(g.related('secret', 'storage', 'pv-secret', 'n1'), false);
});
