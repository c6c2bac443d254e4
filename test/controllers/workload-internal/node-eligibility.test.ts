import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { nodeSelectorTermMatches, podFitsNodeAffinity, tolerates, untoleratedTaints } from '../../../src/controllers/workload-internal/node-eligibility.js';

const node = (labels: Record<string, string>, taints: object[] = []): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels }, spec: { taints } });

test('tolerates() matches key, value, operator and effect as Kubernetes does', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  assert.equal(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, taint), true);
  assert.equal(tolerates({ key: 'k', value: 'v' }, taint), true, 'Equal by default');
  assert.equal(tolerates({ key: 'k', value: 'w' }, taint), false);
  assert.equal(tolerates({ key: 'k', operator: 'Exists' }, taint), true);
  assert.equal(tolerates({ operator: 'Exists' }, taint), true, 'empty key with Exists tolerates everything');
  assert.equal(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint), false);
  assert.deepEqual(untoleratedTaints(node({}, [taint, { key: 'p', effect: 'PreferNoSchedule' }]), [], ['NoSchedule', 'NoExecute']), [taint]);
});

test('podFitsNodeAffinity() applies nodeSelector and ORs required terms, each ANDing its requirements', () => {
  const n = node({ zone: 'a', size: '8' });
  assert.equal(podFitsNodeAffinity({ containers: [], nodeSelector: { zone: 'a' } }, n), true);
  assert.equal(podFitsNodeAffinity({ containers: [], nodeSelector: { zone: 'b' } }, n), false);
  const affinity = (terms: object[]) => ({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  assert.equal(podFitsNodeAffinity(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'size', operator: 'Gt', values: ['4'] }] }]), n), true);
  assert.equal(podFitsNodeAffinity(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gpu', operator: 'Exists' }] }]), n), false);
  assert.equal(podFitsNodeAffinity(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), n), true);
  assert.equal(nodeSelectorTermMatches({}, n), false, 'an empty term matches nothing');
  assert.equal(nodeSelectorTermMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }, { key: 'zone', operator: 'NotIn', values: ['b'] }] }, n), true);
});
