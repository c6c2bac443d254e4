import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySecretTransforms, credentialsToData, toSecretData, TransformError } from '../../../../src/catalog/controllers/internal/secret-transforms.js';

const text = (data: Map<string, Buffer>): Record<string, string> => Object.fromEntries([...data].map(([k, v]) => [k, v.toString('utf8')]));

test('credentialsToData() keeps strings and writes other values as JSON', () => {
  assert.deepEqual(text(credentialsToData({ host: 'db', port: 5432, tls: { on: true } })), { host: 'db', port: '5432', tls: '{"on":true}' });
});

test('applySecretTransforms() renames, adds, copies and removes keys in order', async () => {
  const creds = { host: 'db', port: 5432, nested: { user: 'u' } };
  const out = await applySecretTransforms(
    credentialsToData(creds),
    [
      { renameKey: { from: 'host', to: 'HOST' } },
      { renameKey: { from: 'missing', to: 'x' } },
      { addKey: { key: 'b64', value: Buffer.from('hi').toString('base64') } },
      { addKey: { key: 'plain', stringValue: 'text', value: 'aWdub3JlZA==' } },
      { addKey: { key: 'USER', jsonPathExpression: '{.nested.user}' } },
      { addKeysFrom: { secretRef: { name: 'other' } } },
      { removeKey: { key: 'port' } },
    ],
    creds,
    async (_ns, name) => (name === 'other' ? { region: Buffer.from('eu').toString('base64') } : undefined),
  );
  assert.deepEqual(text(out), { HOST: 'db', nested: '{"user":"u"}', b64: 'hi', plain: 'text', USER: 'u', region: 'eu' });
  assert.deepEqual(Object.keys(toSecretData(out)), ['HOST', 'USER', 'b64', 'nested', 'plain', 'region']);
});

test('applySecretTransforms() says what is wrong with a path or a missing Secret', async () => {
  await assert.rejects(applySecretTransforms(new Map(), [{ addKey: { key: 'k', jsonPathExpression: '{.nope}' } }], {}, async () => undefined), TransformError);
  await assert.rejects(applySecretTransforms(new Map(), [{ addKeysFrom: { secretRef: { name: 'gone' } } }], {}, async () => undefined), /secret "gone" not found/);
});
