import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParametersError, buildParameters } from '../../../../src/catalog/controllers/internal/parameters.js';
import type { CatalogResources } from '../../../../src/catalog/controllers/internal/catalog-resources.js';
import { resourceFor } from '../../../../src/client/index.js';
import { registry, startApi } from '../../../client/fixtures.js';

const secrets = resourceFor(registry, '', 'v1', 'secrets');
const r = { secrets } as CatalogResources;

test('buildParameters() merges parameters, Secret keys and defaults, redacting what came from Secrets', async () => {
  const api = await startApi();
  try {
    await api.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-params', namespace: 'default' }, stringData: { extra: '{"password":"s3cret","tier":"gold"}' } });
    const built = await buildParameters(api.client, r, 'default', { parameters: { size: 2 }, parametersFrom: [{ secretKeyRef: { name: 'db-params', key: 'extra' } }] }, [{ size: 9, region: 'eu' }]);
    assert.deepEqual(built.parameters, { size: 2, password: 's3cret', tier: 'gold', region: 'eu' });
    assert.deepEqual(built.redacted, { size: 2, password: '<redacted>', tier: '<redacted>', region: 'eu' });
    assert.match(built.checksum, /^[0-9a-f]{64}$/);
    const same = await buildParameters(api.client, r, 'default', { parametersFrom: [{ secretKeyRef: { name: 'db-params', key: 'extra' } }], parameters: { size: 2 } }, [{ region: 'eu', size: 9 }]);
    assert.equal(same.checksum, built.checksum, 'the checksum does not depend on key order');

    await assert.rejects(
      buildParameters(api.client, r, 'default', { parameters: { tier: 'x' }, parametersFrom: [{ secretKeyRef: { name: 'db-params', key: 'extra' } }] }),
      /The parameter "tier" is given by both spec.parameters and secret "db-params" key "extra"/,
    );
    await assert.rejects(buildParameters(api.client, r, 'default', { parametersFrom: [{ secretKeyRef: { name: 'nope', key: 'k' } }] }), ParametersError);
    await assert.rejects(buildParameters(api.client, r, 'default', { parametersFrom: [{ secretKeyRef: { name: 'db-params', key: 'missing' } }] }), /has no key "missing"/);
    await api.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'list', namespace: 'default' }, stringData: { v: '[1,2]' } });
    await assert.rejects(buildParameters(api.client, r, 'default', { parametersFrom: [{ secretKeyRef: { name: 'list', key: 'v' } }] }), /is not a JSON object/);
  } finally {
    await api.close();
  }
});
