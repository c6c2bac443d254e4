import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { tempDataDir, wharfArgs } from '../e2e/harness.js';

/** Runs the real `wharf` command line (as the e2e tests do) and returns how it ended. */
function wharf(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, wharfArgs(args), { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

test('wharf up and wharf controller-manager list the new options in their help', async () => {
  const up = await wharf(['up', '--help']);
  assert.equal(up.code, 0, up.stderr);
  for (const flag of ['--node-startup-delay <duration>', '--concurrent-deployment-syncs <n>', '--concurrent_rc_syncs <n>', '--concurrent-service-endpoint-syncs <n>']) {
    assert.ok(up.stdout.includes(flag), `wharf up --help lists ${flag}`);
  }
  const cm = await wharf(['controller-manager', '--help']);
  assert.equal(cm.code, 0, cm.stderr);
  for (const flag of ['--concurrent-deployment-syncs <n>', '--concurrent-gc-syncs <n>', '--concurrent-namespace-syncs <n>']) {
    assert.ok(cm.stdout.includes(flag), `wharf controller-manager --help lists ${flag}`);
  }
  assert.ok(!cm.stdout.includes('--node-startup-delay'), 'the controller manager runs no nodes');
});

test('wharf up refuses a worker count of 0, -1 or abc and a malformed startup delay before starting anything', async () => {
  const cases: [string[], RegExp][] = [
    [['--concurrent-deployment-syncs', '0'], /option '--concurrent-deployment-syncs <n>' argument '0' is invalid\. must be a positive whole number/],
    [['--concurrent-replicaset-syncs', '-1'], /option '--concurrent-replicaset-syncs <n>' argument '-1' is invalid/],
    [['--concurrent_rc_syncs', 'abc'], /option '--concurrent_rc_syncs <n>' argument 'abc' is invalid/],
    [['--node-startup-delay', 'soon'], /option '--node-startup-delay <duration>' argument 'soon' is invalid\. must be a duration/],
    [['--node-startup-delay', '-1s'], /option '--node-startup-delay <duration>' argument '-1s' is invalid/],
  ];
  // Should a value slip through, the cluster it starts stays small and its data directory goes.
  const data = tempDataDir();
  try {
    const results = await Promise.all(cases.map(([args]) => wharf(['up', '--data-dir', data.dir, '--port', '0', '--nodes', '0', ...args])));
    results.forEach((r, i) => {
      assert.equal(r.code, 1, `wharf up ${cases[i][0].join(' ')} exits 1`);
      assert.match(r.stderr, cases[i][1]);
    });
  } finally {
    data.cleanup();
  }
});

test('wharf controller-manager refuses a worker count of 0', async () => {
  const r = await wharf(['controller-manager', '--kubeconfig', '/nonexistent/kubeconfig', '--concurrent-job-syncs', '0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /option '--concurrent-job-syncs <n>' argument '0' is invalid\. must be a positive whole number/);
});

test('wharf node takes --startup-delay for simulated nodes only', async () => {
  const container = await wharf(['node', '--name', 'n1', '--kubeconfig', '/nonexistent/kubeconfig', '--runtime', 'container', '--startup-delay', '2s']);
  assert.equal(container.code, 1);
  assert.match(container.stderr, /--startup-delay is for the simulated runtime; leave out --runtime container/);
  const malformed = await wharf(['node', '--name', 'n1', '--kubeconfig', '/nonexistent/kubeconfig', '--simulated', '1', '--startup-delay', '1x']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /option '--startup-delay <duration>' argument '1x' is invalid/);
});
