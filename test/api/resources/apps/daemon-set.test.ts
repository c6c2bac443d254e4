import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSet } from '../../../../src/api/resources/apps/daemon-set.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(spec: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image: 'agent:1' }], nodeSelector: { 'kubernetes.io/os': 'linux' } },
      },
      ...spec,
    },
  };
  daemonSet.strategy.default!(o);
  return o;
}

test('default() sets RollingUpdate with maxUnavailable 1 and maxSurge 0, and history 10', () => {
  const spec = make().spec as Record<string, any>;
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
});

test('validate() accepts a valid daemonset', () => {
  assert.deepEqual(daemonSet.strategy.validate!(make()), []);
});

test('validate() checks maxSurge against maxUnavailable and empty selectors', () => {
  const both = daemonSet.strategy.validate!(make({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }));
  assert.deepEqual(both.map((e) => [e.field, e.detail]), [['spec.updateStrategy.rollingUpdate.maxSurge', 'may not be set when maxUnavailable is non-zero']]);
  const none = daemonSet.strategy.validate!(make({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }));
  assert.deepEqual(none.map((e) => [e.type, e.field]), [['FieldValueRequired', 'spec.updateStrategy.rollingUpdate.maxUnavailable']]);
  const empty = daemonSet.strategy.validate!(make({ selector: {} }));
  assert.equal(empty[0].detail, 'empty selector is invalid for daemonset');
});

test('validateUpdate() makes the selector immutable', () => {
  const errs = daemonSet.strategy.validateUpdate!(make({ selector: { matchLabels: { app: 'x' } } }), make());
  assert.deepEqual(errs.map((e) => e.field), ['spec.selector']);
});

test('printer columns include the node selector', () => {
  const o = make();
  o.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(
    daemonSet.printerColumns.map((c) => c.cell(o, Date.parse('2024-01-01T00:00:30Z'))),
    [3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '30s', 'agent', 'agent:1', 'app=agent'],
  );
  assert.equal(daemonSet.printerColumns[5].name, 'Node Selector');
});
