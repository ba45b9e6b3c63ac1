/**
 * Slider positions for the custom network: round trip and jitter move in even
 * steps, bandwidth in steps that grow (64 kbit/s to 100 Mbit/s), so one
 * slider covers a 3G link and a fibre line alike. 0 is "unlimited".
 */

/** kbit/s; the first is unlimited. */
export const BANDWIDTH_STEPS = [
  0, 64, 128, 256, 400, 512, 675, 1000, 1350, 1440, 2000, 4000, 8100, 10_000, 20_000, 50_000, 100_000,
] as const;

export const RTT_RANGE = { min: 0, max: 3000, step: 5 } as const;
export const JITTER_RANGE = { min: 0, max: 1000, step: 5 } as const;

/** The slider index whose bandwidth is nearest to `kbps` (unlimited only for 0 itself). */
export function bandwidthIndex(kbps: number): number {
  if (kbps <= 0) return 0;
  let best = 1;
  for (let i = 1; i < BANDWIDTH_STEPS.length; i++) {
    const step = BANDWIDTH_STEPS[i] ?? 0;
    // Compare on a log scale: 1000 is as far from 500 as from 2000.
    if (Math.abs(Math.log(step / kbps)) < Math.abs(Math.log((BANDWIDTH_STEPS[best] ?? 1) / kbps))) best = i;
  }
  return best;
}

/** The bandwidth at a slider index, clamped to the steps. */
export function bandwidthAt(index: number): number {
  const i = Math.max(0, Math.min(BANDWIDTH_STEPS.length - 1, Math.round(index)));
  return BANDWIDTH_STEPS[i] ?? 0;
}

/** A bandwidth for a label: "unlimited", "400 kbit/s", "8.1 Mbit/s". */
export function bandwidthLabel(kbps: number): string {
  if (kbps <= 0) return 'unlimited';
  if (kbps < 1000) return `${kbps} kbit/s`;
  return `${Number((kbps / 1000).toPrecision(3))} Mbit/s`;
}
