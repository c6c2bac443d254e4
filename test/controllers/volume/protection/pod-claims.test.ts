import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../../src/api/index.js';
import { byPodClaim, claimNamesOf, isPodShutDown, isPodTerminated, podUsesClaim } from '../../../../src/controllers/volume/protection/pod-claims.js';

function pod(extra: { nodeName?: string; phase?: string; deleting?: boolean; grace?: number; running?: boolean; namespace?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: extra.namespace ?? 'default',
      ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: extra.grace ?? 30 } : {}),
    },
    spec: {
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      containers: [{ name: 'c', image: 'i' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }, { name: 'tmp', emptyDir: {} }],
    },
    status: {
      ...(extra.phase ? { phase: extra.phase } : {}),
      ...(extra.running !== undefined ? { containerStatuses: [{ name: 'c', state: extra.running ? { running: {} } : { terminated: { exitCode: 0 } } }] } : {}),
    },
  };
}

const claim = (name: string, namespace = 'default') => ({ metadata: { name, namespace } });

test('claimNamesOf() lists claim volumes and the claims of ephemeral volumes', () => {
  assert.deepEqual(claimNamesOf(pod()), ['data', 'web-scratch']);
  assert.deepEqual(byPodClaim(pod()), ['default/data', 'default/web-scratch']);
});

test('isPodTerminated() is true for finished pods and deleted pods with no running container', () => {
  assert.equal(isPodTerminated(pod({ phase: 'Succeeded' })), true);
  assert.equal(isPodTerminated(pod({ phase: 'Failed' })), true);
  assert.equal(isPodTerminated(pod({ phase: 'Running', running: true })), false);
  assert.equal(isPodTerminated(pod({ phase: 'Running', running: true, deleting: true })), false);
  assert.equal(isPodTerminated(pod({ phase: 'Running', running: false, deleting: true })), true);
  assert.equal(isPodShutDown(pod({ deleting: true, grace: 0 })), true);
  assert.equal(isPodShutDown(pod({ deleting: true, grace: 30 })), false);
});

test('podUsesClaim() counts scheduled, unfinished pods of the claim\'s namespace that mount it', () => {
  assert.equal(podUsesClaim(pod({ nodeName: 'n1', phase: 'Running', running: true }), claim('data')), true);
  assert.equal(podUsesClaim(pod({ nodeName: 'n1' }), claim('web-scratch')), true);
  assert.equal(podUsesClaim(pod(), claim('data')), false, 'not scheduled');
  assert.equal(podUsesClaim(pod({ nodeName: 'n1', phase: 'Succeeded' }), claim('data')), false, 'finished');
  assert.equal(podUsesClaim(pod({ nodeName: 'n1', deleting: true, grace: 0, running: true }), claim('data')), false, 'shut down');
  assert.equal(podUsesClaim(pod({ nodeName: 'n1' }), claim('data', 'other')), false, 'another namespace');
  assert.equal(podUsesClaim(pod({ nodeName: 'n1' }), claim('logs')), false, 'another claim');
});
