import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultLocalPathClass, ensureStorageClass } from '../../src/provisioner/index.js';
import { startApi } from '../client/fixtures.js';
import { classes } from './fixtures.js';

test('ensureStorageClass() creates a missing class and leaves an existing one as it is', async () => {
  const api = await startApi();
  try {
    assert.equal(await ensureStorageClass(api.client, classes, defaultLocalPathClass), true);
    const made = await api.client.get(classes, 'local-path');
    assert.equal(made.provisioner, 'wharf.dev/local-path');
    assert.equal(made.volumeBindingMode, 'WaitForFirstConsumer');
    assert.equal(made.allowVolumeExpansion, true);
    assert.equal(made.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    // An administrator made it not the default: a restart does not undo that.
    await api.client.patch(classes, 'local-path', { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } }, { type: 'merge' });
    assert.equal(await ensureStorageClass(api.client, classes, defaultLocalPathClass), false);
    assert.equal((await api.client.get(classes, 'local-path')).metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'false');
  } finally {
    await api.close();
  }
});
