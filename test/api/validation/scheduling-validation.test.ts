import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from '../../../src/api/errors.js';
import { validateAffinity, validateNodeSelector, validateTolerations, validateTopologySpreadConstraints } from '../../../src/api/validation/scheduling-validation.js';

function only(errs: FieldError[], path: string): FieldError {
  const found = errs.filter((e) => e.field === path);
  assert.equal(found.length, 1, `expected one error at ${path}, got ${JSON.stringify(errs)}`);
  return found[0];
}

test('validateAffinity() accepts well-formed node and pod affinity', () => {
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } }],
    },
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }],
    },
  };
  assert.deepEqual(validateAffinity(affinity, 'spec.affinity'), []);
});

test('validateNodeSelector() requires at least one term', () => {
  const e = only(validateNodeSelector({ nodeSelectorTerms: [] }, 'p'), 'p.nodeSelectorTerms');
  assert.equal(e.type, 'FieldValueRequired');
  assert.equal(e.detail, 'must have at least one node selector term');
});

test('validateAffinity() checks node selector operators and values', () => {
  const p = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions';
  const errs = validateAffinity(
    {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'a', operator: 'In', values: [] },
                { key: 'b', operator: 'Exists', values: ['x'] },
                { key: 'c', operator: 'Gt', values: ['1', '2'] },
                { key: 'd', operator: 'Near' },
              ],
            },
          ],
        },
      },
    },
    'spec.affinity',
  );
  assert.equal(only(errs, `${p}[0].values`).detail, "must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(only(errs, `${p}[1].values`).type, 'FieldValueForbidden');
  assert.equal(only(errs, `${p}[2].values`).detail, "must be specified single value when `operator` is 'Lt' or 'Gt'");
  assert.equal(only(errs, `${p}[3].operator`).detail, 'not a valid selector operator');
});

test('validateAffinity() requires a topologyKey and checks weights', () => {
  const errs = validateAffinity(
    {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn' }] } }],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'zone' } }],
      },
    },
    'spec.affinity',
  );
  const req = 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]';
  const tk = errs.filter((e) => e.field === `${req}.topologyKey`);
  assert.equal(tk[0].type, 'FieldValueRequired');
  assert.equal(tk[0].detail, 'can not be empty');
  assert.equal(only(errs, `${req}.labelSelector.matchExpressions[0].values`).type, 'FieldValueRequired');
  const w = only(errs, 'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight');
  assert.equal(w.detail, 'must be in the range 1-100');
});

test('validateTolerations() enforces operator and effect rules', () => {
  const errs = validateTolerations(
    [
      { operator: 'Equal', value: 'x' },
      { key: 'k', operator: 'Exists', value: 'v' },
      { key: 'k', operator: 'Maybe' },
      { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule', tolerationSeconds: 5 },
      { key: 'k', effect: 'Sometimes' },
    ],
    'spec.tolerations',
  );
  assert.match(only(errs, 'spec.tolerations[0].operator').detail, /operator must be Exists when `key` is empty/);
  assert.equal(only(errs, 'spec.tolerations[1].operator').detail, "value must be empty when `operator` is 'Exists'");
  assert.equal(only(errs, 'spec.tolerations[2].operator').detail, 'supported values: "Equal", "Exists"');
  assert.equal(only(errs, 'spec.tolerations[3].effect').detail, "effect must be 'NoExecute' when `tolerationSeconds` is set");
  assert.equal(only(errs, 'spec.tolerations[4].effect').type, 'FieldValueNotSupported');
});

test('validateTolerations() accepts the usual tolerations', () => {
  assert.deepEqual(
    validateTolerations(
      [
        { operator: 'Exists' },
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      ],
      'spec.tolerations',
    ),
    [],
  );
});

test('validateTopologySpreadConstraints() checks maxSkew, topologyKey, whenUnsatisfiable and duplicates', () => {
  const p = 'spec.topologySpreadConstraints';
  const errs = validateTopologySpreadConstraints(
    [
      { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      { maxSkew: 1, topologyKey: '', whenUnsatisfiable: 'Whatever' },
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      { maxSkew: 1, topologyKey: 'host', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 },
    ],
    p,
  );
  assert.equal(only(errs, `${p}[0].maxSkew`).detail, 'must be greater than zero');
  assert.equal(only(errs, `${p}[1].topologyKey`).detail, 'can not be empty');
  assert.equal(only(errs, `${p}[1].whenUnsatisfiable`).detail, 'supported values: "DoNotSchedule", "ScheduleAnyway"');
  const dup = only(errs, `${p}[0].{topologyKey, whenUnsatisfiable}`);
  assert.equal(dup.value, '{zone, DoNotSchedule}');
  assert.equal(only(errs, `${p}[3].minDomains`).detail, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway');
});
