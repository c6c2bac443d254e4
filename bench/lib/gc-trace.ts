/**
 * Reads the lines `node --trace-gc` prints (one per collection, prefixed with `[pid:isolate]`) and sums
 * them per isolate, so a benchmark can tell which thread's heap pauses how long and how large it is.
 */

export interface IsolateGc {
  /** The isolate's address as printed; threads are told apart by it. */
  isolate: string;
  scavenges: number;
  scavengeMs: number;
  fullCollections: number;
  fullMs: number;
  /** The longest single pause of any kind. */
  maxPauseMs: number;
  /** Heap in use after the last full collection, MB as V8 prints it. */
  liveAfterLastFullMb: number;
  /** Largest heap in use before any collection, MB. */
  peakUsedMb: number;
}

const line = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: ([A-Za-z -]+?)(?: \([a-z ]+\))? ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB,.*?([\d.]+) \/ ([\d.]+) ms/;

export function summarizeGcTrace(text: string): IsolateGc[] {
  const byIsolate = new Map<string, IsolateGc>();
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (!m) continue;
    const [, isolate, kind, before, , after, , pause] = m as unknown as [string, string, string, string, string, string, string, string];
    let s = byIsolate.get(isolate);
    if (!s) {
      s = { isolate, scavenges: 0, scavengeMs: 0, fullCollections: 0, fullMs: 0, maxPauseMs: 0, liveAfterLastFullMb: 0, peakUsedMb: 0 };
      byIsolate.set(isolate, s);
    }
    const ms = Number(pause);
    if (kind === 'Scavenge' || kind.startsWith('Minor')) {
      s.scavenges++;
      s.scavengeMs += ms;
    } else {
      s.fullCollections++;
      s.fullMs += ms;
      s.liveAfterLastFullMb = Number(after);
    }
    s.maxPauseMs = Math.max(s.maxPauseMs, ms);
    s.peakUsedMb = Math.max(s.peakUsedMb, Number(before));
  }
  return [...byIsolate.values()];
}
