/**
 * Short polling: ask, get an answer at once (often empty), wait, ask again.
 * The wait is re-armed after each answer, so the period is interval + round
 * trip, the model the dashboard's theory uses too.
 */
import type { UpstreamMessage } from '../protocol/feed-event.ts';
import { MAX_EVENTS_PER_ANSWER } from '../protocol/limits.ts';
import { FeedClient, REQUEST_TIMEOUT_MS } from './feed-client.ts';

export class ShortPollClient extends FeedClient {
  readonly transport = 'short-poll' as const;

  protected connect(): void {
    void this.poll();
  }

  protected disconnect(): void {
    // The in-flight request and the re-arm timer belong to the base class, which stop() already cleared.
  }

  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    return this.postUpstream(message);
  }

  private async poll(): Promise<void> {
    const answer = await this.pollOnce(
      '/api/feed/short-poll',
      this.resumeQuery(),
      REQUEST_TIMEOUT_MS,
      () => void this.poll(),
    );
    if (!answer) return;
    // A full batch means more events are waiting: the API says to ask again at once.
    const delayMs = answer.events.length >= MAX_EVENTS_PER_ANSWER ? 0 : this.options.shortPollIntervalMs;
    this.setTimer(() => void this.poll(), delayMs);
  }
}
