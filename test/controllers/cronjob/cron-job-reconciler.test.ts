import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConflict, type KubeObject } from '../../../src/api/index.js';
import { cronJobController } from '../../../src/controllers/cronjob/index.js';
import { eventually, r, sleep, startControllers, type Harness } from '../workload-internal/harness.js';

/** A clock the test moves by hand, starting at real time (the CronJob's creation time is real). */
function testClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
    /** Moves to 5 seconds past the next minute. */
    nextMinute() {
      const now = Date.now() + offset;
      offset += Math.ceil((now + 1) / 60_000) * 60_000 + 5000 - now;
    },
  };
}

function cronJob(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
      ...spec,
    },
  };
}

async function start(): Promise<{ h: Harness; clock: ReturnType<typeof testClock> }> {
  const clock = testClock();
  const h = await startControllers([cronJobController], { cronjob: { now: clock.now, maxRequeueMs: 20 } });
  return { h, clock };
}

async function jobsOf(h: Harness, name: string): Promise<KubeObject[]> {
  const list = await h.client.list(r.jobs, { namespace: 'default', labelSelector: `app=${name}` });
  return list.items.filter((j) => !j.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function finishJob(h: Harness, job: KubeObject, outcome: 'Complete' | 'Failed'): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (;;) {
    const cur = await h.client.get(r.jobs, job.metadata.name!, { namespace: 'default' });
    const conditions =
      outcome === 'Complete'
        ? [
            { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
            { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
          ]
        : [
            { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now },
            { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now },
          ];
    const status = { startTime: now, ...(outcome === 'Complete' ? { completionTime: now, succeeded: 1 } : { failed: 1 }), conditions };
    try {
      await h.client.updateStatus(r.jobs, { ...cur, status });
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}

const statusOf = async (h: Harness, name: string) => (await h.client.get(r.cronJobs, name, { namespace: 'default' })).status as Record<string, unknown> & { active?: { name: string }[] };

test('CronJob starts a Job when its schedule comes, named after the scheduled minute, in its time zone', async () => {
  const { h, clock } = await start();
  try {
    await h.client.create(r.cronJobs, cronJob('tick', { timeZone: 'Asia/Tokyo' }));
    await sleep(100);
    assert.equal((await jobsOf(h, 'tick')).length, 0, 'nothing before the first minute');
    clock.nextMinute();
    await eventually(async () => (await jobsOf(h, 'tick')).length === 1, 5000, 'first job');
    const [job] = await jobsOf(h, 'tick');
    const scheduled = Math.floor((clock.now().getTime() - 5000) / 60_000) * 60_000;
    assert.equal(job.metadata.name, `tick-${scheduled / 60_000}`);
    assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(scheduled + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00'));
    assert.equal(job.metadata.ownerReferences?.[0].kind, 'CronJob');
    assert.equal(job.metadata.ownerReferences?.[0].controller, true);
    await eventually(async () => (await statusOf(h, 'tick')).active?.[0]?.name === job.metadata.name, 5000, 'active ref');
    const status = await statusOf(h, 'tick');
    assert.equal(status.lastScheduleTime, new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z'));

    // Allow: the next minute starts another even though the first still runs.
    clock.nextMinute();
    await eventually(async () => (await jobsOf(h, 'tick')).length === 2, 5000, 'second job');
    await finishJob(h, job, 'Complete');
    await eventually(async () => {
      const s = await statusOf(h, 'tick');
      return s.active?.length === 1 && typeof s.lastSuccessfulTime === 'string';
    }, 5000, 'completed job leaves active; lastSuccessfulTime');
  } finally {
    await h.close();
  }
});

test('CronJob with concurrencyPolicy Forbid skips while a Job runs; suspend stops it', async () => {
  const { h, clock } = await start();
  try {
    await h.client.create(r.cronJobs, cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    clock.nextMinute();
    await eventually(async () => (await jobsOf(h, 'forbid')).length === 1, 5000, 'first job');
    const [first] = await jobsOf(h, 'forbid');
    clock.nextMinute();
    await sleep(200);
    assert.equal((await jobsOf(h, 'forbid')).length, 1, 'forbidden while the first runs');
    await finishJob(h, first, 'Complete');
    // The missed start is still within reach (no startingDeadlineSeconds), so it runs once the first is done.
    await eventually(async () => (await jobsOf(h, 'forbid')).length === 2, 5000, 'second job after the first finished');

    await h.client.patch(r.cronJobs, 'forbid', { spec: { suspend: true } }, { namespace: 'default', type: 'merge' });
    for (const j of await jobsOf(h, 'forbid')) if (j.metadata.name !== first.metadata.name) await finishJob(h, j, 'Complete');
    await sleep(100);
    clock.nextMinute();
    await sleep(200);
    assert.equal((await jobsOf(h, 'forbid')).length, 2, 'suspended');
  } finally {
    await h.close();
  }
});

test('CronJob with concurrencyPolicy Replace deletes the running Job for the new one', async () => {
  const { h, clock } = await start();
  try {
    await h.client.create(r.cronJobs, cronJob('replace', { concurrencyPolicy: 'Replace' }));
    clock.nextMinute();
    await eventually(async () => (await jobsOf(h, 'replace')).length === 1, 5000, 'first job');
    const [first] = await jobsOf(h, 'replace');
    clock.nextMinute();
    await eventually(async () => {
      const jobs = await jobsOf(h, 'replace');
      return jobs.length === 1 && jobs[0].metadata.name !== first.metadata.name;
    }, 5000, 'replaced');
    await eventually(async () => {
      const s = await statusOf(h, 'replace');
      return s.active?.length === 1 && s.active[0].name !== first.metadata.name;
    }, 5000, 'active is the new job');
  } finally {
    await h.close();
  }
});

test('CronJob keeps only successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs, oldest deleted first', async () => {
  const { h, clock } = await start();
  try {
    await h.client.create(r.cronJobs, cronJob('hist', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock.nextMinute();
      await eventually(async () => (await jobsOf(h, 'hist')).some((j) => !made.includes(j.metadata.name!)), 5000, `job ${i}`);
      const job = (await jobsOf(h, 'hist')).find((j) => !made.includes(j.metadata.name!))!;
      made.push(job.metadata.name!);
      await finishJob(h, job, i < 2 ? 'Complete' : 'Failed');
      // Start times are whole seconds: keep them apart so "oldest" is well defined.
      await sleep(1000);
    }
    await eventually(async () => (await jobsOf(h, 'hist')).map((j) => j.metadata.name).join() === [made[1], made[3]].join(), 5000, 'history trimmed');
  } finally {
    await h.close();
  }
});

test('CronJob skips a start missed by more than startingDeadlineSeconds', async () => {
  const { h, clock } = await start();
  try {
    await h.client.create(r.cronJobs, cronJob('late', { startingDeadlineSeconds: 10, schedule: '0 * * * *' }));
    await sleep(100);
    // Jump to 30 s past the next full hour: that start is 30 s late, beyond the 10 s deadline.
    const now = clock.now().getTime();
    clock.advance(Math.ceil((now + 1) / 3_600_000) * 3_600_000 + 30_000 - now);
    await sleep(300);
    assert.equal((await jobsOf(h, 'late')).length, 0);
    // The next start is reached 5 s late, within the deadline: it runs.
    const t = clock.now().getTime();
    clock.advance(Math.ceil((t + 1) / 3_600_000) * 3_600_000 + 5000 - t);
    await eventually(async () => (await jobsOf(h, 'late')).length === 1, 5000, 'on-time start');
  } finally {
    await h.close();
  }
});
