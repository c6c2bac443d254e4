import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import { addConcurrentSyncsOptions, concurrentSyncsFlags, controllerWorkers, defaultWorkersOf, positiveCount, withControllerWorkers } from '../../src/cli/controller-flags.js';
import { controllers } from '../../src/controllers/index.js';

/** Parses `args` as `wharf up` would its --concurrent-*-syncs flags; returns the workers they ask for. */
function parseWorkers(args: string[]): Record<string, number> {
  const command = addConcurrentSyncsOptions(new Command('up').exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return controllerWorkers(command.opts());
}

test('positiveCount() takes whole numbers from 1 and refuses 0, negatives, fractions and words', () => {
  assert.equal(positiveCount('1'), 1);
  assert.equal(positiveCount('64'), 64);
  for (const bad of ['0', '-1', 'abc', '2.5', '', ' ']) assert.throws(() => positiveCount(bad), /must be a positive whole number/, `"${bad}"`);
});

test('the --concurrent-*-syncs flags set the workers of their controllers and nothing else', () => {
  assert.deepEqual(parseWorkers([]), {});
  assert.deepEqual(parseWorkers(['--concurrent-deployment-syncs', '7']), { deployment: 7 });
  assert.deepEqual(
    parseWorkers([
      '--concurrent-replicaset-syncs=3',
      '--concurrent-statefulset-syncs', '2',
      '--concurrent-daemonset-syncs', '1',
      '--concurrent-job-syncs', '6',
      '--concurrent-endpoint-syncs', '8',
      '--concurrent-service-endpoint-syncs', '9',
      '--concurrent-gc-syncs', '30',
      '--concurrent-namespace-syncs', '11',
    ]),
    { replicaset: 3, statefulset: 2, daemonset: 1, job: 6, endpoints: 8, endpointslice: 9, 'garbage-collector': 30, namespace: 11 },
  );
});

test('--concurrent_rc_syncs keeps its upstream underscores and is also taken with dashes', () => {
  assert.deepEqual(parseWorkers(['--concurrent_rc_syncs', '3']), { 'replication-controller': 3 });
  assert.deepEqual(parseWorkers(['--concurrent-rc-syncs', '4']), { 'replication-controller': 4 });
  const help = addConcurrentSyncsOptions(new Command('up')).helpInformation();
  assert.match(help, /--concurrent_rc_syncs <n>/);
  assert.doesNotMatch(help, /--concurrent-rc-syncs/, 'the dashed spelling is accepted, not advertised');
});

test('the --concurrent-*-syncs flags refuse 0, negatives and words', () => {
  for (const bad of ['0', '-1', 'abc']) {
    assert.throws(
      () => parseWorkers(['--concurrent-deployment-syncs', bad]),
      (e: unknown) => e instanceof CommanderError && e.code === 'commander.invalidArgument' && /must be a positive whole number/.test(e.message),
      bad,
    );
  }
  assert.throws(() => parseWorkers(['--concurrent_rc_syncs', '0']), CommanderError);
  assert.throws(() => parseWorkers(['--concurrent-gc-syncs', '1.5']), CommanderError);
});

test('every --concurrent-*-syncs flag names a controller Wharf runs', () => {
  const names = new Set(controllers.map((c) => c.name));
  for (const f of concurrentSyncsFlags) assert.ok(names.has(f.controller), `${f.flag} -> ${f.controller}`);
  assert.equal(new Set(concurrentSyncsFlags.map((f) => f.controller)).size, concurrentSyncsFlags.length, 'one flag per controller');
});

test('withControllerWorkers() adds workers beside the settings a controller already has', () => {
  const settings = { 'local-path-provisioner': { dataDir: '/d' }, job: { backoffBaseMs: 10 } };
  assert.deepEqual(withControllerWorkers(settings, { job: 2, deployment: 7 }), {
    'local-path-provisioner': { dataDir: '/d' },
    job: { backoffBaseMs: 10, workers: 2 },
    deployment: { workers: 7 },
  });
  assert.deepEqual(settings.job, { backoffBaseMs: 10 }, 'the settings given are not changed');
  assert.deepEqual(withControllerWorkers(settings), settings);
});

test('each --concurrent-*-syncs flag names a controller that declares its default workers, and the help shows that default', () => {
  const command = addConcurrentSyncsOptions(new Command('up'));
  const help = command.helpInformation();
  for (const f of concurrentSyncsFlags) {
    const entry = controllers.find((c) => c.name === f.controller);
    assert.ok(entry?.defaultWorkers, `${f.controller} declares defaultWorkers`);
    assert.equal(defaultWorkersOf(f.controller), entry.defaultWorkers);
    const line = help.split('\n').findIndex((l) => l.includes(`--${f.flag} <n>`));
    assert.ok(line >= 0, `--${f.flag} is in the help`);
    // Commander may wrap a long description onto the next lines.
    const text = help.split('\n').slice(line, line + 3).join(' ').replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`\\(default ${entry.defaultWorkers}[;)]`), `--${f.flag}: ${text}`);
  }
  assert.throws(() => defaultWorkersOf('cronjob'), /no default worker count/);
});
