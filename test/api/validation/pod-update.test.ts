import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { validatePodUpdate } from '../../../src/api/validation/pod-update.js';

function pod(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'a', image: 'nginx:1' }], restartPolicy: 'Always', ...spec },
  };
}

test('validatePodUpdate() allows image changes', () => {
  assert.deepEqual(validatePodUpdate(pod({ containers: [{ name: 'a', image: 'nginx:2' }] }), pod()), []);
});

test('validatePodUpdate() forbids other spec changes with Kubernetes message', () => {
  const errs = validatePodUpdate(pod({ restartPolicy: 'Never' }), pod());
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec');
  assert.equal(errs[0].type, 'FieldValueForbidden');
  assert.ok(errs[0].detail.startsWith('pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
});

test('validatePodUpdate() forbids adding containers', () => {
  const errs = validatePodUpdate(pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }), pod());
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec.containers', 'pod updates may not add or remove containers']]);
});

test('validatePodUpdate() allows only shortening activeDeadlineSeconds', () => {
  assert.deepEqual(validatePodUpdate(pod({ activeDeadlineSeconds: 10 }), pod()), []);
  assert.deepEqual(validatePodUpdate(pod({ activeDeadlineSeconds: 5 }), pod({ activeDeadlineSeconds: 10 })), []);
  const longer = validatePodUpdate(pod({ activeDeadlineSeconds: 20 }), pod({ activeDeadlineSeconds: 10 }));
  assert.equal(longer[0].detail, 'must be less than or equal to previous value');
  const unset = validatePodUpdate(pod(), pod({ activeDeadlineSeconds: 10 }));
  assert.equal(unset[0].detail, 'must not update from a positive integer to nil value');
});

test('validatePodUpdate() allows added tolerations but not changed ones', () => {
  const t = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
  assert.deepEqual(validatePodUpdate(pod({ tolerations: [t, { key: 'x', operator: 'Exists' }] }), pod({ tolerations: [t] })), []);
  assert.deepEqual(validatePodUpdate(pod({ tolerations: [{ ...t, tolerationSeconds: 5 }] }), pod({ tolerations: [t] })), []);
  const changed = validatePodUpdate(pod({ tolerations: [{ ...t, key: 'other' }] }), pod({ tolerations: [t] }));
  assert.equal(changed[0].detail, 'existing toleration can not be modified except its tolerationSeconds');
});

test('validatePodUpdate() allows removing scheduling gates but not adding them', () => {
  assert.deepEqual(validatePodUpdate(pod(), pod({ schedulingGates: [{ name: 'g' }] })), []);
  const added = validatePodUpdate(pod({ schedulingGates: [{ name: 'g' }, { name: 'h' }] }), pod({ schedulingGates: [{ name: 'g' }] }));
  assert.equal(added[0].detail, "only deletion is allowed, but found new scheduling gate 'h'");
});

test('validatePodUpdate() lets a gated pod add nodeSelector entries only', () => {
  const gated = { schedulingGates: [{ name: 'g' }] };
  assert.deepEqual(validatePodUpdate(pod({ ...gated, nodeSelector: { a: '1', b: '2' } }), pod({ ...gated, nodeSelector: { a: '1' } })), []);
  const changed = validatePodUpdate(pod({ ...gated, nodeSelector: { a: '2' } }), pod({ ...gated, nodeSelector: { a: '1' } }));
  assert.equal(changed[0].detail, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)');
  // An ungated pod may not touch nodeSelector at all.
  assert.equal(validatePodUpdate(pod({ nodeSelector: { a: '1' } }), pod())[0].field, 'spec');
});

test('validatePodUpdate() forbids changing nodeName', () => {
  assert.equal(validatePodUpdate(pod({ nodeName: 'n2' }), pod({ nodeName: 'n1' }))[0].field, 'spec');
});
