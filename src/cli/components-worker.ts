/**
 * The entry point of the thread `wharf up` runs its components in (see components-thread.ts): starts the
 * controllers, scheduler, simulated and real nodes with the options it was given, and stops them when asked.
 */
import { setMaxListeners } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { startComponents, type ComponentOptions } from './components.js';
import type { ComponentsMessage } from './components-thread.js';

const port = parentPort;
if (!port) throw new Error('components-worker runs only as a worker thread');
const post = (m: ComponentsMessage): void => port.postMessage(m);

const abort = new AbortController();
// Every informer, worker and node listens for this one signal.
setMaxListeners(0, abort.signal);

try {
  const running = await startComponents({ ...(workerData as Omit<ComponentOptions, 'signal' | 'logger'>), signal: abort.signal });
  port.on('message', (m: ComponentsMessage) => {
    if (m.type !== 'stop') return;
    abort.abort();
    void Promise.all([running.nodes.stop(), running.scheduler.stop(), ...running.containerNodes.map((n) => n.stop())])
      .then(() => post({ type: 'stopped' }))
      .catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
  });
  post({ type: 'started' });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
