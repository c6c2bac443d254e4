import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMemo } from '../../src/api/bounded-memo.js';

test('BoundedMemo computes each short key once, undefined results included', () => {
  const calls: string[] = [];
  const memo = new BoundedMemo<string | undefined>((k) => {
    calls.push(k);
    return k === 'none' ? undefined : k.toUpperCase();
  });
  assert.equal(memo.get('a'), 'A');
  assert.equal(memo.get('a'), 'A');
  assert.equal(memo.get('none'), undefined);
  assert.equal(memo.get('none'), undefined);
  assert.deepEqual(calls, ['a', 'none']);
});

test('BoundedMemo never keeps long keys and forgets everything once full', () => {
  const calls: string[] = [];
  const memo = new BoundedMemo<number>((k) => {
    calls.push(k);
    return k.length;
  }, 3, 5);
  memo.get('toolong');
  memo.get('toolong');
  assert.equal(calls.filter((k) => k === 'toolong').length, 2, 'a key over the length limit is computed every time');
  for (const k of ['a', 'b', 'c']) memo.get(k);
  memo.get('a');
  assert.equal(calls.filter((k) => k === 'a').length, 1, 'still remembered while the memo holds 3');
  memo.get('d'); // full: everything is forgotten, then d is kept
  memo.get('a');
  assert.equal(calls.filter((k) => k === 'a').length, 2, 'computed again after the memo was cleared');
});
