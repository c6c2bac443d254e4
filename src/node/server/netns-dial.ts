import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

/**
 * A TCP connection to `port` on the loopback of a network namespace (a pod's), for
 * `Runtime.portForward`: kubelet forwards to the pod's own localhost, which only a process inside the
 * namespace can reach, so `nsenter --net=<path>` runs `busybox nc` there and its stdio is the
 * connection. A refused connection ends the stream with an error carrying nc's message.
 *
 * @example
 * portForward(uid, port) {
 *   return dialInNetworkNamespace(this.sandboxOf(uid).netnsPath, port);
 * }
 */
export async function dialInNetworkNamespace(netnsPath: string, port: number, opts: { nsenter?: string; busybox?: string } = {}): Promise<Duplex> {
  const child = spawn(opts.nsenter ?? 'nsenter', [`--net=${netnsPath}`, '--', opts.busybox ?? 'busybox', 'nc', '127.0.0.1', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.on('error', () => undefined);
  const conn = new Duplex({
    read() {
      child.stdout!.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (child.stdin!.destroyed) return cb();
      child.stdin!.write(chunk, () => cb());
    },
    final(cb) {
      child.stdin!.end();
      cb();
    },
    destroy(err, cb) {
      child.kill('SIGKILL');
      cb(err);
    },
  });
  child.stdout!.on('data', (d: Buffer) => {
    if (!conn.push(d)) child.stdout!.pause();
  });
  child.once('close', (code) => {
    if (code !== 0 && code !== null) {
      conn.destroy(new Error(stderr.trim().replace(/^nc: /, '') || `nc exited with ${code}`));
      return;
    }
    conn.push(null);
  });
  return conn;
}
