import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dialInNetworkNamespace } from '../../../src/node/server/netns-dial.js';

function cannot(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to create a network namespace';
  for (const bin of ['/usr/bin/nsenter', '/usr/sbin/ip', '/usr/bin/busybox']) if (!existsSync(bin)) return `${bin} is not installed`;
  try {
    const probe = `wharf-probe-${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', probe]);
    execFileSync('ip', ['netns', 'del', probe]);
  } catch {
    return 'this machine cannot create network namespaces';
  }
  return false;
}

const skip = cannot();

test('dialInNetworkNamespace() reaches a port on a namespace\'s own loopback, and reports a refused one', { skip, timeout: 30_000 }, async (t) => {
  const ns = `wharf-dial-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  const path = `/run/netns/${ns}`;
  t.after(() => execFileSync('ip', ['netns', 'del', ns]));
  execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  // An echo server inside the namespace only: unreachable from the host's loopback.
  const server = spawn('nsenter', [`--net=${path}`, '--', 'busybox', 'nc', '-l', '-p', '7070', '-e', '/bin/cat'], { stdio: 'ignore' });
  t.after(() => server.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 300));
  const conn = await dialInNetworkNamespace(path, 7070);
  let got = '';
  conn.on('data', (d: Buffer) => (got += d.toString()));
  conn.write('inside the pod\n');
  const until = Date.now() + 5000;
  while (got !== 'inside the pod\n' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(got, 'inside the pod\n');
  conn.destroy();

  const refused = await dialInNetworkNamespace(path, 7071);
  const error = await new Promise<Error>((resolve) => refused.once('error', resolve));
  assert.match(error.message, /refused/i);
});
