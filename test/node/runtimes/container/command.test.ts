import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError, runCommand } from '../../../../src/node/runtimes/container/command.js';

test('runCommand() resolves with stdout and passes arguments without a shell', async () => {
  assert.equal(await runCommand('/bin/echo', ['a b', '$(not expanded)']), 'a b $(not expanded)\n');
  assert.equal(await runCommand('/bin/cat', [], { input: 'fed' }), 'fed');
});

test('runCommand() rejects with CommandError carrying the exit code and stderr', async () => {
  await assert.rejects(runCommand('/bin/sh', ['-c', 'echo bad >&2; exit 3']), (e: unknown) => e instanceof CommandError && e.exitCode === 3 && e.stderr === 'bad\n' && /failed \(exit 3\): bad/.test(e.message));
});
