/**
 * Server-Sent Events through the environment's EventSource. EventSource
 * reconnects by itself (sending Last-Event-ID) while its readyState is
 * CONNECTING; only when it gives up (CLOSED: e.g. a non-200 answer) does this
 * client open a new one, after the backoff, with its position in the query.
 */
import type { UpstreamMessage } from '../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { FeedClient, type FeedClientOptions } from './feed-client.ts';
import { FeedClientError } from './feed-client-error.ts';

// EventSource.CONNECTING / CLOSED, as numbers so no global is touched.
const CONNECTING = 0;
const CLOSED = 2;

export class SseClient extends FeedClient {
  readonly transport = 'sse' as const;
  private source: EventSource | null = null;

  constructor(options: FeedClientOptions) {
    super(options);
    if (!options.env.EventSource) {
      throw new FeedClientError('LAB_ERR_CLIENT_OPTIONS', 'the sse transport needs env.EventSource');
    }
  }

  protected connect(): void {
    const EventSourceImpl = this.env.EventSource;
    if (!EventSourceImpl) return;
    const epoch = this.epoch;
    // The URL is fixed for the EventSource's life: its own reconnects override
    // lastEventId with the Last-Event-ID header, and epoch stays as given here.
    const resume = epoch === null ? '' : `lastEventId=${this.lastSeq}&epoch=${encodeURIComponent(epoch)}`;
    const source = new EventSourceImpl(this.url(TRANSPORT_RECORDS[this.transport].path, resume));
    this.source = source;
    this.wire('request-start', { path: TRANSPORT_RECORDS[this.transport].path });

    source.addEventListener('open', () => {
      if (source !== this.source) return;
      this.wire('open');
      this.markOpen();
    });
    source.addEventListener('message', (message) => {
      if (source !== this.source) return;
      const receivedAt = this.env.now();
      this.wire('message');
      try {
        this.receive(this.parseEvent(String(message.data)), receivedAt);
      } catch (error) {
        this.noteError(error);
      }
    });
    const onControl = (message: Event): void => {
      if (source !== this.source) return;
      this.wire('message');
      try {
        const control = this.parseControl(JSON.parse(String((message as MessageEvent).data)));
        if (control) this.handleControl(control);
      } catch (error) {
        this.noteError(error);
      }
    };
    source.addEventListener('hello', onControl);
    source.addEventListener('reset', onControl);
    source.addEventListener('error', () => {
      if (source !== this.source) return;
      this.noteError(new FeedClientError('LAB_ERR_CLIENT_SSE', 'EventSource error'));
      this.wire('close');
      if (source.readyState === CONNECTING) {
        this.noteReconnecting();
      } else if (source.readyState === CLOSED) {
        this.source = null;
        source.close();
        this.retryLater(() => this.connect());
      }
    });
  }

  protected disconnect(): void {
    const source = this.source;
    this.source = null;
    if (source) this.wire('close');
    source?.close();
  }

  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    return this.postUpstream(message);
  }
}
