import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { renderKubeconfig } from '../../src/cli/kubeconfig.js';
import { runProvisionerCommand } from '../../src/cli/provisioner-command.js';
import { STORAGE_PROVISIONER_ANNOTATION } from '../../src/provisioner/index.js';
import { eventually, startApi } from '../client/fixtures.js';
import { repoRoot } from '../e2e/harness.js';
import { asPv, claim, claims, classes, getOrUndefined, storageClass, volumes } from '../provisioner/fixtures.js';

const exampleDriver = path.join(repoRoot, 'examples', 'provisioners', 'hostdir-driver.mjs');

test('runProvisionerCommand() refuses a driver that is not an executable file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-provisioner-cmd-'));
  try {
    writeFileSync(path.join(dir, 'driver'), 'not executable');
    await assert.rejects(runProvisionerCommand({ name: 'a.b/c', driver: path.join(dir, 'driver'), timeout: 1, workers: 1 }, new AbortController().signal), /is not an executable file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runProvisionerCommand() provisions claims of its name with the driver, through a kubeconfig', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-provisioner-cmd-'));
  const api = await startApi();
  const abort = new AbortController();
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: `http://127.0.0.1:${api.port}` }));
  const log = console.log;
  console.log = () => {};
  const running = runProvisionerCommand({ name: 'example.com/hostdir', driver: exampleDriver, kubeconfig, timeout: 10, workers: 2 }, abort.signal);
  try {
    const root = path.join(dir, 'root');
    await api.client.create(classes, storageClass('hostdir', 'example.com/hostdir', { parameters: { root } }));
    const c = await api.client.create(claims, claim('x', 'hostdir', { [STORAGE_PROVISIONER_ANNOTATION]: 'example.com/hostdir' }));
    const pvName = `pvc-${c.metadata.uid}`;
    await eventually(async () => Boolean(await getOrUndefined(api.client, volumes, pvName)), 10_000, 'the PV');
    const pv = asPv(await api.client.get(volumes, pvName));
    assert.equal(pv.spec?.hostPath?.path, path.join(root, pvName));
    assert.ok(existsSync(path.join(root, pvName)));
  } finally {
    abort.abort();
    await running;
    console.log = log;
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
