import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * A container's CRI log file as a stream, for `Runtime.logs`: everything in it, and with
 * `follow` whatever is appended until `stopped` settles (the container exited), after which the rest is
 * read and the stream ends. A missing file reads as an empty log. Destroying the stream stops it.
 *
 * @example
 * logs(uid, name, req) {
 *   return Promise.resolve(readLogFile(this.logPath(uid, name, req.previous)!, { follow: req.follow, stopped: exitedPromise }));
 * }
 */
export function readLogFile(path: string, opts: { follow: boolean; stopped?: Promise<unknown> }): Readable {
  let offset = 0;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ending = false;
  let reading: Promise<void> = Promise.resolve();
  const out = new Readable({ read() {} });
  const stop = (): void => {
    watcher?.close();
    if (timer) clearInterval(timer);
  };
  const readMore = (): Promise<void> => {
    reading = reading.then(async () => {
      if (out.destroyed) return;
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      try {
        for (;;) {
          const buf = Buffer.alloc(64 * 1024);
          const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          out.push(buf.subarray(0, bytesRead));
        }
      } finally {
        await handle.close();
      }
    });
    return reading.catch((e: Error) => void out.destroy(e));
  };
  const finish = (): void => {
    if (ending) return;
    ending = true;
    stop();
    void readMore().then(() => {
      if (!out.destroyed) out.push(null);
    });
  };
  out.on('close', stop);
  if (!opts.follow) {
    finish();
    return out;
  }
  void readMore();
  try {
    watcher = watch(path, () => void readMore());
    watcher.on('error', () => undefined);
  } catch {
    // Not there yet, or no inotify: the poll below still reads.
  }
  timer = setInterval(() => void readMore(), 250);
  timer.unref();
  opts.stopped?.then(finish, finish);
  return out;
}
