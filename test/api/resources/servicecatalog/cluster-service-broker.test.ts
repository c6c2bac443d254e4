import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { invalid } from '../../../../src/api/errors.js';
import { clusterServiceBroker } from '../../../../src/api/resources/servicecatalog/cluster-service-broker.js';
import { serviceBroker } from '../../../../src/api/resources/servicecatalog/service-broker.js';

const make = (spec: Record<string, unknown>, namespace?: string): KubeObject => ({
  apiVersion: 'servicecatalog.k8s.io/v1beta1',
  kind: namespace ? 'ServiceBroker' : 'ClusterServiceBroker',
  metadata: { name: 'b', ...(namespace ? { namespace } : {}), creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

function checked(obj: KubeObject, def = clusterServiceBroker): { field: string; detail: string }[] {
  def.strategy.default!(obj);
  return def.strategy.validate!(obj).map((e) => ({ field: e.field, detail: e.detail }));
}

test('brokers default to relisting every 15 minutes and accept a minimal spec', () => {
  const b = make({ url: 'https://broker.example.com' });
  assert.deepEqual(checked(b), []);
  assert.deepEqual(b.spec, { url: 'https://broker.example.com', relistBehavior: 'Duration', relistDuration: '15m0s', relistRequests: 0 });
  const manual = make({ url: 'http://b', relistBehavior: 'Manual' });
  assert.deepEqual(checked(manual), []);
  assert.equal((manual.spec as Record<string, unknown>).relistDuration, undefined);
});

test('broker validation names each bad field with a 422 cause', () => {
  const errs = checked(
    make({
      url: '',
      insecureSkipTLSVerify: true,
      caBundle: 'Zm9v',
      relistBehavior: 'Sometimes',
      relistDuration: '-1m',
      relistRequests: -1,
      authInfo: { basic: { secretRef: { name: 'auth' } } },
      catalogRestrictions: { serviceClass: ['color==blue'], servicePlan: ['spec.free = = true'] },
    }),
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    [
      'spec.url',
      'spec.caBundle',
      'spec.relistBehavior',
      'spec.relistRequests',
      'spec.relistDuration',
      'spec.authInfo.basic.secretRef.namespace',
      'spec.catalogRestrictions.serviceClass[0]',
      'spec.catalogRestrictions.servicePlan[0]',
    ],
  );
  assert.equal(errs[0].detail, 'brokers must have a remote url to contact');
  assert.equal(errs[1].detail, 'caBundle cannot be used when insecureSkipTLSVerify is true');
  assert.equal(errs[6].detail, 'Invalid property: color');
  const status = invalid('ClusterServiceBroker', 'servicecatalog.k8s.io', 'b', clusterServiceBroker.strategy.validate!(make({ url: '', relistBehavior: 'Manual' }))).status;
  assert.equal(status.code, 422);
  assert.deepEqual(status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value: brokers must have a remote url to contact', field: 'spec.url' }]);
});

test('auth is one of basic or bearer; a namespaced broker names a Secret of its own namespace', () => {
  assert.deepEqual(checked(make({ url: 'http://b', authInfo: {} })).map((e) => e.field), ['spec.authInfo']);
  assert.deepEqual(
    checked(make({ url: 'http://b', authInfo: { basic: { secretRef: { namespace: 'x', name: 'a' } }, bearer: { secretRef: { namespace: 'x', name: 'a' } } } })).map((e) => e.detail),
    ['only one of basic or bearer may be specified'],
  );
  assert.deepEqual(checked(make({ url: 'http://b', authInfo: { bearer: { secretRef: { name: 'tok' } } } }, 'team'), serviceBroker), []);
});

test('relistRequests may only grow, and brokers print URL, STATUS and AGE', () => {
  const old = make({ url: 'http://b', relistRequests: 3 });
  assert.deepEqual(clusterServiceBroker.strategy.validateUpdate!(make({ url: 'http://b', relistRequests: 2 }), old).map((e) => e.detail), ['RelistRequests must be strictly increasing']);
  assert.deepEqual(clusterServiceBroker.strategy.validateUpdate!(make({ url: 'http://b', relistRequests: 4 }), old), []);
  const b = { ...make({ url: 'http://b' }), status: { lastConditionState: 'Ready' } };
  assert.deepEqual(
    clusterServiceBroker.printerColumns.map((c) => [c.name, c.cell(b, Date.parse('2024-01-01T00:01:00Z'))]),
    [
      ['URL', 'http://b'],
      ['Status', 'Ready'],
      ['Age', '60s'],
    ],
  );
  assert.equal(clusterServiceBroker.namespaced, false);
  assert.equal(serviceBroker.namespaced, true);
  assert.deepEqual(clusterServiceBroker.categories, ['all', 'svcat']);
  assert.equal(clusterServiceBroker.subresources.status, true);
});
