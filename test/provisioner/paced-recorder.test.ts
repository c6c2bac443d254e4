import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/index.js';
import type { EventType } from '../../src/client/index.js';
import { PacedRecorder } from '../../src/provisioner/paced-recorder.js';

/** A recorder whose writes take a few ms each; it remembers how many were unwritten at once at most. */
class SlowRecorder {
  readonly written: string[] = [];
  private unwritten: string[] = [];
  maxUnwritten = 0;
  private timer: Promise<void> | undefined;

  event(_obj: KubeObject, _type: EventType, reason: string, _message: string): void {
    this.unwritten.push(reason);
    this.maxUnwritten = Math.max(this.maxUnwritten, this.unwritten.length);
    this.timer ??= new Promise<void>((resolve) =>
      setTimeout(() => {
        this.written.push(...this.unwritten);
        this.unwritten = [];
        this.timer = undefined;
        resolve();
      }, 3),
    );
  }

  async flush(): Promise<void> {
    while (this.timer) await this.timer;
  }
}

const claim: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', uid: 'u1' } };

test('PacedRecorder hands at most `batch` events to the recorder before they are written, in order, dropping none', async () => {
  const recorder = new SlowRecorder();
  const paced = new PacedRecorder(recorder, 4);
  for (let i = 0; i < 50; i++) paced.event(claim, 'Normal', `R${i}`, 'm');
  assert.ok(paced.queued >= 46, 'the burst waits in the pacer, not in the recorder');
  await paced.flush();
  assert.equal(paced.queued, 0);
  assert.deepEqual(recorder.written, Array.from({ length: 50 }, (_, i) => `R${i}`));
  assert.equal(recorder.maxUnwritten, 4);
});

test('PacedRecorder starts draining again after going idle', async () => {
  const recorder = new SlowRecorder();
  const paced = new PacedRecorder(recorder, 2);
  paced.event(claim, 'Normal', 'A', 'm');
  await paced.flush();
  paced.event(claim, 'Warning', 'B', 'm');
  paced.event(claim, 'Normal', 'C', 'm');
  paced.event(claim, 'Normal', 'D', 'm');
  await paced.flush();
  assert.deepEqual(recorder.written, ['A', 'B', 'C', 'D']);
  assert.equal(recorder.maxUnwritten, 2);
});

test('PacedRecorder drops events past maxQueued and counts them', async () => {
  const recorder = new SlowRecorder();
  const paced = new PacedRecorder(recorder, 2, 5);
  for (let i = 0; i < 8; i++) paced.event(claim, 'Normal', `R${i}`, 'm');
  // The first went to the recorder at once (the drain starts with it); five wait; two were dropped.
  assert.equal(paced.queued, 5);
  assert.equal(paced.dropped, 2);
  await paced.flush();
  assert.deepEqual(recorder.written, ['R0', 'R1', 'R2', 'R3', 'R4', 'R5']);
});

test('PacedRecorder refuses a bad batch size and an unknown event type at once', () => {
  assert.throws(() => new PacedRecorder(new SlowRecorder(), 0), RangeError);
  assert.throws(() => new PacedRecorder(new SlowRecorder(), 4, 0), /maxQueued must be a positive integer/);
  const paced = new PacedRecorder(new SlowRecorder());
  assert.throws(() => paced.event(claim, 'Error' as EventType, 'X', 'm'), TypeError);
  assert.equal(paced.queued, 0);
});

test('PacedRecorder folds a repeat of an event still waiting in its queue into it', async () => {
  const handed: { reason: string; times: number | undefined }[] = [];
  const recorder = {
    event(_obj: KubeObject, _type: EventType, reason: string, _message: string, times?: number): void {
      handed.push({ reason, times });
    },
    flush: () => new Promise<void>((r) => setTimeout(r, 5)),
  };
  const paced = new PacedRecorder(recorder, 1);
  paced.event(claim, 'Normal', 'First', 'm');
  for (let i = 0; i < 3; i++) paced.event(claim, 'Normal', 'ExternalProvisioning', 'waiting');
  paced.event({ ...claim, metadata: { ...claim.metadata, uid: 'u2' } }, 'Normal', 'ExternalProvisioning', 'waiting');
  await paced.flush();
  assert.deepEqual(handed, [
    { reason: 'First', times: 1 },
    { reason: 'ExternalProvisioning', times: 3 },
    { reason: 'ExternalProvisioning', times: 1 },
  ]);
});
