import { performance } from 'node:perf_hooks';

export interface PoolResult {
  /** Latency of each operation in milliseconds, by operation index. */
  latencies: Float64Array;
  /** Wall time from the first start to the last completion, milliseconds. */
  elapsedMs: number;
  errors: { index: number; message: string }[];
}

/**
 * Runs `op(i)` for i in [from, from+count) from `concurrency` clients, each starting its next operation when
 * the previous one ends (closed loop). `op` resolves with an error message, or undefined on success.
 */
export async function runPool(
  from: number,
  count: number,
  concurrency: number,
  op: (i: number) => Promise<string | undefined>,
  onDone?: (completed: number) => void,
): Promise<PoolResult> {
  const latencies = new Float64Array(count);
  const errors: { index: number; message: string }[] = [];
  let next = 0;
  let completed = 0;
  const started = performance.now();
  const client = async () => {
    while (next < count) {
      const k = next++;
      const t0 = performance.now();
      let message: string | undefined;
      try {
        message = await op(from + k);
      } catch (e) {
        message = e instanceof Error ? e.message : String(e);
      }
      latencies[k] = performance.now() - t0;
      if (message !== undefined) errors.push({ index: from + k, message });
      completed++;
      onDone?.(completed);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { latencies, elapsedMs: performance.now() - started, errors };
}
