import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, imageEvents, imageNeverPull, imagePullFailed, invalidImageName, isImageError } from '../../../../../src/node/runtimes/container/image/image-errors.js';

test('image errors carry the waiting reason and kubelet\'s message', () => {
  const never = imageNeverPull('busybox');
  assert.ok(isImageError(never));
  assert.equal(never.reason, 'ErrImageNeverPull');
  assert.equal(never.message, 'Container image "busybox" is not present with pull policy of Never');
  const failed = imagePullFailed('docker.io/library/nope:latest', 'failed to resolve reference "docker.io/library/nope:latest": docker.io/library/nope:latest: not found');
  assert.equal(failed.reason, 'ErrImagePull');
  assert.equal(failed.message, 'failed to pull and unpack image "docker.io/library/nope:latest": failed to resolve reference "docker.io/library/nope:latest": docker.io/library/nope:latest: not found');
  assert.equal(invalidImageName('A', 'invalid reference format').reason, 'InvalidImageName');
  assert.equal(isImageError(new Error('x')), false);
});

test('imageEvents word the pull events as kubelet does', () => {
  assert.equal(imageEvents.pulling('busybox'), 'Pulling image "busybox"');
  assert.equal(imageEvents.pulled('busybox', 1661, 4269694), 'Successfully pulled image "busybox" in 1.661s (1.661s including waiting). Image size: 4269694 bytes.');
  assert.equal(imageEvents.pulled('nginx', 313.4, 10, 1594), 'Successfully pulled image "nginx" in 313ms (1.594s including waiting). Image size: 10 bytes.');
  assert.equal(imageEvents.alreadyPresent('busybox'), 'Container image "busybox" already present on machine');
  assert.equal(imageEvents.failed('busybox', 'boom'), 'Failed to pull image "busybox": boom');
  assert.equal(imageEvents.backOff('busybox'), 'Back-off pulling image "busybox"');
  assert.equal(formatDuration(123_400), '2m3.4s');
});
