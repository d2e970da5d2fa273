import cliProgress from 'cli-progress';
import { count } from './text.js';

/** Shows how far a run is, and prints notes without garbling the display. */
export interface Progress {
  update(done: number, total: number): void;
  /** After 100%: pods still pending are retried; shown at most every {@link RetryEveryMs}. */
  retrying(pending: number, cycles: number): void;
  /** Prints a line (a warning, a config reload) to the progress stream. */
  note(line: string): void;
  stop(): void;
}

/**
 * On a terminal, a progress bar (redrawn in place); otherwise plain lines at every 10% so that logs stay
 * readable. Both go to `stream` (stderr), leaving stdout to the summary.
 */
/** How often the retry phase after 100% is reported (wall-clock ms). */
export const RetryEveryMs = 2_000;

/** A throttled line about the retries that go on after every pod had its first decision. */
class RetryNotes {
  private last = performance.now();
  constructor(private readonly label: string) {}
  /** The line to print now, or undefined when the last one is too recent. */
  line(pending: number, cycles: number, started: number): string | undefined {
    const now = performance.now();
    if (now - this.last < RetryEveryMs) return undefined;
    this.last = now;
    return `${this.label}: retrying, ${count(pending)} pods pending, ${count(cycles)} scheduling cycles (${((now - started) / 1000).toFixed(1)} s)`;
  }
}

export function createProgress(stream: NodeJS.WriteStream, label: string): Progress {
  return stream.isTTY ? new BarProgress(stream, label) : new LineProgress(stream, label);
}

class BarProgress implements Progress {
  private readonly multi: cliProgress.MultiBar;
  private bar: cliProgress.SingleBar | undefined;
  private readonly started = performance.now();
  private readonly retries: RetryNotes;

  constructor(stream: NodeJS.WriteStream, label: string) {
    this.retries = new RetryNotes(label);
    this.multi = new cliProgress.MultiBar(
      {
        stream,
        format: `${label} |{bar}| {percentage}% | {value}/{total} pods | {duration_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        clearOnComplete: true,
        fps: 15,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(done: number, total: number): void {
    this.bar ??= this.multi.create(total, 0);
    this.bar.update(done);
  }

  retrying(pending: number, cycles: number): void {
    const line = this.retries.line(pending, cycles, this.started);
    if (line) this.multi.log(`${line}\n`);
  }

  note(line: string): void {
    this.multi.log(`${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}

class LineProgress implements Progress {
  private nextTenth = 1;
  private readonly started = performance.now();
  private readonly retries: RetryNotes;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {
    this.retries = new RetryNotes(label);
  }

  retrying(pending: number, cycles: number): void {
    const line = this.retries.line(pending, cycles, this.started);
    if (line) this.stream.write(`${line}\n`);
  }

  update(done: number, total: number): void {
    if (total === 0 || this.nextTenth > 10 || done * 10 < total * this.nextTenth) return;
    // One line per crossing, at the highest tenth reached (small runs cross several tenths at once).
    while (this.nextTenth <= 10 && done * 10 >= total * this.nextTenth) this.nextTenth++;
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`${this.label}: ${Math.floor((done * 100) / total)}% (${count(done)} of ${count(total)} pods, ${seconds} s)\n`);
  }

  note(line: string): void {
    this.stream.write(`${line}\n`);
  }

  stop(): void {}
}
