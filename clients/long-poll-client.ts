/**
 * Long polling: the server holds each request until an event after `since`
 * exists (or `timeoutMs` passes); the client asks again as soon as an answer
 * arrives, so at most one request is outstanding at any time.
 */
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { REQUEST_TIMEOUT_MS } from './feed-client.ts';
import { PollingClient, type PollRequest } from './polling-client.ts';

export class LongPollClient extends PollingClient {
  readonly transport = 'long-poll' as const;

  protected nextRequest(): PollRequest {
    const timeoutMs = this.options.longPollTimeoutMs;
    const query = `${this.positionQuery()}&timeoutMs=${timeoutMs}`;
    // The server answers by timeoutMs; the extra margin only catches a stalled network.
    return { path: TRANSPORT_RECORDS[this.transport].path, query, timeoutMs: timeoutMs + REQUEST_TIMEOUT_MS };
  }

  protected afterAnswer(): void {
    // Re-poll at once (not through a timer): the re-arm delay would add to every event's latency.
    void this.poll();
  }
}
