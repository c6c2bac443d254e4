import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { namespace } from '../../../../src/api/resources/core/namespace.js';

function created(name: string): KubeObject {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  namespace.strategy.prepare!(ns, {});
  namespace.strategy.default!(ns);
  return ns;
}

test('a new namespace is Active, finalized by kubernetes and labelled with its name', () => {
  const ns = created('team-a');
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], 'team-a');
  assert.deepEqual(namespace.strategy.validate!(ns), []);
});

test('namespace names must be DNS labels', () => {
  const errs = namespace.strategy.validate!(created('a.b'));
  assert.equal(errs[0].field, 'metadata.name');
  assert.match(errs[0].detail, /RFC 1123 label/);
});

test('spec.finalizers must be standard or qualified', () => {
  const ns = created('x');
  (ns.spec as { finalizers: string[] }).finalizers = ['custom'];
  const errs = namespace.strategy.validate!(ns);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec.finalizers', 'name is neither a standard finalizer name nor is it fully qualified']]);
});

test('a main-resource update keeps spec.finalizers', () => {
  const old = created('x');
  const next = structuredClone(old);
  next.spec = { finalizers: [] };
  namespace.strategy.prepare!(next, { old });
  assert.deepEqual(next.spec, { finalizers: ['kubernetes'] });
});

test('status.phase must agree with deletionTimestamp', () => {
  const ns = created('x');
  ns.status = { phase: 'Terminating' };
  assert.equal(namespace.strategy.validateUpdate!(ns, created('x'))[0].detail, "may only be 'Active' if `deletionTimestamp` is empty");
});

test('namespace table and field selectors', () => {
  const ns = created('x');
  assert.deepEqual(namespace.printerColumns.map((c) => c.name), ['Status', 'Age']);
  assert.equal(namespace.printerColumns[0].cell(ns, Date.now()), 'Active');
  assert.equal(namespace.selectableFields['status.phase'](ns), 'Active');
  assert.equal(namespace.selectableFields.name(ns), 'x');
});
