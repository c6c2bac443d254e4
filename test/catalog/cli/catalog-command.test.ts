import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { buildParameters, parseParam, parseSecretKey, registerCatalogCommand } from '../../../src/catalog/cli/catalog-command.js';

test('parseParam() reads JSON values and keeps anything else a string', () => {
  assert.deepEqual(parseParam('connectionLimit=5'), ['connectionLimit', 5]);
  assert.deepEqual(parseParam('extensions=["pgcrypto"]'), ['extensions', ['pgcrypto']]);
  assert.deepEqual(parseParam('label=a=b'), ['label', 'a=b']);
  assert.throws(() => parseParam('novalue'), /key=value/);
});

test('parseSecretKey() reads secret[key]', () => {
  assert.deepEqual(parseSecretKey('creds[params]'), { name: 'creds', key: 'params' });
  assert.throws(() => parseSecretKey('creds'), /secret\[key\]/);
});

test('buildParameters() merges --params-json and --param, the latter winning', () => {
  assert.deepEqual(buildParameters({ paramsJson: '{"a":1,"b":2}', param: ['b=3'], secret: [] }), { a: 1, b: 3 });
  assert.throws(() => buildParameters({ paramsJson: '[1]', param: [], secret: [] }), /must be a JSON object/);
  assert.throws(() => buildParameters({ paramsJson: '{', param: [], secret: [] }), /not valid JSON/);
});

test('registerCatalogCommand() adds the svcat verbs', () => {
  const program = new Command('wharf');
  registerCatalogCommand(program);
  const catalog = program.commands.find((c) => c.name() === 'catalog');
  assert.deepEqual(catalog?.commands.map((c) => c.name()), [
    'register', 'deregister', 'sync', 'marketplace', 'provision', 'deprovision', 'bind', 'unbind', 'rotate', 'upgrade', 'get', 'describe',
  ]);
});
