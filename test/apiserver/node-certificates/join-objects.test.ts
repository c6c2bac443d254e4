import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caOfClusterInfo, clusterInfoConfigMap, joinRbacObjects } from '../../../src/apiserver/node-certificates/join-objects.js';
import { NODE_CERTIFICATE_PATH } from '../../../src/apiserver/node-certificates/node-certificate-endpoint.js';
import { parse } from 'yaml';

test('clusterInfoConfigMap() holds a credential-free kubeconfig whose CA caOfClusterInfo() reads back', () => {
  const cm = clusterInfoConfigMap('https://10.0.0.1:6443', '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
  assert.deepEqual(cm.metadata, { namespace: 'kube-public', name: 'cluster-info' });
  const kubeconfig = parse((cm.data as { kubeconfig: string }).kubeconfig);
  assert.equal(kubeconfig.clusters[0].cluster.server, 'https://10.0.0.1:6443');
  assert.deepEqual(kubeconfig.users, []);
  assert.equal(caOfClusterInfo(cm), '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
  assert.throws(() => caOfClusterInfo({ ...cm, data: {} }), /no certificate-authority-data/);
});

test('joinRbacObjects() lets anonymous read cluster-info only, and bootstrappers and nodes post to the node certificate path', () => {
  const objs = joinRbacObjects();
  const role = objs.find((o) => o.kind === 'Role')!;
  assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] }]);
  const rb = objs.find((o) => o.kind === 'RoleBinding')!;
  assert.deepEqual((rb.subjects as { name: string }[]).map((s) => s.name), ['system:anonymous']);
  const cr = objs.find((o) => o.kind === 'ClusterRole')!;
  assert.deepEqual((cr.rules as { nonResourceURLs: string[] }[])[0].nonResourceURLs, [NODE_CERTIFICATE_PATH]);
  const crb = objs.find((o) => o.kind === 'ClusterRoleBinding')!;
  assert.deepEqual((crb.subjects as { name: string }[]).map((s) => s.name), ['system:bootstrappers', 'system:nodes']);
});
