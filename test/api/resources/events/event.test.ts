import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventV1 } from '../../../../src/api/resources/events/event.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(fields: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    reportingController: 'wharf.dev/scheduler',
    reportingInstance: 'scheduler-1',
    action: 'Binding',
    reason: 'Scheduled',
    type: 'Normal',
    note: 'Successfully assigned default/web to node-1 ',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1' },
    ...fields,
  };
}

test('validate() accepts a complete event', () => {
  assert.deepEqual(eventV1.strategy.validate!(make()), []);
});

test('validate() names core fields in its errors, as Kubernetes does', () => {
  const errs = eventV1.strategy.validate!(
    make({ action: '', type: 'Odd', deprecatedCount: 3, note: 'x'.repeat(1025), series: { count: 1 } }),
  );
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['action', ''],
      ['message', 'can have at most 1024 characters'],
      ['series.count', 'should be at least 2'],
      ['series.lastObservedTime', ''],
      ['type', 'has invalid value: Odd'],
      ['count', 'needs to be unset'],
    ],
  );
  const noTime = eventV1.strategy.validate!(make({ eventTime: undefined }));
  assert.deepEqual(noTime.map((e) => e.field), ['eventTime']);
});

test('validateUpdate() keeps the event immutable except metadata and series', () => {
  const old = make();
  assert.deepEqual(eventV1.strategy.validateUpdate!(make({ series: { count: 2, lastObservedTime: '2024-01-01T00:01:00Z' } }), old), []);
  const errs = eventV1.strategy.validateUpdate!(make({ note: 'changed', regarding: { kind: 'Pod', name: 'other' } }), old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [
    ['involvedObject', 'field is immutable'],
    ['message', 'field is immutable'],
  ]);
});

test('printer columns follow the core event table', () => {
  const o = make({ series: { count: 4, lastObservedTime: '2024-01-01T00:09:00Z' } });
  const now = Date.parse('2024-01-01T00:10:00Z');
  assert.deepEqual(
    eventV1.printerColumns.map((c) => [c.name, c.priority, c.cell(o, now)]),
    [
      ['Last Seen', 0, '60s'],
      ['Type', 0, 'Normal'],
      ['Reason', 0, 'Scheduled'],
      ['Object', 0, 'pod/web'],
      ['Subobject', 1, ''],
      ['Source', 1, 'wharf.dev/scheduler, scheduler-1'],
      ['Message', 0, 'Successfully assigned default/web to node-1'],
      ['First Seen', 1, '10m'],
      ['Count', 1, 4],
    ],
  );
  assert.equal(eventV1.printerColumns[8].cell(make(), now), 1);
});

test('printer columns read the deprecated fields where the core table reads their core names', () => {
  const o = make({
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: '2024-01-01T00:05:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:08:00Z',
    deprecatedCount: 3,
    regarding: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' },
  });
  const now = Date.parse('2024-01-01T00:10:00Z');
  const cells = Object.fromEntries(eventV1.printerColumns.map((c) => [c.name, c.cell(o, now)]));
  assert.deepEqual(
    [cells['Last Seen'], cells['First Seen'], cells['Count'], cells['Source'], cells['Subobject']],
    ['2m', '5m', 3, 'kubelet, node-1', 'spec.containers{app}'],
  );
});

test('field selectors use the events.k8s.io names', () => {
  const o = make();
  assert.equal(eventV1.selectableFields['regarding.name'](o), 'web');
  assert.equal(eventV1.selectableFields['reportingController'](o), 'wharf.dev/scheduler');
  assert.equal(eventV1.selectableFields['source'](o), 'wharf.dev/scheduler');
  assert.equal(eventV1.selectableFields['type'](o), 'Normal');
});
