import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { serviceBinding } from '../../../../src/api/resources/servicecatalog/service-binding.js';

const make = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'servicecatalog.k8s.io/v1beta1',
  kind: 'ServiceBinding',
  metadata: { name: 'app', namespace: 'default' },
  spec,
});
const s = serviceBinding.strategy;

test('a binding writes to a Secret named after it unless told otherwise', () => {
  const b = make({ instanceRef: { name: 'db' } });
  s.default!(b);
  assert.equal((b.spec as Record<string, unknown>).secretName, 'app');
  assert.ok((b.spec as Record<string, unknown>).externalID);
  assert.deepEqual(s.validate!(b), []);
});

test('each secret transform sets exactly one operation with its fields', () => {
  const b = make({
    instanceRef: {},
    secretName: 'Not_A_Name',
    secretTransforms: [
      { renameKey: { from: 'a', to: 'b' } },
      { renameKey: { from: 'a' }, removeKey: { key: 'x' } },
      { addKey: { key: 'k' } },
      { addKey: { key: 'k', stringValue: '' } },
      { addKeysFrom: { secretRef: {} } },
      { removeKey: { key: '' } },
    ],
  });
  s.default!(b);
  assert.deepEqual(
    s.validate!(b).map((e) => e.field),
    [
      'spec.instanceRef.name',
      'spec.secretName',
      'spec.secretTransforms[1]',
      'spec.secretTransforms[2].addKey',
      'spec.secretTransforms[4].addKeysFrom.secretRef.name',
      'spec.secretTransforms[5].removeKey.key',
    ],
  );
});

test('what the broker was sent cannot change; transforms can', () => {
  const old = make({ instanceRef: { name: 'db' }, secretName: 'app', externalID: 'b-1', parameters: { ro: true } });
  const next = make({ instanceRef: { name: 'db' }, secretName: 'app', parameters: { ro: false }, secretTransforms: [{ removeKey: { key: 'x' } }] });
  s.prepare!(next, { old });
  assert.equal((next.spec as Record<string, unknown>).externalID, 'b-1');
  assert.deepEqual(s.validateUpdate!(next, old).map((e) => e.field), ['spec.parameters']);
  assert.deepEqual(serviceBinding.printerColumns.map((c) => c.name), ['Service-Instance', 'Secret-Name', 'Status', 'Age']);
});
