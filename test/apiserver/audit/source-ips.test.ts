import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceIPs } from '../../../src/apiserver/audit/source-ips.js';

test('sourceIPs() is the socket peer alone without proxy headers', () => {
  assert.deepEqual(sourceIPs({}, '10.0.0.5'), ['10.0.0.5']);
  assert.deepEqual(sourceIPs({}, '::ffff:127.0.0.1'), ['127.0.0.1'], 'IPv4-mapped addresses print as IPv4');
  assert.deepEqual(sourceIPs({}, '::1'), ['::1']);
});

test('sourceIPs() lists X-Forwarded-For, then X-Real-Ip, then the peer, without repeats', () => {
  assert.deepEqual(sourceIPs({ 'x-forwarded-for': '1.2.3.4, bogus, 5.6.7.8', 'x-real-ip': '9.9.9.9' }, '10.0.0.1'), ['1.2.3.4', '5.6.7.8', '9.9.9.9', '10.0.0.1']);
  assert.deepEqual(sourceIPs({ 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '1.2.3.4' }, '1.2.3.4'), ['1.2.3.4']);
  assert.deepEqual(sourceIPs({ 'x-forwarded-for': '1.2.3.4,10.0.0.1' }, '10.0.0.1'), ['1.2.3.4', '10.0.0.1']);
});
