/**
 * Short polling: ask, get an answer at once (often empty), wait, ask again.
 * The wait is re-armed after each answer, so the period is interval + round
 * trip, the model the dashboard's theory uses too.
 *
 * Conditional (`shortPollConditional`): each request sends the last answer's
 * ETag as `If-None-Match` (and `?conditional=1`, so the lab tags its
 * answers); a `304 Not Modified` stands for an answer with nothing new.
 */
import type { PollResponse } from '../protocol/feed-event.ts';
import { MAX_EVENTS_PER_ANSWER } from '../protocol/limits.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { REQUEST_TIMEOUT_MS } from './feed-client.ts';
import { PollingClient, type PollRequest } from './polling-client.ts';

export class ShortPollClient extends PollingClient {
  readonly transport = 'short-poll' as const;
  /** The last answer's ETag and position, for the next conditional request. */
  private etag: string | null = null;
  private last: { epoch: string; next: number } | null = null;

  protected nextRequest(): PollRequest {
    const path = TRANSPORT_RECORDS[this.transport].path;
    const resume = this.positionQuery();
    if (!this.options.shortPollConditional) return { path, query: resume, timeoutMs: REQUEST_TIMEOUT_MS };
    const query = `${resume}&conditional=1`;
    const headers = this.etag === null ? undefined : { 'If-None-Match': this.etag };
    return { path, query, timeoutMs: REQUEST_TIMEOUT_MS, ...(headers ? { headers } : {}) };
  }

  protected override noteETag(etag: string | null): void {
    if (etag !== null) this.etag = etag;
  }

  protected override unchangedAnswer(): PollResponse | null {
    if (!this.options.shortPollConditional || this.last === null) return null;
    return { epoch: this.last.epoch, next: this.last.next, events: [] };
  }

  protected afterAnswer(answer: PollResponse): void {
    this.last = { epoch: answer.epoch, next: answer.next };
    // A full batch means more events are waiting: the API says to ask again at once.
    const delayMs = answer.events.length >= MAX_EVENTS_PER_ANSWER ? 0 : this.options.shortPollIntervalMs;
    this.setTimer(() => void this.poll(), delayMs);
  }
}
