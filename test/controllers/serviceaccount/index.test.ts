import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNotFound } from '../../../src/api/index.js';
import { ControllerManager, resourceFor } from '../../../src/client/index.js';
import { serviceAccountController } from '../../../src/controllers/serviceaccount/index.js';
import { configMaps, namespaces, quiet, registry, startApi } from '../../client/fixtures.js';

const serviceAccounts = resourceFor(registry, '', 'v1', 'serviceaccounts');

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const exists = (p: Promise<unknown>) =>
  p.then(
    () => true,
    (e: unknown) => {
      if (isNotFound(e)) return false;
      throw e;
    },
  );

test('serviceaccount gives every namespace a default ServiceAccount and the root CA, and puts them back when deleted', async () => {
  const api = await startApi();
  const manager = new ControllerManager({ client: api.client, settings: { serviceaccount: { rootCaPem: 'CA PEM' } }, logger: quiet });
  serviceAccountController.setup(manager);
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  try {
    await api.client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await eventually('default ServiceAccount', () => exists(api.client.get(serviceAccounts, 'default', { namespace: 'team' })));
    await eventually('root CA', () => exists(api.client.get(configMaps, 'kube-root-ca.crt', { namespace: 'team' })));
    const cm = await api.client.get(configMaps, 'kube-root-ca.crt', { namespace: 'team' });
    assert.deepEqual(cm.data, { 'ca.crt': 'CA PEM' });
    // Namespaces that existed before the controller started get them too.
    await eventually('default in kube-system', () => exists(api.client.get(serviceAccounts, 'default', { namespace: 'kube-system' })));
    await api.client.delete(serviceAccounts, 'default', { namespace: 'team' });
    await eventually('default recreated', () => exists(api.client.get(serviceAccounts, 'default', { namespace: 'team' })));
  } finally {
    abort.abort();
    await running;
    await api.close();
  }
});
