import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ControllerManager } from '../../../src/client/index.js';
import { localPathProvisionerController, SELECTED_NODE_ANNOTATION, STORAGE_PROVISIONER_ANNOTATION } from '../../../src/provisioner/index.js';
import { eventually, quiet, startApi } from '../../client/fixtures.js';
import { asPv, claim, claims, classes, configMapsResource, getOrUndefined, volumes } from '../fixtures.js';

test('localPathProvisionerController makes the default class and provisions under the data dir or the ConfigMap path', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wharf-local-path-entry-'));
  const api = await startApi();
  const manager = new ControllerManager({ client: api.client, logger: quiet, settings: { 'local-path-provisioner': { dataDir, retryBaseMs: 50 } } });
  localPathProvisionerController.setup(manager);
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  try {
    await eventually(async () => Boolean(await getOrUndefined(api.client, classes, 'local-path')), 5000, 'the default class');
    const handed = { [STORAGE_PROVISIONER_ANNOTATION]: 'wharf.dev/local-path', [SELECTED_NODE_ANNOTATION]: 'n1' };
    const a = await api.client.create(claims, claim('a', 'local-path', handed));
    await eventually(async () => Boolean(await getOrUndefined(api.client, volumes, `pvc-${a.metadata.uid}`)), 5000, 'the PV of a');
    const pvA = asPv(await api.client.get(volumes, `pvc-${a.metadata.uid}`));
    assert.equal(pvA.spec?.local?.path, path.join(dataDir, 'volumes', 'n1', `pvc-${a.metadata.uid}_default_a`));
    assert.ok(existsSync(pvA.spec!.local!.path));

    const elsewhere = path.join(dataDir, 'elsewhere');
    await api.client.create(configMapsResource, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'local-path-config', namespace: 'kube-system' },
      data: { 'config.json': JSON.stringify({ nodePathMap: [{ node: 'n1', paths: [elsewhere] }] }) },
    });
    await new Promise((r) => setTimeout(r, 300));
    const b = await api.client.create(claims, claim('b', 'local-path', handed));
    await eventually(async () => Boolean(await getOrUndefined(api.client, volumes, `pvc-${b.metadata.uid}`)), 5000, 'the PV of b');
    const pvB = asPv(await api.client.get(volumes, `pvc-${b.metadata.uid}`));
    assert.equal(pvB.spec?.local?.path, path.join(elsewhere, `pvc-${b.metadata.uid}_default_b`));
  } finally {
    abort.abort();
    await running;
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
