import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTokenFile, parseTokenFile } from '../../../src/apiserver/authn/token-file.js';

test('parseTokenFile() reads token,user,uid and an optional quoted group list', () => {
  const tokens = parseTokenFile(
    ['t1,alice,1001,"dev,ops"', 't2,bob,1002', '', 't3,carol,,admins', '"t,4",dave,1004,"q""uoted"', ''].join('\n'),
    'tokens.csv',
  );
  assert.deepEqual(Object.fromEntries(tokens), {
    t1: { username: 'alice', uid: '1001', groups: ['dev', 'ops'] },
    t2: { username: 'bob', uid: '1002', groups: [] },
    t3: { username: 'carol', groups: ['admins'] },
    't,4': { username: 'dave', uid: '1004', groups: ['q"uoted'] },
  });
});

test('parseTokenFile() accepts CRLF line ends, skips empty tokens and keeps the last of a repeated token', () => {
  const tokens = parseTokenFile('a,first,1\r\n,nobody,2\r\na,second,3\r\n', 'tokens.csv');
  assert.deepEqual([...tokens.keys()], ['a']);
  assert.equal(tokens.get('a')?.username, 'second');
});

test('parseTokenFile() names the file and line of a malformed record', () => {
  assert.throws(
    () => parseTokenFile('ok,alice,1\n\nbad,bob\n', 'tokens.csv'),
    { message: 'token file "tokens.csv" line 3: must have at least 3 columns (token, user name, user uid), found 2' },
  );
  assert.throws(() => parseTokenFile('a,b,c\nx,"unterminated,1\n', 'f.csv'), /token file "f\.csv" line 2: extraneous or missing " in quoted-field/);
  assert.throws(() => parseTokenFile('a,b"c,1\n', 'f.csv'), /line 1: bare " in non-quoted-field/);
  assert.throws(() => parseTokenFile('tok,,1\n', 'f.csv'), /line 1: the user name is empty/);
});

test('loadTokenFile() reads a file, and names a file it cannot read', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-tokens-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'tokens.csv');
  writeFileSync(file, 'secret,alice,1\n');
  assert.equal(loadTokenFile(file).get('secret')?.username, 'alice');
  assert.throws(() => loadTokenFile(path.join(dir, 'missing.csv')), /Cannot read token file ".*missing\.csv"/);
});
