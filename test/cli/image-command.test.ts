import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { imagesRoot, registerImageCommand } from '../../src/cli/image-command.js';
import { ImageService } from '../../src/node/runtimes/container/image/index.js';
import { buildBusyboxImage, exportArchive, onPath } from '../support/registry.js';

const skip = !onPath('umoci') || !onPath('skopeo') || !existsSync('/usr/bin/busybox') ? 'umoci, skopeo or /usr/bin/busybox is not installed' : undefined;

/** Runs `wharf <args>` through the registered commands, returning what it printed. */
async function wharf(args: string[]): Promise<{ out: string; err: string }> {
  const program = new Command('wharf').exitOverride();
  registerImageCommand(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    console.log = log;
    console.error = error;
  }
  return { out: out.join('\n'), err: err.join('\n') };
}

test('wharf image import loads a docker-archive into <data dir>/images; ls and rm see it', { skip }, async () => {
  const work = await mkdtemp(path.join(tmpdir(), 'wharf-image-cli-'));
  const layout = await buildBusyboxImage({ tag: 'v1' });
  const exitCode = process.exitCode;
  try {
    const file = path.join(work, 'busybox.tar');
    await exportArchive(layout, 'v1', file, 'docker-archive', 'busybox:v1');
    const dataDir = path.join(work, 'data');
    const imported = await wharf(['image', 'import', file, '--data-dir', dataDir]);
    assert.match(imported.out, /^Loaded image: docker\.io\/library\/busybox:v1 \(sha256:[0-9a-f]{64}\)$/);
    const store = new ImageService({ root: imagesRoot(dataDir) });
    assert.ok(await store.findImage('busybox:v1'));

    const listed = await wharf(['image', 'ls', '--data-dir', dataDir]);
    const lines = listed.out.split('\n');
    assert.match(lines[0]!, /^IMAGE\s+DIGEST\s+SIZE$/);
    assert.match(lines[1]!, /^docker\.io\/library\/busybox:v1\s+sha256:[0-9a-f]{64}\s+\d+$/);

    const removed = await wharf(['image', 'rm', 'busybox:v1', 'busybox:absent', '--data-dir', dataDir]);
    assert.equal(removed.out, 'Deleted: busybox:v1');
    assert.equal(removed.err, 'wharf: image "busybox:absent" not found');
    assert.equal(process.exitCode, 1);
    assert.equal(await store.findImage('busybox:v1'), undefined);
  } finally {
    process.exitCode = exitCode;
    await layout.cleanup();
    await rm(work, { recursive: true, force: true });
  }
});
