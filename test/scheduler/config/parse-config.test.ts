import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseSchedulerConfig, resolveSchedulerConfig, Scheduler } from '../../../src/scheduler/index.js';

test('resolveSchedulerConfig() defaults to one default-scheduler profile with the default plugins', () => {
  const c = resolveSchedulerConfig();
  assert.equal(c.profiles.length, 1);
  assert.equal(c.profiles[0]!.schedulerName, 'default-scheduler');
  assert.equal(c.percentageOfNodesToScore, 0);
  assert.equal(c.podInitialBackoffSeconds, 1);
  assert.equal(c.podMaxBackoffSeconds, 10);
  const s = new Scheduler({ config: c });
  const fw = s.profiles.get('default-scheduler')!;
  assert.deepEqual(
    fw.filter.map((p) => p.name),
    ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity'],
  );
  assert.deepEqual(
    fw.score.map((p, i) => `${p.name}=${fw.scoreWeights[i]}`),
    ['TaintToleration=3', 'NodeAffinity=2', 'NodeResourcesFit=1', 'PodTopologySpread=2', 'InterPodAffinity=2', 'NodeResourcesBalancedAllocation=1'],
  );
});

test('parseSchedulerConfig() reads YAML: multiple profiles, disabled plugins, weights, args', () => {
  const c = parseSchedulerConfig(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: packer
  percentageOfNodesToScore: 100
  plugins:
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
      enabled:
      - name: NodeResourcesFit
        weight: 5
    multiPoint:
      disabled:
      - name: InterPodAffinity
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`);
  assert.equal(c.percentageOfNodesToScore, 30);
  const s = new Scheduler({ config: c });
  const packer = s.profiles.get('packer')!;
  assert.equal(packer.percentageOfNodesToScore, 100);
  assert.deepEqual(
    packer.score.map((p, i) => `${p.name}=${packer.scoreWeights[i]}`),
    ['NodeResourcesFit=5', 'TaintToleration=3', 'NodeAffinity=2', 'PodTopologySpread=2'],
  );
  assert.ok(!packer.filter.some((p) => p.name === 'InterPodAffinity'));
  assert.ok(s.responsibleFor({ spec: { schedulerName: 'packer', containers: [] } }));
  assert.ok(!s.responsibleFor({ spec: { schedulerName: 'other', containers: [] } }));
});

test('validation collects field errors', () => {
  assert.throws(
    () =>
      resolveSchedulerConfig({
        percentageOfNodesToScore: 101,
        podInitialBackoffSeconds: 0,
        profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }, {}],
      }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.errors, [
        'percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]',
        'podInitialBackoffSeconds: Invalid value: 0: must be greater than 0',
        'profiles[1].schedulerName: Duplicate value: "a"',
        'profiles[2].schedulerName: Required value',
      ]);
      return true;
    },
  );
  assert.throws(() => new Scheduler({ config: { profiles: [{ schedulerName: 'x', plugins: { filter: { enabled: [{ name: 'Nope' }] } } }] } }), /plugin "Nope" does not exist/);
  assert.throws(() => new Scheduler({ config: { profiles: [{ schedulerName: 'x', plugins: { filter: { enabled: [{ name: 'PrioritySort' }] } } }] } }), /does not extend filter plugin/);
});
