import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priorityClass, systemPriorityClasses } from '../../../../src/api/resources/scheduling/priority-class.js';
import type { KubeObject } from '../../../../src/api/object.js';
import { builtinResources } from '../../../../src/api/resources/index.js';

function make(name: string, fields: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name, creationTimestamp: '2024-01-01T00:00:00Z' }, ...fields };
  priorityClass.strategy.default!(o);
  return o;
}

const fieldsOf = (errs: { type: string; field: string }[]) => errs.map((e) => [e.type, e.field]);

test('priorityClass is cluster-scoped scheduling.k8s.io/v1 with short name pc and is a built-in resource', () => {
  assert.equal(priorityClass.group, 'scheduling.k8s.io');
  assert.equal(priorityClass.version, 'v1');
  assert.equal(priorityClass.plural, 'priorityclasses');
  assert.equal(priorityClass.namespaced, false);
  assert.deepEqual(priorityClass.shortNames, ['pc']);
  assert.ok(builtinResources.includes(priorityClass));
});

test('default() fills value 0 and preemptionPolicy PreemptLowerPriority', () => {
  const o = make('low');
  assert.equal(o.value, 0);
  assert.equal(o.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(make('x', { preemptionPolicy: 'Never' }).preemptionPolicy, 'Never');
});

test('validate() accepts user classes up to one billion and refuses more', () => {
  assert.deepEqual(priorityClass.strategy.validate!(make('high', { value: 1_000_000_000, globalDefault: true })), []);
  const errs = priorityClass.strategy.validate!(make('higher', { value: 1_000_000_001 }));
  assert.deepEqual(fieldsOf(errs), [['FieldValueForbidden', 'value']]);
  assert.equal(errs[0]!.detail, 'maximum allowed value of a user defined priority is 1000000000');
});

test('validate() refuses an unknown preemption policy and a value that is not a 32-bit integer', () => {
  assert.deepEqual(fieldsOf(priorityClass.strategy.validate!(make('a', { preemptionPolicy: 'Sometimes' }))), [['FieldValueNotSupported', 'preemptionPolicy']]);
  assert.deepEqual(fieldsOf(priorityClass.strategy.validate!(make('b', { value: 1.5 }))), [['FieldValueTypeInvalid', 'value']]);
  assert.deepEqual(fieldsOf(priorityClass.strategy.validate!(make('c', { value: 2 ** 31 }))), [['FieldValueTypeInvalid', 'value']]);
});

test('validate() reserves system- names for the built-in classes with their exact values', () => {
  for (const c of systemPriorityClasses()) {
    const o = structuredClone(c) as KubeObject;
    priorityClass.strategy.default!(o);
    assert.deepEqual(priorityClass.strategy.validate!(o), [], c.metadata.name);
  }
  const wrong = priorityClass.strategy.validate!(make('system-cluster-critical', { value: 5 }));
  assert.deepEqual(fieldsOf(wrong), [['FieldValueForbidden', 'metadata.name']]);
  assert.equal(
    wrong[0]!.detail,
    "priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000",
  );
  assert.match(priorityClass.strategy.validate!(make('system-mine', { value: 5 }))[0]!.detail!, /system-mine is not a known system priority class/);
  assert.match(
    priorityClass.strategy.validate!(make('system-node-critical', { value: 2000001000, globalDefault: true }))[0]!.detail!,
    /globalDefault of system-node-critical PriorityClass must be false/,
  );
});

test('systemPriorityClasses() lists system-node-critical 2000001000 and system-cluster-critical 2000000000', () => {
  assert.deepEqual(
    systemPriorityClasses().map((c) => [c.metadata.name, c.value, c.apiVersion, c.kind]),
    [
      ['system-node-critical', 2000001000, 'scheduling.k8s.io/v1', 'PriorityClass'],
      ['system-cluster-critical', 2000000000, 'scheduling.k8s.io/v1', 'PriorityClass'],
    ],
  );
});

test('validateUpdate() keeps value and preemptionPolicy, lets description and globalDefault change', () => {
  const old = make('p', { value: 10 });
  assert.deepEqual(priorityClass.strategy.validateUpdate!(make('p', { value: 10, description: 'new', globalDefault: true }), old), []);
  const errs = priorityClass.strategy.validateUpdate!(make('p', { value: 11, preemptionPolicy: 'Never' }), old);
  assert.deepEqual(fieldsOf(errs), [
    ['FieldValueForbidden', 'value'],
    ['FieldValueInvalid', 'preemptionPolicy'],
  ]);
  assert.equal(errs[0]!.detail, 'may not be changed in an update.');
});

test('printer columns are Value, Global-Default, Age, PreemptionPolicy', () => {
  assert.deepEqual(
    priorityClass.printerColumns.map((c) => [c.name, c.type]),
    [
      ['Value', 'integer'],
      ['Global-Default', 'boolean'],
      ['Age', 'string'],
      ['PreemptionPolicy', 'string'],
    ],
  );
  const o = make('p', { value: 7, globalDefault: true });
  assert.deepEqual(
    priorityClass.printerColumns.filter((c) => c.name !== 'Age').map((c) => c.cell(o, Date.parse('2024-01-02T00:00:00Z'))),
    [7, true, 'PreemptLowerPriority'],
  );
});
