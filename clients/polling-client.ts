/**
 * What both polling clients share: one request at a time, each answer's
 * events through the sequence bookkeeping, upstream as HTTP POSTs, and the
 * backoff after a failure. A polling transport says only what to ask
 * (`nextRequest`) and when to ask again (`afterAnswer`).
 */
import type { PollResponse, UpstreamMessage } from '../protocol/feed-event.ts';
import { isPollResponse } from '../protocol/feed-message-guards.ts';
import { FeedClient } from './feed-client.ts';
import { FeedClientError } from './feed-client-error.ts';

/** One poll to make: the endpoint, its query after `client=` and how long to wait for the answer (ms). */
export interface PollRequest {
  path: string;
  query: string;
  timeoutMs: number;
  /** Extra request headers (a conditional poll's `If-None-Match`). */
  headers?: Record<string, string>;
}

export abstract class PollingClient extends FeedClient {
  /** Sent as `start` until the client has a position, the same on every retry (server/transports/poll-starts.ts). */
  private startToken = '';

  /** The next request, built when it is sent (the resume position moves with each answer). */
  protected abstract nextRequest(): PollRequest;
  /** What to do once an answer was handled: re-arm a timer, or poll again at once (`this.poll()`). */
  protected abstract afterAnswer(answer: PollResponse): void;

  /**
   * What a `304 Not Modified` means for this client: the answer it stands for
   * (nothing new since its last one). Null, as here: it never asks conditionally,
   * so a 304 is a bad answer.
   */
  protected unchangedAnswer(): PollResponse | null {
    return null;
  }

  /** Told each answer's ETag (null without one), before the answer is handled. */
  protected noteETag(_etag: string | null): void {}

  protected connect(): void {
    this.startToken = randomToken();
    void this.poll();
  }

  /**
   * `since=…&epoch=…` once the client has a position; before that `start=<token>`, so that a retry after a
   * lost first answer resumes from where the first request began, not from a later "now".
   */
  protected positionQuery(): string {
    return this.resumeQuery() || `start=${this.startToken}`;
  }

  protected disconnect(): void {
    // The in-flight request and the re-arm timer belong to the base class, which stop() already cleared.
  }

  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    return this.postUpstream(message);
  }

  /** One poll; after it, `afterAnswer`, or on failure the backoff and another poll. */
  protected async poll(): Promise<void> {
    const answer = await this.pollOnce(this.nextRequest());
    if (answer && this.running) this.afterAnswer(answer);
  }

  /**
   * One poll request. Handles the answer and returns it, or counts the failure,
   * schedules another poll after the backoff and returns null. Also null when the
   * client was stopped meanwhile (the request is aborted by stop()).
   */
  private async pollOnce({ path, query, timeoutMs, headers }: PollRequest): Promise<PollResponse | null> {
    const run = this.run;
    try {
      const init = headers ? { headers } : {};
      const answer = await this.requestJson(this.url(path, query), init, timeoutMs);
      if (run !== this.run) return null;
      const { receivedAt } = answer;
      const body = answer.status === 304 ? this.unchangedAnswer() : answer.body;
      this.noteETag(answer.etag);
      if (!isPollResponse(body))
        throw new FeedClientError('LAB_ERR_CLIENT_BAD_ANSWER', `unexpected poll answer from ${path}`);
      this.markOpen();
      this.handlePollAnswer(body, receivedAt);
      // An app hook may have stopped (or restarted) the client while handling the answer.
      return run === this.run ? body : null;
    } catch (error) {
      if (run !== this.run) return null;
      this.noteError(error);
      this.retryLater(() => void this.poll());
      return null;
    }
  }
}

/** 16 random letters and digits (crypto.getRandomValues works on plain-HTTP pages too, unlike randomUUID). */
function randomToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => alphabet[byte % alphabet.length]).join('');
}
