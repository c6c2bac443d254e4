import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSelector, labelSelectorFromObject, parseLabelSelector } from '../../../src/api/selectors/label-selector.js';
import { StatusError } from '../../../src/api/errors.js';

function badRequest(e: unknown): boolean {
  return e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest';
}

const labels = { app: 'web', tier: 'front', replicas: '3', empty: '' };

test('parseLabelSelector() of an empty string matches everything', () => {
  for (const s of ['', '   ']) {
    const sel = parseLabelSelector(s);
    assert.equal(sel.empty, true);
    assert.equal(sel.matches(undefined), true);
    assert.equal(sel.matches(labels), true);
  }
});

test('parseLabelSelector() reads every operator', () => {
  const cases: [string, { key: string; operator: string; values: string[] }][] = [
    ['app=web', { key: 'app', operator: 'In', values: ['web'] }],
    ['app==web', { key: 'app', operator: 'In', values: ['web'] }],
    ['app!=web', { key: 'app', operator: 'NotIn', values: ['web'] }],
    ['app in (web,db)', { key: 'app', operator: 'In', values: ['db', 'web'] }],
    ['app notin (web)', { key: 'app', operator: 'NotIn', values: ['web'] }],
    ['app', { key: 'app', operator: 'Exists', values: [] }],
    ['!app', { key: 'app', operator: 'DoesNotExist', values: [] }],
    ['replicas>2', { key: 'replicas', operator: 'Gt', values: ['2'] }],
    ['replicas<2', { key: 'replicas', operator: 'Lt', values: ['2'] }],
    ['example.com/role=x', { key: 'example.com/role', operator: 'In', values: ['x'] }],
    ['app=', { key: 'app', operator: 'In', values: [''] }],
    ['app in ()', { key: 'app', operator: 'In', values: [''] }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseLabelSelector(text).requirements, [want], text);
});

test('parseLabelSelector() allows spaces around operators and joins requirements with commas', () => {
  const sel = parseLabelSelector(' app = web , tier in ( front , back ) , !canary ');
  assert.deepEqual(sel.requirements, [
    { key: 'app', operator: 'In', values: ['web'] },
    { key: 'tier', operator: 'In', values: ['back', 'front'] },
    { key: 'canary', operator: 'DoesNotExist', values: [] },
  ]);
});

test('LabelSelector.matches() follows Kubernetes semantics for each operator', () => {
  const m = (s: string, l: Record<string, string> | undefined = labels) => parseLabelSelector(s).matches(l);
  assert.equal(m('app=web'), true);
  assert.equal(m('app=db'), false);
  assert.equal(m('app!=db'), true);
  assert.equal(m('missing!=x'), true, '!= matches when the label is absent');
  assert.equal(m('app in (db,web)'), true);
  assert.equal(m('missing in (x)'), false);
  assert.equal(m('app notin (db)'), true);
  assert.equal(m('missing notin (x)'), true, 'notin matches when the label is absent');
  assert.equal(m('app notin (web)'), false);
  assert.equal(m('app'), true);
  assert.equal(m('missing'), false);
  assert.equal(m('empty'), true, 'an empty value still exists');
  assert.equal(m('empty='), true);
  assert.equal(m('!missing'), true);
  assert.equal(m('!app'), false);
  assert.equal(m('replicas>2'), true);
  assert.equal(m('replicas>3'), false);
  assert.equal(m('replicas<4'), true);
  assert.equal(m('app>1'), false, 'a non-integer label never compares');
  assert.equal(m('missing<100'), false);
  assert.equal(m('app=web,tier=back'), false, 'every requirement must hold');
  assert.equal(parseLabelSelector('app=web').matches(undefined), false);
  assert.equal(parseLabelSelector('!app').matches(undefined), true);
  assert.equal(m('toString'), false, 'inherited properties are not labels');
});

test('parseLabelSelector() answers 400 for malformed selectors', () => {
  const bad = [
    'app in web',
    'app in (web',
    'app ~ web',
    '!app=web',
    'app=web tier=x',
    'replicas>x',
    'replicas>1.5',
    'app=-bad-',
    'Bad Key=x',
    'a/b/c=x',
    '=web',
    `app=${'v'.repeat(64)}`,
    '(',
  ];
  for (const s of bad) assert.throws(() => parseLabelSelector(s), badRequest, s);
  assert.throws(() => parseLabelSelector('app in web'), /^StatusError: unable to parse requirement: /);
});

test('parseLabelSelector() rejects a key whose name part is longer than 63 characters', () => {
  assert.throws(() => parseLabelSelector(`${'k'.repeat(64)}=x`), badRequest);
  assert.throws(() => parseLabelSelector(`example.com/${'k'.repeat(64)}=x`), badRequest);
  assert.throws(() => parseLabelSelector(`${'a'.repeat(254)}/k=x`), badRequest, 'the prefix is at most 253');
  assert.deepEqual(parseLabelSelector(`${'k'.repeat(63)}=x`).requirements, [{ key: 'k'.repeat(63), operator: 'In', values: ['x'] }]);
  const longPrefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  assert.equal(longPrefix.length, 253);
  assert.deepEqual(parseLabelSelector(`${longPrefix}/${'k'.repeat(63)}`).requirements, [{ key: `${longPrefix}/${'k'.repeat(63)}`, operator: 'Exists', values: [] }]);
});

test('parseLabelSelector() rejects a trailing comma', () => {
  assert.throws(() => parseLabelSelector('app=web,'), (e: unknown) => badRequest(e) && (e as Error).message === "found '', expected: identifier after ','");
  assert.throws(() => parseLabelSelector('app=web, '), badRequest);
  assert.throws(() => parseLabelSelector('app=web,,tier=x'), (e: unknown) => badRequest(e) && (e as Error).message === "found ',', expected: identifier after ','");
  assert.deepEqual(parseLabelSelector('app=web, !canary').requirements.map((r) => r.operator), ['In', 'DoesNotExist']);
});

test('LabelSelector.toString() and equalities() round-trip the requirements', () => {
  const text = 'app=web,tier in (back,front),!canary,env!=prod,stage notin (a,b),ready,replicas>1,replicas<9';
  const sel = parseLabelSelector(text);
  assert.equal(sel.toString(), text);
  assert.deepEqual(parseLabelSelector(sel.toString()).requirements, sel.requirements);
  assert.deepEqual([...sel.equalities()], [['app', 'web']]);
});

test('labelSelectorFromObject() reads matchLabels and matchExpressions; null matches nothing', () => {
  const sel = labelSelectorFromObject({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'back'] },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(sel.matches(labels), true);
  assert.equal(sel.matches({ ...labels, canary: 'y' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'mid' }), false);
  assert.equal(labelSelectorFromObject({}).matches(labels), true, 'an empty selector matches everything');
  assert.equal(labelSelectorFromObject(null).matches(labels), false);
  assert.equal(labelSelectorFromObject(undefined).matches({}), false);
  assert.equal(LabelSelector.nothing.matches(labels), false);
});
