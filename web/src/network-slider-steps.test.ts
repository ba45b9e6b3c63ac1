/** One bandwidth slider spans 64 kbit/s to 100 Mbit/s in growing steps; 0 is unlimited. */
import { describe, expect, it } from 'vitest';
import { BANDWIDTH_STEPS, bandwidthAt, bandwidthIndex, bandwidthLabel } from './network-sliders.ts';

describe('bandwidth slider steps', () => {
  it('puts every profile’s bandwidth exactly on a step', () => {
    for (const kbps of [0, 400, 675, 1_350, 1_440, 2_000, 8_100, 10_000]) {
      expect(bandwidthAt(bandwidthIndex(kbps))).toBe(kbps);
    }
  });

  it('snaps other values to the nearest step on a log scale, never to unlimited', () => {
    expect(bandwidthAt(bandwidthIndex(8))).toBe(64);
    expect(bandwidthAt(bandwidthIndex(700))).toBe(675);
    expect(bandwidthAt(bandwidthIndex(3_000))).toBe(4_000);
    expect(bandwidthAt(bandwidthIndex(10_000_000))).toBe(100_000);
  });

  it('clamps positions and labels values for people', () => {
    expect(bandwidthAt(-3)).toBe(0);
    expect(bandwidthAt(999)).toBe(BANDWIDTH_STEPS.at(-1));
    expect([bandwidthLabel(0), bandwidthLabel(400), bandwidthLabel(8_100)]).toEqual([
      'unlimited',
      '400 kbit/s',
      '8.1 Mbit/s',
    ]);
  });
});
