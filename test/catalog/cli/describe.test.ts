import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBinding, describeInstance, statusLine } from '../../../src/catalog/cli/describe.js';

const t = '2026-11-27T02:00:00Z';

test('statusLine() prefers a Failed condition, else the Ready one', () => {
  assert.equal(statusLine(undefined), 'Pending');
  assert.equal(
    statusLine({ conditions: [{ type: 'Ready', status: 'True', reason: 'ProvisionedSuccessfully', message: 'done', lastTransitionTime: t }] }),
    `Ready - done @ ${t}`,
  );
  assert.equal(
    statusLine({
      lastConditionState: 'ProvisionCallFailed',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ProvisionCallFailed', message: 'no', lastTransitionTime: t },
        { type: 'Failed', status: 'True', reason: 'ProvisionCallFailed', message: 'bad parameters', lastTransitionTime: t },
      ],
    }),
    `Failed - bad parameters @ ${t}`,
  );
});

test('describeInstance() shows the retry fields and says when there are no parameters or bindings', () => {
  const text = describeInstance(
    {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceInstance',
      metadata: { name: 'db', namespace: 'default' },
      spec: { clusterServiceClassExternalName: 'postgresql', clusterServicePlanExternalName: 'standard' },
      status: { lastConditionState: 'ErrorFetchingCatalog', lastError: { reason: 'ProvisionCallFailed', message: 'broker answered 503', time: t }, nextRetryTime: t },
    },
    [],
  );
  assert.match(text, /^Plan:\s+standard$/m);
  assert.match(text, /^Last Error:\s+ProvisionCallFailed: broker answered 503 @ /m);
  assert.match(text, /^Next Retry:\s+2026/m);
  assert.match(text, /Parameters:\n {2}No parameters defined/);
  assert.match(text, /Bindings:\n {2}No bindings defined/);
});

test('describeBinding() lists Secret keys with sizes, never values', () => {
  const text = describeBinding(
    { apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ServiceBinding', metadata: { name: 'b', namespace: 'default' }, spec: { instanceRef: { name: 'db' } } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b' }, data: { password: Buffer.from('hunter2').toString('base64') } },
  );
  assert.match(text, /^Secret:\s+b$/m);
  assert.match(text, /^ {2}password\s+7 bytes$/m);
  assert.doesNotMatch(text, /hunter2/);
});

test('describeInstance() shows the maintenance version or the upgrade on offer; describeBinding() a rotation', () => {
  const upToDate = describeInstance(
    {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceInstance',
      metadata: { name: 'db', namespace: 'default', annotations: { 'servicecatalog.wharf.dev/maintenance-version': '1.1.0' } },
      spec: { clusterServiceClassExternalName: 'example-db', clusterServicePlanExternalName: 'large' },
    },
    [],
  );
  assert.match(upToDate, /^Maintenance:\s+1\.1\.0 \(up to date\)$/m);
  const offered = describeInstance(
    {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceInstance',
      metadata: { name: 'db', namespace: 'default', annotations: { 'servicecatalog.wharf.dev/maintenance-version': '1.1.0' } },
      spec: { clusterServiceClassExternalName: 'example-db', clusterServicePlanExternalName: 'large' },
      status: { conditions: [{ type: 'MaintenanceAvailable', status: 'True', reason: 'MaintenanceAvailable', message: 'The plan offers 1.2.0', lastTransitionTime: t }] },
    },
    [],
  );
  assert.match(offered, /^Maintenance:\s+The plan offers 1\.2\.0$/m);
  const rotating = describeBinding(
    {
      apiVersion: 'servicecatalog.k8s.io/v1beta1',
      kind: 'ServiceBinding',
      metadata: { name: 'b', namespace: 'default', annotations: { 'servicecatalog.wharf.dev/rotation': JSON.stringify({ bindingID: 'second', retiring: ['first'] }) } },
      spec: { instanceRef: { name: 'db' }, externalID: 'first' },
    },
    undefined,
  );
  assert.match(rotating, /^Broker Binding ID:\s+second$/m);
  assert.match(rotating, /^Rotation:\s+unbinding replaced first$/m);
});
