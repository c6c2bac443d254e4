import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleGcOptions {
  /** How often the work counter is read; the process is quiet once a whole interval passed without work. */
  quietMs?: number;
  /** Runs one full collection; V8's own by default. */
  collect?: () => void;
}

/**
 * The quiet intervals after which a full collection runs. The first frees what a burst left behind: the
 * watch cache holds parsed objects only weakly, and V8 frees them only in full collections, which its
 * heuristics put off while the heap has room. The young generation (64 MiB semi-spaces, see
 * bin/wharf.js) keeps its pages through that one, because V8 shrinks it only in a collection that sees the
 * allocation rate has dropped; after 10,000 pod creates that is about 130 MiB resident for nothing. The
 * second collection, a few quiet seconds later, sees the rate fall and hands those pages back.
 */
const collectAtQuietIntervals = [1, 4];

/**
 * Runs full garbage collections once the process has been quiet for a while after a burst of work, so
 * that an idle server holds what it stores and not the peak of its last burst. `isBusy` is a counter
 * that moves with work (requests served); any move starts the count of quiet intervals again.
 */
export function collectGarbageWhenIdle(isBusy: () => number, opts: IdleGcOptions = {}): () => void {
  const collect = opts.collect ?? v8Collector();
  let lastWork = isBusy();
  let quietIntervals = Infinity;
  const timer = setInterval(() => {
    const work = isBusy();
    if (work !== lastWork) {
      lastWork = work;
      quietIntervals = 0;
      return;
    }
    quietIntervals++;
    if (collectAtQuietIntervals.includes(quietIntervals)) collect();
  }, opts.quietMs ?? 2000);
  timer.unref();
  return () => clearInterval(timer);
}

function v8Collector(): () => void {
  setFlagsFromString('--expose-gc');
  // Called without options on purpose: on Node 20's V8, gc({ type: 'major' }) runs a young-generation
  // scavenge, not a full collection.
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}
