/**
 * Long polling: the server holds each request until an event after `since`
 * exists (or `timeoutMs` passes); the client asks again as soon as an answer
 * arrives, so at most one request is outstanding at any time.
 */
import type { UpstreamMessage } from '../protocol/feed-event.ts';
import { FeedClient, REQUEST_TIMEOUT_MS } from './feed-client.ts';

export class LongPollClient extends FeedClient {
  readonly transport = 'long-poll' as const;

  protected connect(): void {
    void this.poll();
  }

  protected disconnect(): void {
    // The held request belongs to the base class, which stop() already aborted.
  }

  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    return this.postUpstream(message);
  }

  private async poll(): Promise<void> {
    const timeoutMs = this.options.longPollTimeoutMs;
    const resume = this.resumeQuery();
    const query = resume ? `${resume}&timeoutMs=${timeoutMs}` : `timeoutMs=${timeoutMs}`;
    // The server answers by timeoutMs; the extra margin only catches a stalled network.
    const answer = await this.pollOnce(
      '/api/feed/long-poll',
      query,
      timeoutMs + REQUEST_TIMEOUT_MS,
      () => void this.poll(),
    );
    // Re-poll at once (not through a timer): the re-arm delay would add to every event's latency.
    if (answer && this.running) void this.poll();
  }
}
