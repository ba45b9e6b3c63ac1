/** The class plot's log axis snaps to powers of ten and places values by ratio. */
import { describe, expect, it } from 'vitest';
import { LOG_FLOOR, logDomain, logPosition } from './log-scale.ts';

describe('the log axis', () => {
  it('spans the powers of ten around the values', () => {
    expect(logDomain([2.3, 870])).toEqual({ lo: 1, hi: 1000, ticks: [1, 10, 100, 1000] });
    expect(logDomain([0.42, 3])).toEqual({ lo: 0.1, hi: 10, ticks: [0.1, 1, 10] });
  });

  it('keeps at least one decade, and treats 0 as its floor', () => {
    expect(logDomain([10, 10])).toEqual({ lo: 10, hi: 100, ticks: [10, 100] });
    expect(logDomain([0, 5]).lo).toBe(LOG_FLOOR);
    expect(logDomain([])).toEqual({ lo: 1, hi: 100, ticks: [1, 10, 100] });
  });

  it('places equal ratios at equal distances, clamped to the ends', () => {
    const domain = logDomain([1, 1000]);
    expect(logPosition(1, domain, 300)).toBe(0);
    expect(logPosition(10, domain, 300)).toBeCloseTo(100);
    expect(logPosition(100, domain, 300)).toBeCloseTo(200);
    expect(logPosition(5000, domain, 300)).toBe(300);
    expect(logPosition(0, domain, 300)).toBe(0);
  });
});
