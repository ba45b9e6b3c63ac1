/** The base round trip comes from Resource Timing: request sent → response ended, never the time queued. */
import { describe, expect, it } from 'vitest';
import { roundTripOf } from './base-rtt.ts';

describe('the base round trip of one request', () => {
  it('is responseEnd − requestStart', () => {
    expect(roundTripOf({ requestStart: 1_000.5, responseEnd: 1_002.25 })).toBe(1.75);
  });

  it('is unknown when the browser hides the timing or it makes no sense', () => {
    expect(roundTripOf({ requestStart: 0, responseEnd: 12 })).toBeNull();
    expect(roundTripOf({ requestStart: 20, responseEnd: 10 })).toBeNull();
  });
});
