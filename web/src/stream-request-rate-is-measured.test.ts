/** A request rate is shown once it is measured: polls after 5 requests and 2 s, streams after 3 events and 2 s. */
import { describe, expect, it } from 'vitest';
import { MIN_EVENTS, MIN_REQUESTS, MIN_SEGMENT_MS, readiness, requestRateReady } from './warm-up.ts';

describe('when requests per second may be shown', () => {
  it('a poll needs its requests and the segment time', () => {
    expect(requestRateReady(readiness(10, 10, MIN_REQUESTS, MIN_SEGMENT_MS), MIN_SEGMENT_MS)).toBe(true);
    expect(requestRateReady(readiness(0, 0, MIN_REQUESTS, MIN_SEGMENT_MS - 1), MIN_SEGMENT_MS - 1)).toBe(false);
  });

  it('a stream with one request counts once it has delivered events for long enough', () => {
    expect(requestRateReady(readiness(MIN_EVENTS, MIN_EVENTS, 1, MIN_SEGMENT_MS), MIN_SEGMENT_MS)).toBe(true);
    expect(requestRateReady(readiness(MIN_EVENTS, MIN_EVENTS, 0, MIN_SEGMENT_MS - 1), MIN_SEGMENT_MS - 1)).toBe(false);
    expect(requestRateReady(readiness(MIN_EVENTS - 1, MIN_EVENTS - 1, 0, MIN_SEGMENT_MS), MIN_SEGMENT_MS)).toBe(false);
  });
});
