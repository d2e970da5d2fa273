import cliProgress from 'cli-progress';
import { count } from './text.js';

/** Shows how far a run is, and prints notes without garbling the display. */
export interface Progress {
  update(done: number, total: number): void;
  /** Prints a line (a warning, a config reload) to the progress stream. */
  note(line: string): void;
  stop(): void;
}

/**
 * On a terminal, a progress bar (redrawn in place); otherwise plain lines at every 10% so that logs stay
 * readable. Both go to `stream` (stderr), leaving stdout to the summary.
 */
export function createProgress(stream: NodeJS.WriteStream, label: string): Progress {
  return stream.isTTY ? new BarProgress(stream, label) : new LineProgress(stream, label);
}

class BarProgress implements Progress {
  private readonly multi: cliProgress.MultiBar;
  private bar: cliProgress.SingleBar | undefined;

  constructor(stream: NodeJS.WriteStream, label: string) {
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

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

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
