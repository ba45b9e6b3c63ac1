/**
 * The six-connections demo's side of the store: its state for the page, and
 * a run counter. While the demo holds the page's connections, a lab call
 * waits in the browser's queue, so its wall-clock time is no round trip:
 * `mark()` before a call and `untouchedSince(mark)` after it tell whether
 * a run overlapped it.
 */
import { type LimitDemoOptions, runConnectionLimitDemo } from './connection-limit-demo.ts';
import { describeError } from './describe-error.ts';
import type { LimitDemoView } from './lab-snapshot.ts';

export interface LimitDemoControlOptions
  extends Pick<LimitDemoOptions, 'baseUrl' | 'clientId' | 'EventSource' | 'fetch' | 'now' | 'holdMs' | 'settleMs'> {
  /** Called on every change of the demo's state (start, progress, result): the page shows it at once. */
  changed: () => void;
}

export class LimitDemoControl {
  private state: LimitDemoView = { running: false, progress: null, result: null, error: null };
  /** Counts starts and ends of runs: an unchanged count across a call means no run began or ended during it. */
  private runs = 0;

  constructor(private readonly options: LimitDemoControlOptions) {}

  get view(): LimitDemoView {
    return this.state;
  }

  /** A token for `untouchedSince`: take it just before a timed call. */
  mark(): number {
    return this.runs;
  }

  /** True when no run was under way at `mark` or since: a call timed between the two was not held by the demo. */
  untouchedSince(mark: number): boolean {
    return mark === this.runs && !this.state.running;
  }

  /** Runs the demo once; a call while it runs does nothing. */
  async run(): Promise<void> {
    if (this.state.running) return;
    const { changed, ...demo } = this.options;
    this.runs++;
    this.state = { running: true, progress: 'starting…', result: null, error: null };
    changed();
    try {
      const result = await runConnectionLimitDemo({
        ...demo,
        onProgress: (progress) => {
          this.state = { ...this.state, progress };
          changed();
        },
      });
      this.state = { running: false, progress: null, result, error: null };
    } catch (error) {
      this.state = { running: false, progress: null, result: null, error: describeError(error) };
    }
    this.runs++;
    changed();
  }
}
