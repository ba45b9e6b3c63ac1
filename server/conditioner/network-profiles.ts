/**
 * The network conditioner's named profiles. The mobile ones take Chrome
 * DevTools' throttling values, so a learner can compare with what DevTools
 * shows; unlike DevTools (which delays whole requests inside the browser),
 * the lab applies them to TCP bytes, so WebSocket and SSE are shaped too.
 */
import type { LinkShape } from '../../protocol/network-state.ts';

/** What one setting of the conditioner adds on top of loopback. */
export const NETWORK_PROFILE_NAMES = ['none', 'lan', 'fast-4g', 'slow-4g', '3g', 'satellite'] as const;
export type NetworkProfileName = (typeof NETWORK_PROFILE_NAMES)[number];
/** A named profile, or `custom` for values set one by one. */
export type NetworkProfileId = NetworkProfileName | 'custom';

export interface NetworkProfile extends LinkShape {
  id: NetworkProfileName;
  title: string;
  /** What to look for with this profile (shown by the dashboard). */
  notice: string;
}

export const NETWORK_PROFILES = {
  none: {
    id: 'none',
    title: 'No shaping (loopback)',
    rttMs: 0,
    jitterMs: 0,
    downKbps: 0,
    upKbps: 0,
    notice: 'On one machine every transport looks instant: the differences are in requests and bytes, not time.',
  },
  lan: {
    id: 'lan',
    title: 'LAN (~2 ms round trip)',
    rttMs: 2,
    jitterMs: 0,
    downKbps: 0,
    upKbps: 0,
    notice: 'A classroom network: latency stays tiny, so polling intervals dominate what you see.',
  },
  'fast-4g': {
    id: 'fast-4g',
    title: 'Fast 4G (DevTools)',
    rttMs: 165,
    jitterMs: 0,
    downKbps: 8_100,
    upKbps: 1_350,
    notice: 'SSE and WebSocket arrive in about half a round trip; long polling pays a round trip after each answer.',
  },
  'slow-4g': {
    id: 'slow-4g',
    title: 'Slow 4G (DevTools)',
    rttMs: 562.5,
    jitterMs: 0,
    downKbps: 1_440,
    upKbps: 675,
    notice: 'Every new connection costs a whole extra round trip before its first byte: watch keep-alive pay off.',
  },
  '3g': {
    id: '3g',
    title: '3G (DevTools)',
    rttMs: 2_000,
    jitterMs: 0,
    downKbps: 400,
    upKbps: 400,
    notice: 'Headers now cost time, not just bytes: a 500-byte request head takes 10 ms at 400 kbit/s.',
  },
  satellite: {
    id: 'satellite',
    title: 'Geostationary satellite',
    rttMs: 600,
    jitterMs: 0,
    downKbps: 10_000,
    upKbps: 2_000,
    notice: 'Plenty of bandwidth, long distance: more bandwidth does not shorten a round trip.',
  },
} as const satisfies Record<NetworkProfileName, NetworkProfile>;

export function isNetworkProfileName(value: unknown): value is NetworkProfileName {
  return typeof value === 'string' && (NETWORK_PROFILE_NAMES as readonly string[]).includes(value);
}
