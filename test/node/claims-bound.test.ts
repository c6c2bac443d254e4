import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { ResourceRegistry } from '../../src/api/index.js';
import { resourceFor } from '../../src/client/index.js';
import { waitForBoundClaims } from '../../src/node/claims-bound.js';
import { startApi } from '../client/fixtures.js';
import { simPod } from './fixtures.js';

const claims = resourceFor(new ResourceRegistry(), '', 'v1', 'persistentvolumeclaims');

function claim(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
}

test('waitForBoundClaims resolves only once every claim the pod mounts is Bound, and ends when aborted', async () => {
  const api = await startApi();
  try {
    const pod = simPod('db');
    (pod.spec as Record<string, unknown>).volumes = [
      { name: 'a', persistentVolumeClaim: { claimName: 'a' } },
      { name: 'scratch', emptyDir: {} },
      { name: 'b', persistentVolumeClaim: { claimName: 'b' } },
    ];
    await api.client.create(claims, claim('a'));
    let done = false;
    const waiting = waitForBoundClaims(api.client, claims, pod, new AbortController().signal).then(() => (done = true));
    const bindClaim = async (name: string) => {
      const c = await api.client.get(claims, name, { namespace: 'default' });
      await api.client.updateStatus(claims, { ...c, status: { phase: 'Bound' } });
    };
    await bindClaim('a');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(done, false, 'claim b does not exist yet');
    await api.client.create(claims, claim('b'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(done, false, 'claim b is Pending');
    await bindClaim('b');
    await waiting;
    assert.equal(done, true);

    const never = simPod('never');
    (never.spec as Record<string, unknown>).volumes = [{ name: 'x', persistentVolumeClaim: { claimName: 'missing' } }];
    const abort = new AbortController();
    const aborted = waitForBoundClaims(api.client, claims, never, abort.signal);
    setTimeout(() => abort.abort(), 200);
    await aborted;
  } finally {
    await api.close();
  }
});
