/**
 * A load run as the dashboard follows it: the run's view (`GET /api/load`),
 * the last refused call in plain words, and whether a start or stop is on
 * its way. Reads once on start (a run someone else started shows too), then
 * about once a second while a run goes, one read at a time however slowly
 * the lab answers, and not at all otherwise.
 */

import type { LoadRunRequest, LoadRunState, LoadRunView } from '../../../protocol/load-run-view.ts';
import type { ControlError } from '../control-error.ts';
import type { LabApi } from '../lab-api.ts';
import { plainLoadRunError } from '../load-run-api.ts';

/** How often a running run is read, ms: its progress lines come about once a second. */
export const LOAD_POLL_MS = 1000;

export interface LoadRunWatchState {
  /** The run as last read; null before the first answer. */
  run: LoadRunView | null;
  error: ControlError | null;
  /** A start or stop was sent and has not been answered. */
  sending: boolean;
}

/** A run that is starting or running: the form is locked and the watch polls. */
export const isActive = (state: LoadRunState | undefined): boolean => state === 'starting' || state === 'running';

export class LoadRunWatch {
  private current: LoadRunWatchState = { run: null, error: null, sending: false };
  private timer: ReturnType<typeof setInterval> | null = null;
  private reading = false;
  private watching = false;

  /** @param changed called after every change of `state` */
  constructor(
    private readonly api: LabApi,
    private readonly changed: () => void,
  ) {}

  /** Immutable: a new object on every change (React compares it). */
  get state(): LoadRunWatchState {
    return this.current;
  }

  /** Reads the run once, then polls while it is active. */
  watch(): void {
    this.watching = true;
    void this.read();
  }

  /** Stops polling; answers still under way are dropped. */
  unwatch(): void {
    this.watching = false;
    this.follow();
  }

  /** `POST /api/load`. */
  begin(request: LoadRunRequest): Promise<void> {
    return this.send(() => this.api.startLoadRun(request));
  }

  /** `DELETE /api/load`. */
  end(): Promise<void> {
    return this.send(() => this.api.stopLoadRun());
  }

  dismissError(): void {
    this.update({ error: null });
  }

  private async send(call: () => Promise<LoadRunView>): Promise<void> {
    this.update({ error: null, sending: true });
    try {
      const run = await call();
      this.update({ run, sending: false });
    } catch (error) {
      this.update({ error: plainLoadRunError(error, this.api.hasToken), sending: false });
    }
  }

  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const run = await this.api.loadRun();
      if (this.watching) this.update({ run });
    } catch (error) {
      if (this.watching) this.update({ error: plainLoadRunError(error, this.api.hasToken) });
    } finally {
      this.reading = false;
    }
  }

  private update(change: Partial<LoadRunWatchState>): void {
    this.current = { ...this.current, ...change };
    this.follow();
    this.changed();
  }

  /** Polls exactly while watched and the run is active. */
  private follow(): void {
    const poll = this.watching && isActive(this.current.run?.state);
    if (poll && !this.timer) this.timer = setInterval(() => void this.read(), LOAD_POLL_MS);
    if (!poll && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
