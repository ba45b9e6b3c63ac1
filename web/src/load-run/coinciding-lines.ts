/**
 * Lines of a load chart that lie on top of each other: at the same rate the
 * three push transports deliver the same messages per second, and the last
 * line drawn hides the others. Those that coincide are drawn one inside the
 * other — the first widest, underneath — each with its own dash, and the
 * chart names them in words.
 */
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { LoadSample, PerTransport } from '../../../protocol/load-run-view.ts';

/** Two values coincide on a chart when they differ by less than this share of the larger one. */
export const COINCIDE_SHARE = 0.03;
/** … or by less than this in the chart's own unit (near zero a share means nothing). */
export const COINCIDE_ABSOLUTE = 0.5;
/** How much wider each line is than the one drawn inside it (px). */
export const NESTED_STEP_PX = 2.5;

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(COINCIDE_ABSOLUTE, COINCIDE_SHARE * Math.max(Math.abs(a), Math.abs(b)));
}

/** Whether `a` and `b` coincide: at least 2 samples with both, and every one of them close. */
function coincide(
  samples: readonly LoadSample[],
  pick: (s: LoadSample) => PerTransport,
  a: TransportName,
  b: TransportName,
) {
  let shared = 0;
  for (const sample of samples) {
    const values = pick(sample);
    const x = values[a];
    const y = values[b];
    if (x === undefined || y === undefined) continue;
    if (!close(x, y)) return false;
    shared++;
  }
  return shared >= 2;
}

/**
 * Groups of 2 or more transports whose lines coincide, in `transports`' order;
 * a transport joins the first group whose first member it coincides with.
 */
export function coincidingGroups(
  samples: readonly LoadSample[],
  pick: (s: LoadSample) => PerTransport,
  transports: readonly TransportName[],
): TransportName[][] {
  const groups: TransportName[][] = [];
  for (const transport of transports) {
    const group = groups.find((g) => g[0] !== undefined && coincide(samples, pick, g[0], transport));
    if (group) group.push(transport);
    else groups.push([transport]);
  }
  return groups.filter((g) => g.length > 1);
}

/**
 * Each line's stroke width (px): `base` for a line alone; within a group of
 * coinciding lines, the first widest and the last `base`, so each shows
 * around the one drawn on top of it.
 */
export function lineWidths(
  groups: readonly (readonly TransportName[])[],
  transports: readonly TransportName[],
  base: number,
): Record<string, number> {
  const widths: Record<string, number> = Object.fromEntries(transports.map((t) => [t, base]));
  for (const group of groups) {
    group.forEach((t, i) => {
      widths[t] = base + NESTED_STEP_PX * (group.length - 1 - i);
    });
  }
  return widths;
}
