import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { event } from '../../../../src/api/resources/core/event.js';

function ev(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: ' Successfully pulled image ',
    type: 'Normal',
    source: { component: 'kubelet', host: 'worker-1' },
    firstTimestamp: '2024-01-01T00:00:00Z',
    lastTimestamp: '2024-01-01T00:04:00Z',
    count: 3,
    ...extra,
  };
}

test('a legacy event passes when its namespace matches the involved object', () => {
  assert.deepEqual(event.strategy.validate!(ev()), []);
  const errs = event.strategy.validate!(ev({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'web' } }));
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['involvedObject.namespace', 'does not match event.namespace']]);
});

test('a new-style event needs reporting controller, instance, action and reason', () => {
  const errs = event.strategy.validate!(ev({ eventTime: '2024-01-01T00:00:00.000000Z', reason: '' }));
  assert.deepEqual(errs.map((e) => e.field), ['reportingController', 'reportingController', 'reportingInstance', 'action', 'reason']);
});

test('event cells', () => {
  const now = Date.parse('2024-01-01T00:05:00Z');
  const cells = Object.fromEntries(event.printerColumns.map((c) => [c.name, c.cell(ev(), now)]));
  assert.deepEqual(cells, {
    'Last Seen': '60s',
    Type: 'Normal',
    Reason: 'Pulled',
    Object: 'pod/web',
    Subobject: 'spec.containers{web}',
    Source: 'kubelet, worker-1',
    Message: 'Successfully pulled image',
    'First Seen': '5m',
    Count: 3,
  });
  const single = ev({ count: undefined, lastTimestamp: undefined });
  assert.equal(event.printerColumns.find((c) => c.name === 'Count')!.cell(single, now), 1);
  assert.equal(event.printerColumns[0].cell(single, now), '5m');
});

test('event field selectors', () => {
  const f = event.selectableFields;
  const e = ev({ reportingComponent: 'kubelet' });
  assert.equal(f['involvedObject.kind'](e), 'Pod');
  assert.equal(f['involvedObject.name'](e), 'web');
  assert.equal(f['involvedObject.uid'](e), 'u1');
  assert.equal(f['involvedObject.fieldPath'](e), 'spec.containers{web}');
  assert.equal(f.reason(e), 'Pulled');
  assert.equal(f.source(e), 'kubelet');
  assert.equal(f.reportingComponent(e), 'kubelet');
  assert.equal(f.type(e), 'Normal');
});
