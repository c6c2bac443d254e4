import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOriginatingIdentity, encodeOriginatingIdentity } from '../../../src/catalog/osb/originating-identity.js';

test('encodeOriginatingIdentity() writes "kubernetes" and base64 JSON with every profile property', () => {
  const header = encodeOriginatingIdentity({ username: 'duke' });
  const [platform, value] = header.split(' ');
  assert.equal(platform, 'kubernetes');
  assert.deepEqual(JSON.parse(Buffer.from(value!, 'base64').toString('utf8')), { username: 'duke', uid: '', groups: [], extra: {} });
});

test('decodeOriginatingIdentity() reverses encodeOriginatingIdentity()', () => {
  const user = { username: 'duke', uid: 'c2dde242', groups: ['admin', 'dev'], extra: { mydata: ['data1', 'data3'] } };
  assert.deepEqual(decodeOriginatingIdentity(encodeOriginatingIdentity(user)), { platform: 'kubernetes', value: user });
});

test('decodeOriginatingIdentity() reads the spec example and rejects malformed headers', () => {
  const cf = 'cloudfoundry eyANCiAgInVzZXJfaWQiOiAiNjgzZWE3NDgtMzA5Mi00ZmY0LWI2NTYtMzljYWNjNGQ1MzYwIg0KfQ==';
  assert.deepEqual(decodeOriginatingIdentity(cf), { platform: 'cloudfoundry', value: { user_id: '683ea748-3092-4ff4-b656-39cacc4d5360' } });
  assert.equal(decodeOriginatingIdentity(undefined), undefined);
  assert.equal(decodeOriginatingIdentity('kubernetes'), undefined);
  assert.equal(decodeOriginatingIdentity('kubernetes !!!'), undefined);
  assert.equal(decodeOriginatingIdentity(`kubernetes ${Buffer.from('[1]').toString('base64')}`), undefined);
});
