import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListen } from '../../../src/catalog/cli/broker-command.js';

test('parseListen() reads HOST:PORT, [IPv6]:PORT and :PORT', () => {
  assert.deepEqual(parseListen('0.0.0.0:8443'), { host: '0.0.0.0', port: 8443 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListen(':9000'), { host: '127.0.0.1', port: 9000 });
  assert.throws(() => parseListen('8443'), /HOST:PORT/);
  assert.throws(() => parseListen('h:70000'), /HOST:PORT/);
});
