import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerRevision } from '../../../../src/api/resources/apps/controller-revision.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: 'web-7c9d8',
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }],
    },
    data: { spec: { template: { $patch: 'replace' } } },
    revision: 1,
    ...extra,
  };
}

test('validate() requires data and a non-negative revision', () => {
  assert.deepEqual(controllerRevision.strategy.validate!(make()), []);
  const errs = controllerRevision.strategy.validate!(make({ data: undefined, revision: -1 }));
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [
      ['FieldValueRequired', 'data'],
      ['FieldValueInvalid', 'revision'],
    ],
  );
});

test('validateUpdate() keeps data immutable but lets the revision number move', () => {
  assert.deepEqual(controllerRevision.strategy.validateUpdate!(make({ revision: 5 }), make()), []);
  const errs = controllerRevision.strategy.validateUpdate!(make({ data: { spec: {} } }), make());
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['data', 'field is immutable']]);
});

test('the Controller column names the owner as kubectl does, and <none> without one', () => {
  const column = controllerRevision.printerColumns!.find((c) => c.name === 'Controller')!;
  assert.equal(column.cell(make(), 0), 'statefulset.apps/web');
  assert.equal(column.cell(make({ metadata: { name: 'x', namespace: 'default' } }), 0), '<none>');
});
