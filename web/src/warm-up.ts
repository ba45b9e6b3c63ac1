/**
 * Warm-up honesty: until a transport has enough data in the segment, its
 * figures say "measuring…" instead of a percentile or a share of one sample,
 * and no badge (fastest, fewest bytes) compares it.
 */

/** Latency percentiles and bytes per event need this many events in the segment. */
export const MIN_EVENTS = 3;
/** Shares of answers and request rates need this many requests in the segment… */
export const MIN_REQUESTS = 5;
/** …and this much of the segment (ms): a rate over less says little. */
export const MIN_SEGMENT_MS = 2000;

export interface Readiness {
  latency: boolean;
  bytes: boolean;
  requests: boolean;
}

export function readiness(latencySamples: number, events: number, requests: number, segmentAgeMs: number): Readiness {
  return {
    latency: latencySamples >= MIN_EVENTS,
    bytes: events >= MIN_EVENTS,
    requests: requests >= MIN_REQUESTS && segmentAgeMs >= MIN_SEGMENT_MS,
  };
}

/**
 * Whether a column's requests per second may be shown: a rate needs
 * MIN_SEGMENT_MS of segment. Polls also need MIN_REQUESTS requests
 * (`ready.requests`); a stream makes one request per connection, so once it
 * has delivered MIN_EVENTS events (`ready.bytes`) over that long its rate of
 * almost nothing is measured, not missing.
 */
export function requestRateReady(ready: Readiness, segmentAgeMs: number): boolean {
  return ready.requests || (ready.bytes && segmentAgeMs >= MIN_SEGMENT_MS);
}
