import { test } from 'node:test';
import assert from 'node:assert/strict';
import { job, jobLabels } from '../../../../src/api/resources/batch/job.js';
import type { KubeObject } from '../../../../src/api/object.js';

const uid = '6f7e1f2a-0000-4000-8000-000000000001';

function make(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } },
      ...spec,
    },
  };
}

/** Runs a create's strategy steps in the apiserver's order. */
function created(spec?: Record<string, unknown>): KubeObject {
  const o = make(spec);
  job.strategy.prepare!(o, {});
  job.strategy.default!(o);
  return o;
}

test('prepare() on create generates the selector and pod labels from uid and name', () => {
  const o = created();
  const spec = o.spec as Record<string, any>;
  assert.deepEqual(spec.selector, { matchLabels: { [jobLabels.controllerUid]: uid } });
  assert.deepEqual(spec.template.metadata.labels, {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': uid,
    'batch.kubernetes.io/controller-uid': uid,
  });
  // The Job defaulter copies the template labels onto a Job without labels.
  assert.equal(o.metadata.labels?.['job-name'], 'pi');
});

test('prepare() leaves manual selectors and updates alone', () => {
  const manual = make({ manualSelector: true, selector: { matchLabels: { a: 'b' } } });
  job.strategy.prepare!(manual, {});
  assert.deepEqual((manual.spec as Record<string, any>).selector, { matchLabels: { a: 'b' } });
  const update = make();
  job.strategy.prepare!(update, { old: make() });
  assert.equal((update.spec as Record<string, any>).selector, undefined);
});

test('default() fills completions, parallelism, backoff, mode, suspend and manualSelector', () => {
  const spec = created().spec as Record<string, any>;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.manualSelector, false);
  assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
  const parallel = created({ parallelism: 3 }).spec as Record<string, any>;
  assert.equal(parallel.completions, undefined);
  assert.equal(parallel.parallelism, 3);
});

test('validate() accepts a created job', () => {
  assert.deepEqual(job.strategy.validate!(created()), []);
});

test('validate() wants OnFailure or Never', () => {
  const o = created({ template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } });
  const errs = job.strategy.validate!(o);
  const e = errs.find((x) => x.field === 'spec.template.spec.restartPolicy');
  assert.equal(e?.type, 'FieldValueRequired');
  assert.equal(e?.detail, 'valid values: "OnFailure", "Never"');
});

test('validate() rejects a generated selector that does not match the uid', () => {
  const o = created();
  (o.spec as Record<string, any>).selector.matchLabels[jobLabels.controllerUid] = 'other';
  const errs = job.strategy.validate!(o);
  assert.ok(errs.some((e) => e.field === 'spec.selector' && e.detail === '`selector` not auto-generated'));
});

test('validate() checks counts and Indexed completions', () => {
  const errs = job.strategy.validate!(created({ backoffLimit: -1, completionMode: 'Indexed', completions: undefined, parallelism: 2 }));
  assert.deepEqual(
    errs.map((e) => e.field),
    ['spec.backoffLimit', 'spec.completions'],
  );
});

test('validateUpdate() keeps the template, selector and completions immutable', () => {
  const old = created();
  const next = structuredClone(old);
  const spec = next.spec as Record<string, any>;
  spec.completions = 2;
  spec.template.spec.containers[0].image = 'perl:2';
  const errs = job.strategy.validateUpdate!(next, old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [
    ['spec.completions', 'field is immutable'],
    ['spec.template', 'field is immutable'],
  ]);
  const resumed = structuredClone(old);
  (resumed.spec as Record<string, any>).suspend = true;
  assert.deepEqual(job.strategy.validateUpdate!(resumed, old), []);
});

test('validateUpdate() lets a suspended, unstarted job change its node selector', () => {
  const old = created({ suspend: true });
  const next = structuredClone(old);
  (next.spec as Record<string, any>).template.spec.nodeSelector = { zone: 'a' };
  assert.deepEqual(job.strategy.validateUpdate!(next, old), []);
});

test('printer columns show status, completions, duration and age', () => {
  const o = created();
  o.status = {
    succeeded: 1,
    startTime: '2024-01-01T00:00:00Z',
    completionTime: '2024-01-01T00:00:42Z',
    conditions: [{ type: 'Complete', status: 'True' }],
  };
  const now = Date.parse('2024-01-01T00:10:00Z');
  assert.deepEqual(
    job.printerColumns.map((c) => [c.name, c.cell(o, now)]),
    [
      ['Status', 'Complete'],
      ['Completions', '1/1'],
      ['Duration', '42s'],
      ['Age', '10m'],
      ['Containers', 'pi'],
      ['Images', 'perl'],
      ['Selector', `batch.kubernetes.io/controller-uid=${uid}`],
    ],
  );
  const running = created({ completions: null, parallelism: 3 });
  running.status = { startTime: '2024-01-01T00:09:00Z' };
  assert.deepEqual(job.printerColumns.slice(0, 3).map((c) => c.cell(running, now)), ['Running', '0/1 of 3', '60s']);
  assert.equal(job.selectableFields['status.successful'](o), '1');
});
