import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { planMaintenance, planRotatable, rotationState, withAnnotations } from '../../src/catalog/wharf-annotations.js';

const obj = (annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x', ...(annotations ? { annotations } : {}) } });

test('withAnnotations() sets and removes, returns the same object when nothing changes, and drops an empty map', () => {
  const a = obj({ keep: '1' });
  assert.equal(withAnnotations(a, { keep: '1', gone: undefined }), a);
  const b = withAnnotations(a, { added: '2' });
  assert.deepEqual(b.metadata.annotations, { keep: '1', added: '2' });
  assert.deepEqual(a.metadata.annotations, { keep: '1' }, 'the input is not changed');
  const c = withAnnotations(a, { keep: undefined });
  assert.equal(c.metadata.annotations, undefined);
});

test('planMaintenance(), planRotatable() and rotationState() read what the controllers wrote, and ignore junk', () => {
  assert.deepEqual(planMaintenance(obj({ 'servicecatalog.wharf.dev/maintenance-info': '{"version":"1.2.0","description":"Engine"}' })), { version: '1.2.0', description: 'Engine' });
  assert.equal(planMaintenance(obj({ 'servicecatalog.wharf.dev/maintenance-info': '{"version":""}' })), undefined);
  assert.equal(planMaintenance(obj({ 'servicecatalog.wharf.dev/maintenance-info': 'nope' })), undefined);
  assert.equal(planMaintenance(obj()), undefined);
  assert.equal(planRotatable(obj({ 'servicecatalog.wharf.dev/binding-rotatable': 'true' })), true);
  assert.equal(planRotatable(obj()), false);
  assert.deepEqual(rotationState(obj({ 'servicecatalog.wharf.dev/rotation': '{"bindingID":"b2"}' })), { bindingID: 'b2' });
  assert.deepEqual(rotationState(obj({ 'servicecatalog.wharf.dev/rotation': '[1]' })), {});
});
