import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindingRoleName, databaseName, newPassword, ownerRoleName } from '../../../../src/catalog/brokers/postgresql/names.js';

test('names are stable, distinct, plain identifiers under 63 bytes whatever the id holds', () => {
  const odd = 'Ä "quoted"; DROP TABLE x; --'.repeat(5);
  for (const name of [databaseName(odd), ownerRoleName(odd), bindingRoleName(odd, odd)]) {
    assert.match(name, /^[a-z_][a-z0-9_]*$/);
    assert.ok(name.length <= 63);
  }
  assert.equal(databaseName('a'), databaseName('a'));
  assert.notEqual(databaseName('a'), databaseName('b'));
  assert.notEqual(bindingRoleName('a', 'b'), bindingRoleName('a', 'c'));
  assert.notEqual(bindingRoleName('ab', 'c'), bindingRoleName('a', 'bc'));
  assert.notEqual(ownerRoleName('a'), databaseName('a'));
});

test('newPassword() gives 32 hex characters, different each time', () => {
  const a = newPassword();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, newPassword());
});
