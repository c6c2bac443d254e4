import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelector, parseFieldSelector } from '../../../src/api/selectors/field-selector.js';
import { StatusError } from '../../../src/api/errors.js';

const fields = (m: Record<string, string>) => (f: string) => m[f];

function badRequest(e: unknown): boolean {
  return e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest';
}

test('parseFieldSelector() of an empty string selects everything', () => {
  for (const s of ['', '  ']) {
    const sel = parseFieldSelector(s);
    assert.equal(sel.empty, true);
    assert.equal(sel.matches(() => 'anything'), true);
  }
  assert.equal(FieldSelector.everything.empty, true);
});

test('parseFieldSelector() reads =, == and != terms joined by commas', () => {
  const sel = parseFieldSelector('metadata.name=web,status.phase!=Running,spec.nodeName==n1');
  assert.deepEqual(sel.requirements, [
    { field: 'metadata.name', operator: '=', value: 'web' },
    { field: 'status.phase', operator: '!=', value: 'Running' },
    { field: 'spec.nodeName', operator: '=', value: 'n1' },
  ]);
  assert.equal(sel.empty, false);
  assert.equal(sel.requiredValue('metadata.name'), 'web');
  assert.equal(sel.requiredValue('status.phase'), undefined, 'a != term pins no value');
  assert.equal(sel.requiredValue('spec.nodeName'), 'n1');
});

test('FieldSelector.matches() needs every term; an absent field reads as ""', () => {
  const sel = parseFieldSelector('metadata.name=web,status.phase!=Running');
  assert.equal(sel.matches(fields({ 'metadata.name': 'web', 'status.phase': 'Pending' })), true);
  assert.equal(sel.matches(fields({ 'metadata.name': 'web', 'status.phase': 'Running' })), false);
  assert.equal(sel.matches(fields({ 'metadata.name': 'db', 'status.phase': 'Pending' })), false);
  assert.equal(sel.matches(fields({ 'metadata.name': 'web' })), true, 'absent phase is "" which is not Running');
  assert.equal(parseFieldSelector('spec.nodeName=').matches(fields({})), true);
  assert.equal(parseFieldSelector('spec.nodeName!=').matches(fields({ 'spec.nodeName': 'n1' })), true);
  assert.equal(parseFieldSelector('spec.nodeName!=').matches(fields({})), false);
});

test('parseFieldSelector() unescapes \\, \\= and \\\\ in values and splits only on unescaped commas', () => {
  const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,status.phase=x');
  assert.deepEqual(sel.requirements, [
    { field: 'metadata.name', operator: '=', value: 'a,b=c\\d' },
    { field: 'status.phase', operator: '=', value: 'x' },
  ]);
  assert.equal(sel.matches(fields({ 'metadata.name': 'a,b=c\\d', 'status.phase': 'x' })), true);
});

test('parseFieldSelector() answers 400 for a term without an operator', () => {
  assert.throws(() => parseFieldSelector('metadata.name'), (e: unknown) => badRequest(e) && /^invalid selector: 'metadata\.name'; can't understand 'metadata\.name'$/.test((e as Error).message));
  assert.throws(() => parseFieldSelector('=web'), badRequest);
});

test('parseFieldSelector() skips empty terms, as Kubernetes does', () => {
  const sel = parseFieldSelector('metadata.name=web,');
  assert.deepEqual(sel.requirements, [{ field: 'metadata.name', operator: '=', value: 'web' }]);
  assert.deepEqual(parseFieldSelector(',metadata.name=web,,status.phase!=x').requirements, [
    { field: 'metadata.name', operator: '=', value: 'web' },
    { field: 'status.phase', operator: '!=', value: 'x' },
  ]);
  assert.equal(parseFieldSelector(',').empty, true);
});

test('parseFieldSelector() rejects unescaped = and unknown escapes in values', () => {
  assert.throws(() => parseFieldSelector('metadata.name=a=b'), badRequest);
  assert.throws(() => parseFieldSelector('metadata.name=a\\x'), badRequest);
  assert.throws(() => parseFieldSelector('metadata.name=a\\'), badRequest);
  const message = (text: string) => {
    try {
      parseFieldSelector(text);
    } catch (e) {
      return (e as Error).message;
    }
    return 'parsed';
  };
  assert.equal(message('metadata.name=a=b'), 'invalid field selector: unescaped character in value: 61');
  assert.equal(message('metadata.name=a\\x'), 'invalid field selector: invalid escape sequence: \\x');
  assert.equal(message('metadata.name=a\\'), 'invalid field selector: invalid escape sequence: \\');
  assert.equal(message('metadata.name==a'), 'parsed', '== is an operator, not part of the value');
});
