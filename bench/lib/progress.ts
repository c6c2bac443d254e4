import { Presets, SingleBar } from 'cli-progress';

/** One progress bar per benchmark phase, on stderr so that stdout keeps only the results. */
export class Progress {
  private bar: SingleBar | undefined;

  start(phase: string, total: number): void {
    this.stop();
    this.bar = new SingleBar(
      {
        format: `${phase.padEnd(28)} [{bar}] {percentage}% | {value}/{total} | {rate}/s | {duration_formatted}`,
        barsize: 30,
        fps: 10,
        hideCursor: true,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, 0, { rate: '0' });
    this.startedAt = Date.now();
  }

  private startedAt = 0;

  update(value: number): void {
    if (!this.bar) return;
    const secs = (Date.now() - this.startedAt) / 1000;
    this.bar.update(value, { rate: secs > 0 ? Math.round(value / secs).toString() : '0' });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  /** A one-line message between bars. */
  note(message: string): void {
    this.stop();
    process.stderr.write(`${message}\n`);
  }
}
