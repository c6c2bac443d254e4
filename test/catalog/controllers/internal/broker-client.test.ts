import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/index.js';
import { startExampleBroker } from '../../../../src/catalog/brokers/index.js';
import { BrokerConfigError, brokerClient } from '../../../../src/catalog/controllers/internal/broker-client.js';
import type { CatalogResources } from '../../../../src/catalog/controllers/internal/catalog-resources.js';
import { resourceFor } from '../../../../src/client/index.js';
import { registry, startApi } from '../../../client/fixtures.js';

const secrets = resourceFor(registry, '', 'v1', 'secrets');
const namespaces = resourceFor(registry, '', 'v1', 'namespaces');
const r = { secrets } as CatalogResources;

const broker = (url: string, authInfo: unknown, namespace?: string): KubeObject => ({
  apiVersion: 'servicecatalog.k8s.io/v1beta1',
  kind: namespace ? 'ServiceBroker' : 'ClusterServiceBroker',
  metadata: { name: 'b', ...(namespace ? { namespace } : {}) },
  spec: { url, authInfo },
});

test('brokerClient() authenticates with the bearer token of the named Secret, from the broker\'s own namespace when namespaced', async () => {
  const api = await startApi();
  const osbBroker = await startExampleBroker({ auth: { bearer: { token: 't0ken' } } });
  try {
    await api.client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await api.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tok', namespace: 'team' }, stringData: { token: 't0ken' } });
    await api.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tok', namespace: 'default' }, stringData: { token: 'wrong' } });
    const cluster = await brokerClient(api.client, r, broker(osbBroker.url, { bearer: { secretRef: { namespace: 'team', name: 'tok' } } }), 2000);
    assert.equal((await cluster.getCatalog()).kind, 'done');
    cluster.close();
    // The reference's namespace does not let a namespaced broker read another namespace.
    const local = await brokerClient(api.client, r, broker(osbBroker.url, { bearer: { secretRef: { namespace: 'default', name: 'tok' } } }, 'team'), 2000);
    assert.equal((await local.getCatalog()).kind, 'done');
    local.close();
    await assert.rejects(brokerClient(api.client, r, broker(osbBroker.url, { bearer: { secretRef: { name: 'missing' } } }, 'team'), 2000), (e: unknown) => {
      assert.ok(e instanceof BrokerConfigError);
      assert.equal(e.reason, 'ErrorGettingAuthCredentials');
      assert.match(e.message, /secret "team\/missing" not found/);
      return true;
    });
    await api.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'empty', namespace: 'team' }, stringData: { other: 'x' } });
    await assert.rejects(brokerClient(api.client, r, broker(osbBroker.url, { basic: { secretRef: { name: 'empty' } } }, 'team'), 2000), /neither "username" nor "password"/);
  } finally {
    await osbBroker.close();
    await api.close();
  }
});
