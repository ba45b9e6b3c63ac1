/**
 * A log axis for latencies across a class: one browser's 2 ms and another's
 * 900 ms fit on one line, and equal ratios look equal. The domain snaps to
 * powers of ten, so the ticks are 1, 10, 100 … ms.
 */

/** Smallest value an axis shows (ms): 0 cannot sit on a log axis. */
export const LOG_FLOOR = 0.1;

export interface LogDomain {
  lo: number;
  hi: number;
  ticks: number[];
}

/** The powers of ten around every value (at least one decade); values ≤ 0 count as the floor. */
export function logDomain(values: readonly number[]): LogDomain {
  const positive = values.map((v) => Math.max(LOG_FLOOR, Number.isFinite(v) ? v : LOG_FLOOR));
  const min = positive.length > 0 ? Math.min(...positive) : 1;
  const max = positive.length > 0 ? Math.max(...positive) : 100;
  const lo = 10 ** Math.floor(Math.log10(min));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi <= lo) hi = lo * 10;
  const ticks: number[] = [];
  for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(Number(t.toPrecision(1)));
  return { lo, hi, ticks };
}

/** Position (0 … width) of `value` on the domain, clamped to its ends. */
export function logPosition(value: number, domain: LogDomain, width: number): number {
  const v = Math.min(domain.hi, Math.max(domain.lo, Math.max(LOG_FLOOR, value)));
  return (Math.log(v / domain.lo) / Math.log(domain.hi / domain.lo)) * width;
}
