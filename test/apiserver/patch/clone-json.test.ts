import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneJson, setOwn } from '../../../src/apiserver/patch/clone-json.js';

test('cloneJson() copies deeply', () => {
  const v = { a: [1, { b: 'c' }], d: { e: null } };
  const c = cloneJson(v);
  assert.deepEqual(c, v);
  assert.notEqual(c.a, v.a);
  assert.notEqual(c.a[1], v.a[1]);
  assert.notEqual(c.d, v.d);
  assert.equal(cloneJson('s'), 's');
  assert.equal(cloneJson(null), null);
});

test('cloneJson() and setOwn() keep __proto__ an ordinary member', () => {
  const parsed = JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>;
  const c = cloneJson(parsed);
  assert.equal(Object.getPrototypeOf(c), Object.prototype);
  assert.deepEqual(Object.keys(c), ['__proto__']);
  const o: Record<string, unknown> = {};
  setOwn(o, '__proto__', { y: 2 });
  setOwn(o, 'k', 1);
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  assert.deepEqual(Object.keys(o), ['__proto__', 'k']);
});
