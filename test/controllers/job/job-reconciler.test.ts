import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { jobController, ttlAfterFinishedController } from '../../../src/controllers/job/index.js';
import { condition, eventually, r, runManager, setPodStatus, startControllers, type Harness } from '../workload-internal/harness.js';

const fast = { job: { backoffBaseMs: 50, backoffMaxMs: 200 } };

function job(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
  };
}

async function jobPods(h: Harness, name: string, all = false): Promise<KubeObject[]> {
  const list = await h.client.list(r.pods, { namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${name}` });
  return list.items.filter((p) => all || (!p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes((p.status as { phase?: string }).phase ?? '')));
}

async function getJob(h: Harness, name: string): Promise<KubeObject> {
  return h.client.get(r.jobs, name, { namespace: 'default' });
}

const st = (j: KubeObject) => j.status as Record<string, unknown>;

test('Job runs pods to completions with parallelism, counting each through the tracking finalizer', async () => {
  const h = await startControllers([jobController], fast);
  try {
    await h.client.create(r.jobs, job('pi', { completions: 3, parallelism: 2 }));
    await eventually(async () => (await jobPods(h, 'pi')).length === 2, 5000, 'two pods');
    let pods = await jobPods(h, 'pi');
    assert.deepEqual(pods[0].metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    assert.equal(pods[0].metadata.ownerReferences?.[0].kind, 'Job');
    await eventually(async () => st(await getJob(h, 'pi')).active === 2 && typeof st(await getJob(h, 'pi')).startTime === 'string', 5000, 'active 2');

    await setPodStatus(h.client, pods[0], 'Succeeded');
    await eventually(async () => st(await getJob(h, 'pi')).succeeded === 1, 5000, 'one succeeded');
    await eventually(async () => (await jobPods(h, 'pi')).length === 2, 5000, 'a third pod');
    const first = await h.client.get(r.pods, pods[0].metadata.name!, { namespace: 'default' });
    assert.deepEqual(first.metadata.finalizers ?? [], [], 'finalizer removed once counted');

    pods = await jobPods(h, 'pi');
    await setPodStatus(h.client, pods[0], 'Ready');
    await eventually(async () => st(await getJob(h, 'pi')).ready === 1, 5000, 'ready 1');
    for (const p of pods) await setPodStatus(h.client, p, 'Succeeded');
    await eventually(async () => condition(await getJob(h, 'pi'), 'Complete')?.status === 'True', 5000, 'Complete');
    const done = await getJob(h, 'pi');
    assert.equal(st(done).succeeded, 3);
    // Zero counts are omitted, as upstream's omitempty fields are.
    assert.equal(st(done).active, undefined);
    assert.equal(st(done).failed, undefined);
    assert.deepEqual(st(done).uncountedTerminatedPods, {});
    assert.equal(typeof st(done).completionTime, 'string');
    assert.equal(condition(done, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
    assert.equal(condition(done, 'Complete')?.message, 'Reached expected number of succeeded pods');
    for (const p of await jobPods(h, 'pi', true)) assert.deepEqual(p.metadata.finalizers ?? [], []);
    assert.equal((await jobPods(h, 'pi', true)).length, 3);
  } finally {
    await h.close();
  }
});

test('Job recreates failed pods after a backoff and fails with BackoffLimitExceeded past backoffLimit', async () => {
  const h = await startControllers([jobController], { job: { backoffBaseMs: 1500, backoffMaxMs: 3000 } });
  try {
    await h.client.create(r.jobs, job('flaky', { backoffLimit: 1 }));
    await eventually(async () => (await jobPods(h, 'flaky')).length === 1, 5000, 'first pod');
    const [first] = await jobPods(h, 'flaky');
    await setPodStatus(h.client, first, 'Failed');
    await eventually(async () => st(await getJob(h, 'flaky')).failed === 1, 5000, 'one failure');
    const failedAt = Date.now();
    await eventually(async () => (await jobPods(h, 'flaky')).length === 1, 5000, 'replacement');
    // Finish times have whole seconds, so at least half a second of the 1.5 s backoff is always left.
    assert.ok(Date.now() - failedAt >= 400, 'the replacement waited for the backoff');
    const [second] = await jobPods(h, 'flaky');
    assert.notEqual(second.metadata.name, first.metadata.name);
    await setPodStatus(h.client, second, 'Failed');
    await eventually(async () => condition(await getJob(h, 'flaky'), 'Failed')?.status === 'True', 5000, 'Failed');
    const failed = await getJob(h, 'flaky');
    assert.equal(condition(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(failed, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal(condition(failed, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(st(failed).failed, 2);
    assert.equal(st(failed).active, undefined);
    assert.equal(st(failed).completionTime, undefined);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal((await jobPods(h, 'flaky')).length, 0, 'no more pods');
  } finally {
    await h.close();
  }
});

test('Indexed Job gives each pod its index, retries an index and lists completed indexes', async () => {
  const h = await startControllers([jobController], fast);
  try {
    await h.client.create(r.jobs, job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await eventually(async () => (await jobPods(h, 'idx')).length === 3, 5000, 'three pods');
    const byIndex = async () => new Map((await jobPods(h, 'idx')).map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    let pods = await byIndex();
    assert.deepEqual([...pods.keys()].sort(), ['0', '1', '2']);
    const p1 = pods.get('1')!;
    assert.equal(p1.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '1');
    assert.equal((p1.spec as { hostname?: string }).hostname, 'idx-1');
    assert.ok(p1.metadata.name?.startsWith('idx-1-'));
    const env = (p1.spec as { containers: { env?: { name: string }[] }[] }).containers[0].env ?? [];
    assert.ok(env.some((e) => e.name === 'JOB_COMPLETION_INDEX'));

    await setPodStatus(h.client, pods.get('0')!, 'Succeeded');
    await setPodStatus(h.client, pods.get('2')!, 'Succeeded');
    await eventually(async () => st(await getJob(h, 'idx')).completedIndexes === '0,2', 5000, 'completed 0,2');
    await setPodStatus(h.client, p1, 'Failed');
    await eventually(async () => {
      pods = await byIndex();
      return pods.size === 1 && pods.has('1') && pods.get('1')!.metadata.uid !== p1.metadata.uid;
    }, 5000, 'index 1 retried');
    await setPodStatus(h.client, pods.get('1')!, 'Succeeded');
    await eventually(async () => condition(await getJob(h, 'idx'), 'Complete')?.status === 'True', 5000, 'Complete');
    const done = await getJob(h, 'idx');
    assert.equal(st(done).completedIndexes, '0-2');
    assert.equal(st(done).succeeded, 3);
    assert.equal(st(done).failed, 1);
  } finally {
    await h.close();
  }
});

test('Job podFailurePolicy: Ignore does not count, FailJob fails the Job with the rule in the message', async () => {
  const h = await startControllers([jobController], fast);
  try {
    await h.client.create(
      r.jobs,
      job('policy', {
        backoffLimit: 0,
        podFailurePolicy: {
          rules: [
            { action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } },
            { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } },
          ],
        },
      }),
    );
    const exit = (code: number) => ({
      containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: code, reason: 'Error' } } }],
    });
    await eventually(async () => (await jobPods(h, 'policy')).length === 1, 5000, 'pod');
    const [first] = await jobPods(h, 'policy');
    await setPodStatus(h.client, first, 'Failed', exit(3));
    await eventually(async () => {
      const pods = await jobPods(h, 'policy');
      return pods.length === 1 && pods[0].metadata.uid !== first.metadata.uid;
    }, 5000, 'ignored failure replaced');
    const j = await getJob(h, 'policy');
    assert.equal(st(j).failed, undefined, 'ignored');
    assert.equal(condition(j, 'Failed'), undefined);

    const [second] = await jobPods(h, 'policy');
    await setPodStatus(h.client, second, 'Failed', exit(42));
    await eventually(async () => condition(await getJob(h, 'policy'), 'Failed')?.status === 'True', 5000, 'Failed');
    const failed = await getJob(h, 'policy');
    assert.equal(condition(failed, 'Failed')?.reason, 'PodFailurePolicy');
    assert.equal(condition(failed, 'Failed')?.message, `Container c for pod default/${second.metadata.name} failed with exit code 42 matching FailJob rule at index 1`);
  } finally {
    await h.close();
  }
});

test('Job activeDeadlineSeconds ends a running Job with DeadlineExceeded; ttlSecondsAfterFinished deletes it', async () => {
  const h = await startControllers([jobController, ttlAfterFinishedController], fast);
  try {
    await h.client.create(r.jobs, job('slow', { activeDeadlineSeconds: 1, ttlSecondsAfterFinished: 1 }));
    await eventually(async () => (await jobPods(h, 'slow')).length === 1, 5000, 'pod');
    await eventually(async () => condition(await getJob(h, 'slow'), 'Failed')?.status === 'True', 5000, 'deadline');
    const failed = await getJob(h, 'slow');
    assert.equal(condition(failed, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(failed, 'Failed')?.message, 'Job was active longer than specified deadline');
    assert.equal((await jobPods(h, 'slow')).length, 0, 'active pods deleted');
    await eventually(async () => {
      // Foreground deletion: without a garbage collector running, the Job stays marked for deletion.
      try {
        return Boolean((await getJob(h, 'slow')).metadata.deletionTimestamp);
      } catch {
        return true;
      }
    }, 5000, 'TTL deletion');
  } finally {
    await h.close();
  }
});

test('Job counts each pod once across a controller restart and a second controller catching up', async () => {
  const h = await startControllers([], fast);
  let run = runManager(h.client, [jobController], fast);
  try {
    await h.client.create(r.jobs, job('restart', { completions: 2, parallelism: 2 }));
    await eventually(async () => (await jobPods(h, 'restart')).length === 2, 5000, 'two pods');
    // The controller "crashes"; pods finish while it is down.
    await run.stop();
    const pods = await jobPods(h, 'restart');
    await setPodStatus(h.client, pods[0], 'Succeeded');
    await setPodStatus(h.client, pods[1], 'Failed');
    run = runManager(h.client, [jobController], fast);
    await eventually(async () => st(await getJob(h, 'restart')).failed === 1 && st(await getJob(h, 'restart')).succeeded === 1, 5000, 'counted after restart');
    await eventually(async () => (await jobPods(h, 'restart')).length === 1, 5000, 'replacement for the failed pod');
    // Another restart before anything changes must count nothing twice.
    await run.stop();
    run = runManager(h.client, [jobController], fast);
    await new Promise((res) => setTimeout(res, 300));
    const again = await getJob(h, 'restart');
    assert.equal(st(again).succeeded, 1);
    assert.equal(st(again).failed, 1);
    assert.equal((await jobPods(h, 'restart')).length, 1);
    await setPodStatus(h.client, (await jobPods(h, 'restart'))[0], 'Succeeded');
    await eventually(async () => condition(await getJob(h, 'restart'), 'Complete')?.status === 'True', 5000, 'Complete');
    assert.equal(st(await getJob(h, 'restart')).succeeded, 2);
  } finally {
    await run.stop();
    await h.close();
  }
});
