/**
 * Short polling: ask, get an answer at once (often empty), wait, ask again.
 * The wait is re-armed after each answer, so the period is interval + round
 * trip, the model the dashboard's theory uses too.
 */
import type { PollResponse } from '../protocol/feed-event.ts';
import { MAX_EVENTS_PER_ANSWER } from '../protocol/limits.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { REQUEST_TIMEOUT_MS } from './feed-client.ts';
import { type PollRequest, PollingClient } from './polling-client.ts';

export class ShortPollClient extends PollingClient {
  readonly transport = 'short-poll' as const;

  protected nextRequest(): PollRequest {
    return { path: TRANSPORT_RECORDS[this.transport].path, query: this.positionQuery(), timeoutMs: REQUEST_TIMEOUT_MS };
  }

  protected afterAnswer(answer: PollResponse): void {
    // A full batch means more events are waiting: the API says to ask again at once.
    const delayMs = answer.events.length >= MAX_EVENTS_PER_ANSWER ? 0 : this.options.shortPollIntervalMs;
    this.setTimer(() => void this.poll(), delayMs);
  }
}
