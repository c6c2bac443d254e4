import os from 'node:os';
import { startModuleWorker } from '../api/module-worker.js';
import type { ComponentOptions } from './components.js';

/** What the components thread and `wharf up` tell each other. */
export type ComponentsMessage = { type: 'started' } | { type: 'stop' } | { type: 'stopped' } | { type: 'failed'; message: string };

export interface ComponentsThread {
  /** Stops the components (nodes and scheduler first), then the thread; at most `graceMs` before it is terminated. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The components' heap may grow as large as half the machine's memory: their informers hold every pod,
 * node and lease of a large cluster, and a thread's heap is otherwise capped like the main thread's
 * (about 4 GiB), where garbage collection thrashes long before memory runs out. The young generation is
 * four times V8's default (64 MiB semi-spaces): each watch event's parse and each write's objects die
 * young, and at 150,000 pods the default size had the thread scavenging every few dozen milliseconds,
 * 14 % of its time; at this size it spends half that.
 */
const resourceLimits = { maxOldGenerationSizeMb: Math.max(4096, Math.floor(os.totalmem() / 2 / 1048576)), maxYoungGenerationSizeMb: 192 };

/**
 * Starts the in-process components (controllers, scheduler, simulated and real nodes) in a worker thread,
 * so the API server has the main thread's core to itself and the components the other. Real nodes run
 * here too: they are API clients like the rest, and their own work (probes, log pumps, status writes)
 * would otherwise compete with the API server's requests; their containers are runc processes apart from
 * either thread, so they outlive the thread as they outlive kubelet. They already reach the
 * server over loopback HTTP(S), so nothing but the options crosses threads. A components thread that
 * fails after starting calls `onFailure` (the CLI exits: a cluster without its controllers is broken).
 */
export function startComponentsThread(opts: Omit<ComponentOptions, 'signal' | 'logger'>, onFailure: (message: string) => void): Promise<ComponentsThread> {
  const worker = startModuleWorker(import.meta.url, 'components-worker', { workerData: opts, resourceLimits });
  let stopping = false;
  return new Promise((resolve, reject) => {
    let started = false;
    const fail = (message: string): void => {
      if (!started) reject(new Error(`components did not start: ${message}`));
      else if (!stopping) onFailure(message);
    };
    worker.on('error', (e) => fail(e.stack ?? e.message));
    worker.on('exit', (code) => {
      if (!stopping) fail(`components thread exited with code ${code}`);
    });
    worker.on('message', (m: ComponentsMessage) => {
      if (m.type === 'failed') fail(m.message);
      if (m.type !== 'started') return;
      started = true;
      resolve({
        stop: async (graceMs = 5000) => {
          stopping = true;
          const stopped = new Promise<void>((done) => {
            worker.on('message', (r: ComponentsMessage) => {
              if (r.type === 'stopped' || r.type === 'failed') done();
            });
            worker.once('exit', () => done());
          });
          worker.postMessage({ type: 'stop' } satisfies ComponentsMessage);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([stopped, new Promise<void>((done) => (timer = setTimeout(done, graceMs)))]);
          clearTimeout(timer);
          await worker.terminate();
        },
      });
    });
  });
}
