import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { runProcessWithIO } from '../../../src/node/server/process-io.js';

function io(opts: { stdin?: string; tty?: boolean; stderr?: boolean } = {}) {
  const stdout = new PassThrough();
  const stderr = opts.stderr === false ? undefined : new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const abort = new AbortController();
  const stdin = opts.stdin === undefined ? undefined : new PassThrough();
  if (stdin) stdin.end(opts.stdin);
  return { io: { stdin, stdout, stderr, tty: opts.tty ?? false, onResize: () => undefined, signal: abort.signal }, abort, out: () => out, err: () => err };
}

test('runProcessWithIO() feeds stdin, forwards stdout and stderr and resolves with the exit code', async () => {
  const x = io({ stdin: 'abc' });
  const code = await runProcessWithIO(spawn('sh', ['-c', 'cat; echo oops >&2; exit 3']), x.io);
  assert.equal(code, 3);
  assert.equal(x.out(), 'abc');
  assert.equal(x.err(), 'oops\n');
});

test('runProcessWithIO() puts stderr into stdout without a stderr stream (a terminal)', async () => {
  const x = io({ stderr: false, tty: true });
  assert.equal(await runProcessWithIO(spawn('sh', ['-c', 'echo a; echo b >&2']), x.io), 0);
  assert.equal(x.out().split('\n').sort().join(','), ',a,b');
});

test('runProcessWithIO() kills the process when the client goes away, and rejects what cannot start', async () => {
  const x = io();
  const running = runProcessWithIO(spawn('sleep', ['30']), x.io);
  setTimeout(() => x.abort.abort(), 50);
  assert.equal(await running, 137);
  await assert.rejects(runProcessWithIO(spawn('/no/such/binary'), io().io), /ENOENT/);
});
