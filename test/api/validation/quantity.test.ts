import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantities, milliValue, parseMilli, parseQuantity, parseValue, value } from '../../../src/api/validation/quantity.js';

test('parseMilli() reads CPU quantities in millicores', () => {
  assert.equal(parseMilli('100m'), 100);
  assert.equal(parseMilli('1'), 1000);
  assert.equal(parseMilli('0.5'), 500);
  assert.equal(parseMilli('2e3'), 2_000_000);
  assert.equal(parseMilli(2), 2000);
});

test('parseValue() reads memory quantities in bytes', () => {
  assert.equal(parseValue('500Mi'), 500 * 1024 * 1024);
  assert.equal(parseValue('1.5Gi'), 1.5 * 1024 ** 3);
  assert.equal(parseValue('1k'), 1000);
  assert.equal(parseValue('128974848'), 128974848);
  assert.equal(parseValue('129e6'), 129_000_000);
});

test('value() and milliValue() round up as Kubernetes does', () => {
  assert.equal(value(parseQuantity('100m')!), 1);
  assert.equal(milliValue(parseQuantity('1n')!), 1);
});

test('parseQuantity() rejects what is not a quantity', () => {
  for (const bad of ['', 'abc', '1Gb', '1..2', '--1', '1 Gi', 'Mi']) assert.equal(parseQuantity(bad), undefined, bad);
});

test('parseQuantity() keeps negative values', () => {
  assert.equal(parseMilli('-1'), -1000);
});

test('canonicalQuantity() writes the largest whole suffix of the same family', () => {
  assert.equal(canonicalQuantity('1000m'), '1');
  assert.equal(canonicalQuantity('0.5'), '500m');
  assert.equal(canonicalQuantity('1024Mi'), '1Gi');
  assert.equal(canonicalQuantity('1.5Gi'), '1536Mi');
  assert.equal(canonicalQuantity('1500000'), '1500k');
  assert.equal(canonicalQuantity('2e3'), '2e3');
  assert.equal(canonicalQuantity('0'), '0');
  assert.equal(canonicalQuantity('100m'), '100m');
});

test('compareQuantities() orders across suffixes', () => {
  assert.equal(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1G')!), 1);
  assert.equal(compareQuantities(parseQuantity('1000m')!, parseQuantity('1')!), 0);
  assert.equal(compareQuantities(parseQuantity('100m')!, parseQuantity('0.2')!), -1);
});

test('parseQuantity() hands each caller its own object, even for a quantity it has seen before', () => {
  const first = parseQuantity('250m')!;
  first.nanos += 1n;
  const second = parseQuantity('250m')!;
  assert.equal(second.nanos, 250_000_000n);
  assert.notEqual(first, second);
  assert.equal(parseQuantity('1Gb'), undefined);
  assert.equal(parseQuantity('1Gb'), undefined, 'a string that is not a quantity stays refused the second time');
});

test('quantities longer than what is remembered, and many distinct ones, still parse and canonicalize', () => {
  const long = `${'0'.repeat(80)}1500000`;
  assert.equal(canonicalQuantity(long), '1500k');
  assert.equal(canonicalQuantity(long), '1500k');
  for (let i = 0; i < 10_000; i++) assert.equal(parseValue(`${i}Ki`), i * 1024);
  assert.equal(canonicalQuantity('2048Ki'), '2Mi');
  assert.equal(canonicalQuantity(1000), '1k');
});
