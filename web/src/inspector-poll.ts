/**
 * The wire inspector's side of the store: `GET /api/inspect?client=ID`
 * every 2 s. A lab that answers 404 `LAB_ERR_NOT_FOUND` has no inspector:
 * the view says unsupported and the poll asks again only every 10 s (a lab
 * restarted with one shows it). Other errors keep the last data and say why.
 */

import { LabApiError } from '../../protocol/lab-api-error.ts';
import { describeError } from './describe-error.ts';
import type { LabApi } from './lab-api.ts';
import type { InspectView } from './lab-snapshot.ts';

/** ms between reads while the lab answers. */
export const INSPECT_POLL_MS = 2000;
/** ms between reads once the lab said it has no inspector. */
export const INSPECT_RETRY_MS = 10_000;

export class InspectorPoll {
  private latest: InspectView = { supported: null, data: null, error: null };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  /** @param clientId the page's clients' id: the inspector shows that id's exchanges */
  constructor(
    private readonly api: LabApi,
    private readonly clientId: string,
  ) {}

  /** The last read (the store's snapshot carries it; it redraws at the next tick). */
  get view(): InspectView {
    return this.latest;
  }

  /** Reads at once, then every 2 s (10 s on a lab without an inspector). */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.read(), delayMs);
  }

  private async read(): Promise<void> {
    if (!this.running) return;
    let next = INSPECT_POLL_MS;
    try {
      this.latest = { supported: true, data: await this.api.inspect(this.clientId), error: null };
    } catch (error) {
      if (error instanceof LabApiError && error.status === 404 && error.code === 'LAB_ERR_NOT_FOUND') {
        this.latest = { supported: false, data: null, error: null };
        next = INSPECT_RETRY_MS;
      } else {
        this.latest = { ...this.latest, error: describeError(error) };
      }
    }
    if (this.running) this.schedule(next);
  }
}
