/**
 * The load-balancer lesson's word for what one transport went through since
 * nginx's config was switched, measured from the client's side of the
 * balancer (only the client sees nginx's own 502 and 504, and its cuts).
 * Defined once here; the page and the tests feed it the same hooks of a
 * FeedClient (`onWire`, `onEvent`, and the `x-lab-instance` of each answer).
 *
 * The first rule that holds, in this order (README "The load-balancer lesson"):
 * - `refused`: a feed request answered 4xx/5xx, or a stream (SSE, WebSocket)
 *   that closed before it opened (a browser hides a refused upgrade's status);
 * - `cut`: a stream closed after it had opened, or a poll ended without an answer;
 * - `stalled`: the feed has an event this transport has not delivered, and it
 *   delivered nothing for `STALL_MS`;
 * - `moved`: its answers came from more than one instance (polls: each answer's
 *   `x-lab-instance`; a browser's EventSource and WebSocket show no headers);
 * - `fine`: none of these.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import type { WireActivity } from './feed-client.ts';

export type LoadBalancerEffect = 'refused' | 'cut' | 'stalled' | 'moved' | 'fine';

/** ms without a delivery, while the feed has more, after which a transport is `stalled`. */
export const STALL_MS = 5000;

/** The counts behind the word, since the switch. */
export interface LoadBalancerTally {
  /** Feed requests answered 4xx/5xx, and streams that closed before they opened. */
  refused: number;
  /** Streams closed after they opened, and polls that ended without an answer. */
  cut: number;
  /** The instances that answered (`x-lab-instance`), in order of first answer. */
  instances: string[];
  /** The newest seq delivered since the switch, or the feed's seq at the switch when higher. */
  lastSeq: number;
  /** ms since the last delivery (or the switch, before the first). */
  quietMs: number;
}

export class LoadBalancerEffectRecorder {
  private readonly path: string;
  private refused = 0;
  private cut = 0;
  private readonly instances = new Set<string>();
  private streamOpen = false;
  private lastSeq: number | null = null;
  private lastDeliveryAt: number;

  /**
   * @param since when the switch took effect (ms, on the clock `now` values use)
   * @param seqAtSince the feed's newest seq then: only events after it can be missed
   */
  constructor(
    readonly transport: TransportName,
    since: number,
    private readonly seqAtSince: number,
  ) {
    this.path = TRANSPORT_RECORDS[transport].path;
    this.lastDeliveryAt = since;
  }

  /** A FeedClient's `onWire` activity (only the transport's own feed path counts, not publishes). */
  wire(activity: WireActivity): void {
    if (activity.kind === 'open') this.streamOpen = true;
    if (activity.kind === 'close') {
      if (this.streamOpen) this.cut++;
      else this.refused++;
      this.streamOpen = false;
    }
    if (activity.kind === 'request-end' && activity.detail?.path === this.path) {
      const status = activity.detail.status;
      if (status === undefined) this.cut++;
      else if (status >= 400) this.refused++;
    }
  }

  /** An answer's `x-lab-instance` header (null when it had none). */
  answeredBy(instance: string | null): void {
    if (instance) this.instances.add(instance);
  }

  /** An event delivered (FeedClient's `onEvent`), at `at` ms. */
  delivered(seq: number, at: number): void {
    this.lastSeq = Math.max(this.lastSeq ?? 0, seq);
    this.lastDeliveryAt = at;
  }

  tally(now: number): LoadBalancerTally {
    return {
      refused: this.refused,
      cut: this.cut,
      instances: [...this.instances],
      lastSeq: Math.max(this.lastSeq ?? 0, this.seqAtSince),
      quietMs: now - this.lastDeliveryAt,
    };
  }

  /**
   * @param feedSeq the feed's newest seq now (same epoch), to tell a quiet feed from a stalled transport
   */
  effect(now: number, feedSeq: number): LoadBalancerEffect {
    return loadBalancerEffect(this.tally(now), feedSeq);
  }
}

/** The word for a tally (the rules in this file's comment, in their order). */
export function loadBalancerEffect(tally: LoadBalancerTally, feedSeq: number): LoadBalancerEffect {
  if (tally.refused > 0) return 'refused';
  if (tally.cut > 0) return 'cut';
  if (feedSeq > tally.lastSeq && tally.quietMs >= STALL_MS) return 'stalled';
  if (tally.instances.length > 1) return 'moved';
  return 'fine';
}

/** `fetch` that tells `onInstance` which lab instance answered each request (its `x-lab-instance`). */
export function fetchNotingInstance(base: typeof fetch, onInstance: (instance: string | null) => void): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    onInstance(response.headers.get('x-lab-instance'));
    return response;
  };
}
