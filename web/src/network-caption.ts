/**
 * The active network conditions in a few words, for the caption on every
 * chart ("fast-4g: +165 ms RTT, 8.1↓/1.35↑ Mbit/s"), and the round trip the
 * theory uses: what the conditioner adds plus what this machine's own
 * network takes.
 */
import type { NetworkState } from '../../protocol/network-state.ts';

type Conditions = Pick<NetworkState, 'profile' | 'rttMs' | 'jitterMs' | 'downKbps' | 'upKbps'> & {
  faults?: NetworkState['faults'];
};

/** kbit/s as Mbit/s with up to three significant digits: 8100 → "8.1", 675 → "0.675"; 0 → "∞" (unlimited). */
export function mbit(kbps: number): string {
  if (kbps <= 0) return '∞';
  return String(Number((kbps / 1000).toPrecision(3)));
}

/** ms with at most one decimal: 165 → "165", 562.5 → "562.5". */
function ms(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * @param via whether this page's clients go through the conditioner; when they
 *   do not, its settings do not apply to what the page measures
 */
export function describeConditions(state: Conditions | null, via: 'conditioner' | 'direct'): string {
  if (state === null) return 'network: unknown yet';
  if (via === 'direct') return 'direct to the lab: no network shaping';
  const parts = [`+${ms(state.rttMs)} ms RTT`];
  if (state.jitterMs > 0) parts[0] += ` (+0–${ms(state.jitterMs)} ms jitter)`;
  parts.push(
    state.downKbps === 0 && state.upKbps === 0
      ? 'unlimited bandwidth'
      : `${mbit(state.downKbps)}↓/${mbit(state.upKbps)}↑ Mbit/s`,
  );
  let text = `${state.profile}: ${parts.join(', ')}`;
  const faults = state.faults;
  if (faults && faults.stallRemainingMs > 0) text += ` · stalled (${Math.ceil(faults.stallRemainingMs / 1000)} s left)`;
  if (faults && faults.chaosEverySeconds !== null) text += ` · chaos: a cut every ~${faults.chaosEverySeconds} s`;
  return text;
}

/**
 * The round trip theory should use (ms): the conditioner's added round trip
 * (when the clients go through it) plus the measured base round trip to the lab.
 */
export function theoryRttMs(
  baseRttMs: number | null,
  state: Pick<NetworkState, 'rttMs'> | null,
  via: 'conditioner' | 'direct',
): number | null {
  const added = via === 'conditioner' && state ? state.rttMs : 0;
  if (baseRttMs === null) return added > 0 ? added : null;
  return baseRttMs + added;
}

/** True when two network states shape traffic differently (faults aside), so old latencies no longer compare. */
export function shapeChanged(before: Conditions | null, after: Conditions): boolean {
  return (
    before === null ||
    before.rttMs !== after.rttMs ||
    before.jitterMs !== after.jitterMs ||
    before.downKbps !== after.downKbps ||
    before.upKbps !== after.upKbps
  );
}
