import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs a full garbage collection once the process has been quiet for a moment after a burst of work.
 * The watch cache holds parsed objects only weakly; V8 frees them only in full collections, which its
 * heuristics put off while the heap has room, so without this a busy minute leaves its peak behind.
 */
export function collectGarbageWhenIdle(isBusy: () => number, quietMs = 2000): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (opts?: { type: 'major' }) => void;
  let lastWork = isBusy();
  let collected = true;
  const timer = setInterval(() => {
    const work = isBusy();
    if (work !== lastWork) {
      lastWork = work;
      collected = false;
      return;
    }
    if (!collected) {
      collected = true;
      gc();
    }
  }, quietMs);
  timer.unref();
  return () => clearInterval(timer);
}
