import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageColumn, containersColumn, humanDuration, imagesColumn, printBool, timestampSince } from '../../../src/api/validation/workload-columns.js';
import type { KubeObject } from '../../../src/api/object.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration() is the shared formatter', () => {
  assert.equal(humanDuration(3 * m + 12 * s), '3m12s');
  assert.equal(humanDuration(2 * d + 3 * h), '2d3h');
});

test('timestampSince() gives <unknown> without a timestamp', () => {
  assert.equal(timestampSince(undefined, 0), '<unknown>');
  assert.equal(timestampSince('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:00:42Z')), '42s');
});

test('container columns join names and images', () => {
  const obj: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { template: { spec: { containers: [{ name: 'a', image: 'ia' }, { name: 'b', image: 'ib' }] } } },
  };
  assert.equal(containersColumn().cell(obj, 0), 'a,b');
  assert.equal(imagesColumn().cell(obj, 0), 'ia,ib');
  assert.equal(ageColumn.cell(obj, Date.parse('2024-01-03T03:00:00Z')), '2d3h');
  assert.equal(containersColumn().priority, 1);
});

test('printBool() prints True, False and <unset>', () => {
  assert.equal(printBool(true), 'True');
  assert.equal(printBool(false), 'False');
  assert.equal(printBool(undefined), '<unset>');
});
