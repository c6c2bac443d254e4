import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { claimName, claimsFor, ordinalOf, statefulPod, templateFromPod } from '../../../src/controllers/statefulset/stateful-pod.js';

const set: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'ns', uid: 'u' },
  spec: {
    serviceName: 'db-headless',
    selector: { matchLabels: { app: 'db' } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    volumeClaimTemplates: [{ metadata: { name: 'data', labels: { disk: 'ssd' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'pg' }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] } },
  },
};

test('statefulPod() gives a stable name, hostname, identity labels and claim volumes', () => {
  const template = (set.spec as { template: object }).template;
  const pod = statefulPod(set, template, 2, 'rev1');
  assert.equal(pod.metadata.name, 'db-2');
  assert.deepEqual(pod.metadata.labels, { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'rev1' });
  const spec = pod.spec as { hostname: string; subdomain: string; volumes: object[] };
  assert.equal(spec.hostname, 'db-2');
  assert.equal(spec.subdomain, 'db-headless');
  assert.deepEqual(spec.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-2' } }, { name: 'tmp', emptyDir: {} }], 'the claim replaces a template volume of its name');
  assert.equal(pod.metadata.ownerReferences?.[0].controller, true);
  assert.equal(ordinalOf(set, pod), 2);
  assert.equal(ordinalOf(set, { ...pod, metadata: { name: 'db-02' } }), undefined);
  assert.equal(ordinalOf(set, { ...pod, metadata: { name: 'dbx-1' } }), undefined);
  const back = templateFromPod(set, pod);
  assert.deepEqual(back.metadata?.labels, { app: 'db' });
  assert.deepEqual((back.spec as { volumes: object[] }).volumes, [{ name: 'tmp', emptyDir: {} }]);
});

test('claimsFor() names claims <template>-<set>-<ordinal>, labels them with the selector, and owns them when deleted with the set', () => {
  assert.equal(claimName(set, 'data', 0), 'data-db-0');
  const [claim] = claimsFor(set, 0);
  assert.equal(claim.metadata.name, 'data-db-0');
  assert.equal(claim.metadata.namespace, 'ns');
  assert.deepEqual(claim.metadata.labels, { app: 'db', disk: 'ssd' });
  assert.deepEqual(claim.spec, { accessModes: ['ReadWriteOnce'] });
  assert.equal(claim.metadata.ownerReferences?.[0].uid, 'u');
  const retained = claimsFor({ ...set, spec: { ...(set.spec as object), persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain' } } }, 0)[0];
  assert.equal(retained.metadata.ownerReferences, undefined);
});
