/**
 * What one client's start cost before its first event: the time (from its
 * first request, `timeToFirstEventMs` in protocol/figures.ts), the HTTP
 * requests it had sent, and the bytes of its transport, both directions.
 * The bytes come from the lab's meter for this page's client id, read as
 * the first event arrives. Requests and events still in flight race that
 * reading (a polling client asks again at once, a probe WebSocket may be
 * connecting), so the reading says what it covers: its bytes, and the
 * requests and events the lab had counted. When those are the client's
 * requests and the events that arrived with the first (one frame, or one
 * poll answer's batch), the bytes are exactly the start's, the answer or
 * frame carrying the first event included; otherwise the column says what
 * more they hold.
 */
import { metricsSince, timeToFirstEventMs, totalBytes } from '../../protocol/figures.ts';
import type { TransportMetrics } from '../../protocol/metrics.ts';

export interface FirstEventView {
  /** ms from the first request to the first event; null before that event. */
  timeToFirstEventMs: number | null;
  /** HTTP requests the client had sent when its first event came (a stream's or an upgrade's request counts one). */
  requests: number;
  /** The lab's reading taken as the first event came; null until it came back. */
  reading: FirstEventReading | null;
}

export interface FirstEventReading {
  /** Bytes of the transport since the client started, both directions. */
  bytes: number;
  /** The requests and events the lab had counted by then. */
  requests: number;
  events: number;
  /** They are exactly the client's requests before its first event and the events that arrived with it. */
  exact: boolean;
}

export class FirstEventSetup {
  private firstRequestAt: number | null = null;
  private firstEventAt: number | null = null;
  private requests = 0;
  private measured: FirstEventReading | null = null;
  /** Events that arrived with the first (in the same task: one answer's batch), and whether that batch is over. */
  private firstArrival = 0;
  private arrivalOver = false;
  private reading: TransportMetrics | null = null;

  /** @param meterAtStart the lab's reading of this transport for the page's client id when the client started */
  constructor(private readonly meterAtStart: TransportMetrics) {}

  /** The client sent a request (only those before its first event count). */
  request(at: number): void {
    if (this.firstEventAt !== null) return;
    this.firstRequestAt ??= at;
    this.requests++;
  }

  /**
   * @returns true for the client's first event: the moment to read the lab's meter (`meterRead`) and to end the
   * first arrival once the current task is over (`arrivalEnded`)
   */
  event(at: number): boolean {
    if (this.firstEventAt === null) {
      this.firstEventAt = at;
      this.firstArrival = 1;
      return true;
    }
    if (!this.arrivalOver) this.firstArrival++;
    return false;
  }

  /** The task that delivered the first event is over: every event of its answer or frame has been counted. */
  arrivalEnded(): void {
    this.arrivalOver = true;
    this.compare();
  }

  /** The lab's reading taken as the first event came. */
  meterRead(reading: TransportMetrics): void {
    this.reading = reading;
    this.compare();
  }

  private compare(): void {
    if (!this.arrivalOver || this.reading === null) return;
    const since = metricsSince(this.reading, this.meterAtStart);
    this.measured = {
      bytes: totalBytes(since),
      requests: since.requests,
      events: since.messages,
      exact: since.messages === this.firstArrival && since.requests === this.requests,
    };
  }

  view(): FirstEventView {
    return {
      timeToFirstEventMs: timeToFirstEventMs(this.firstRequestAt, this.firstEventAt),
      requests: this.requests,
      reading: this.measured,
    };
  }
}
