import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tolerationTimeMs } from '../../../src/controllers/node-lifecycle/taint-eviction.js';

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };

test('tolerationTimeMs() is 0 for an untolerated taint, the least tolerationSeconds in use, or forever', () => {
  assert.equal(tolerationTimeMs([unreachable], []), 0);
  assert.equal(tolerationTimeMs([unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), 300_000);
  assert.equal(tolerationTimeMs([unreachable], [{ operator: 'Exists' }]), undefined);
  assert.equal(
    tolerationTimeMs([unreachable, notReady], [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 60 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 30 },
    ]),
    30_000,
  );
  assert.equal(tolerationTimeMs([unreachable, notReady], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }]), 0, 'one taint not tolerated');
  assert.equal(tolerationTimeMs([{ key: 'k', value: 'v', effect: 'NoExecute' }], [{ key: 'k', operator: 'Equal', value: 'w' }]), 0, 'wrong value');
  assert.equal(tolerationTimeMs([{ key: 'k', value: 'v', effect: 'NoExecute' }], [{ key: 'k', value: 'v', effect: 'NoSchedule' }]), 0, 'wrong effect');
  assert.equal(tolerationTimeMs([unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: -5 }]), 0);
});
