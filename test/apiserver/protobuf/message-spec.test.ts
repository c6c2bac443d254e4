import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageSpec, parseField } from '../../../src/apiserver/protobuf/message-spec.js';
import { messageTable } from '../../../src/apiserver/protobuf/messages.js';

test('the notation: names, omitempty, repeated, maps and inlined structs', () => {
  assert.deepEqual(parseField('name?=1:string'), { number: 1, name: 'name', type: { kind: 'string' }, cardinality: 'single', omitZero: true });
  assert.deepEqual(parseField('finalizers=14:[]string'), { number: 14, name: 'finalizers', type: { kind: 'string' }, cardinality: 'repeated', omitZero: false });
  assert.deepEqual(parseField('limits=1:{quantity}'), { number: 1, name: 'limits', type: { kind: 'quantity' }, cardinality: 'map', omitZero: false });
  assert.deepEqual(parseField('...2:core.VolumeSource'), { number: 2, type: { kind: 'message', message: 'core.VolumeSource' }, cardinality: 'single', omitZero: false });
  for (const bad of ['x=1:float', 'x=:string', 'x=1:{string', '...1:string', '...1:[]core.A']) assert.throws(() => parseField(bad), Error, bad);
});

test('every message in the table compiles and refers only to messages the table has', () => {
  for (const name of Object.keys(messageTable)) {
    const spec = messageSpec(name);
    assert.ok(spec, name);
    for (const field of spec.fields.values()) {
      if (field.type.kind === 'message') assert.ok(messageSpec(field.type.message), `${name}#${field.number} -> ${field.type.message}`);
    }
  }
  assert.equal(messageSpec('core.Nope'), undefined);
  assert.equal(messageSpec('constructor'), undefined);
});

test('spot checks against the upstream field numbers', () => {
  const field = (message: string, n: number) => messageSpec(message)?.fields.get(n);
  assert.equal(field('meta.ObjectMeta', 8)?.name, 'creationTimestamp');
  assert.equal(field('meta.ObjectMeta', 17)?.name, 'managedFields');
  assert.equal(field('core.Secret', 2)?.type.kind, 'bytes');
  assert.equal(field('core.PodSpec', 2)?.name, 'containers');
  assert.equal(field('apps.RollingUpdateDeployment', 2)?.name, 'maxSurge');
  assert.equal(field('policy.Eviction', 2)?.name, 'deleteOptions');
  assert.equal(field('core.Volume', 2)?.name, undefined);
  assert.equal(field('authentication.BoundObjectReference', 4)?.name, 'uid');
  assert.equal(field('rbac.PolicyRule', 5)?.name, 'nonResourceURLs');
  assert.equal(field('rbac.Subject', 2)?.omitZero, true);
  assert.equal(field('authorization.SubjectAccessReviewStatus', 4)?.name, 'denied');
  assert.equal(field('authorization.ResourceAttributes', 9)?.name, 'labelSelector');
  assert.equal(field('core.LimitRangeItem', 6)?.name, 'maxLimitRequestRatio');
});
