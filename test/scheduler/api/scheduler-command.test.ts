import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/scheduler/index.js';
import { runSchedulerCommand } from '../../../src/scheduler/api/index.js';
import { createNodes, eventually, getPod, nodeObject, podObject, podsResource, quiet, startApi } from './helpers.js';

test('runSchedulerCommand() schedules with the kubeconfig and config file it is given until its signal aborts', async () => {
  const api = await startApi('scheduler-command');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wharf-sched-cmd-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: c, cluster: { server: "http://127.0.0.1:' + api.port + '" } }]',
      'users: [{ name: u, user: {} }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x',
    ].join('\n'),
  );
  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: batch\n');
  const abort = new AbortController();
  try {
    const running = runSchedulerCommand({ kubeconfig, config, leaderElect: true, signal: abort.signal, logger: quiet });
    await createNodes(api.client, [nodeObject('n1', 'a')]);
    await api.client.create(podsResource, podObject('job', { spec: { schedulerName: 'batch' } }));
    await eventually(async () => (await getPod(api.client, 'job')).spec.nodeName === 'n1', 8000, 'bound by the command');
    abort.abort();
    await running;
  } finally {
    abort.abort();
    await api.close();
  }
});

test('runSchedulerCommand() rejects a bad configuration file before connecting', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wharf-sched-cmd-'));
  const config = path.join(dir, 'bad.yaml');
  writeFileSync(config, 'profiles: [{ schedulerName: a }, { schedulerName: a }]\n');
  await assert.rejects(runSchedulerCommand({ kubeconfig: path.join(dir, 'missing'), config, leaderElect: false, logger: quiet }), ConfigError);
});
