/** The caption every chart carries names the network in a few words, and the theory's round trip adds the parts. */
import { describe, expect, it } from 'vitest';
import { describeConditions, mbit, shapeChanged, theoryRttMs } from './network-caption.ts';

const state = (profile: string, rttMs: number, downKbps: number, upKbps: number, jitterMs = 0) => ({
  profile,
  rttMs,
  jitterMs,
  downKbps,
  upKbps,
});

describe('the network caption', () => {
  it('reads like the profiles table', () => {
    expect(describeConditions(state('fast-4g', 165, 8_100, 1_350), 'conditioner')).toBe(
      'fast-4g: +165 ms RTT, 8.1↓/1.35↑ Mbit/s',
    );
    expect(describeConditions(state('slow-4g', 562.5, 1_440, 675), 'conditioner')).toBe(
      'slow-4g: +562.5 ms RTT, 1.44↓/0.675↑ Mbit/s',
    );
    expect(describeConditions(state('none', 0, 0, 0), 'conditioner')).toBe('none: +0 ms RTT, unlimited bandwidth');
    expect(describeConditions(state('custom', 300, 2_000, 0, 20), 'conditioner')).toBe(
      'custom: +300 ms RTT (+0–20 ms jitter), 2↓/∞↑ Mbit/s',
    );
  });

  it('names faults while they last', () => {
    const faults = { stallRemainingMs: 2_100, chaosEverySeconds: 2, cutConnections: 7 };
    expect(describeConditions({ ...state('lan', 2, 0, 0), faults }, 'conditioner')).toBe(
      'lan: +2 ms RTT, unlimited bandwidth · stalled (3 s left) · chaos: a cut every ~2 s',
    );
  });

  it('says so when the clients do not go through the conditioner, or nothing is known yet', () => {
    expect(describeConditions(state('fast-4g', 165, 8_100, 1_350), 'direct')).toBe(
      'direct to the lab: no network shaping',
    );
    expect(describeConditions(null, 'conditioner')).toBe('network: unknown yet');
  });

  it('writes bandwidth in Mbit/s with three significant digits, ∞ for unlimited', () => {
    expect([mbit(8_100), mbit(1_350), mbit(675), mbit(400), mbit(100_000), mbit(0)]).toEqual([
      '8.1',
      '1.35',
      '0.675',
      '0.4',
      '100',
      '∞',
    ]);
  });
});

describe('the round trip the theory uses', () => {
  it('adds the conditioner’s round trip to the measured base one, only when the clients go through it', () => {
    expect(theoryRttMs(2, { rttMs: 165 }, 'conditioner')).toBe(167);
    expect(theoryRttMs(2, { rttMs: 165 }, 'direct')).toBe(2);
    expect(theoryRttMs(null, { rttMs: 165 }, 'conditioner')).toBe(165);
    expect(theoryRttMs(null, { rttMs: 0 }, 'conditioner')).toBeNull();
    expect(theoryRttMs(3, null, 'conditioner')).toBe(3);
  });

  it('starts the percentiles afresh only when the shaping changed, not for a fault', () => {
    const fast = state('fast-4g', 165, 8_100, 1_350);
    expect(shapeChanged(fast, { ...fast })).toBe(false);
    expect(
      shapeChanged(fast, { ...fast, faults: { stallRemainingMs: 5000, chaosEverySeconds: null, cutConnections: 0 } }),
    ).toBe(false);
    expect(shapeChanged(fast, state('none', 0, 0, 0))).toBe(true);
    expect(shapeChanged(fast, { ...fast, jitterMs: 10 })).toBe(true);
    expect(shapeChanged(null, fast)).toBe(true);
  });
});
