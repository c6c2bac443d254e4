import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeLabels, parseNodeTaints } from '../../src/node/node-flags.js';

test('parseNodeLabels() reads k=v lists', () => {
  assert.deepEqual(parseNodeLabels('a=1, b=two,c='), { a: '1', b: 'two', c: '' });
  assert.deepEqual(parseNodeLabels(''), {});
  assert.throws(() => parseNodeLabels('novalue'), RangeError);
});

test('parseNodeTaints() reads key[=value]:Effect lists', () => {
  assert.deepEqual(parseNodeTaints('dedicated=gpu:NoSchedule,spot:PreferNoSchedule'), [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'spot', effect: 'PreferNoSchedule' },
  ]);
  assert.throws(() => parseNodeTaints('k=v'), /Effect one of/);
  assert.throws(() => parseNodeTaints('k=v:Sometimes'), RangeError);
  assert.throws(() => parseNodeTaints('=v:NoExecute'), /key is empty/);
});
