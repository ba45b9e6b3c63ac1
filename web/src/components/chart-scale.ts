/**
 * Axis arithmetic for the page's own SVG charts: "nice" linear ticks from 0
 * (steps of 1, 2, 2.5 or 5 × a power of ten, as chart libraries choose them)
 * and the rectangle a chart plots in.
 */

export interface LinearAxis {
  /** The axis' end: the last tick, at or above every value. */
  max: number;
  ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

/**
 * About `count` ticks from 0 to at least `max`; `integer` keeps every tick a
 * whole number (counts, bytes). With nothing above 0: 0 … 1 (0 … 4 for whole numbers).
 */
export function linearAxis(max: number, integer = false, count = 5): LinearAxis {
  const top = Number.isFinite(max) && max > 0 ? max : integer ? count - 1 : 1;
  const rough = top / (count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const steps = [...STEPS.map((s) => Number((s * power).toPrecision(12))), 1].filter(
    (s) => !integer || Number.isInteger(s),
  );
  const step = steps.find((s) => s >= rough) ?? Number((10 * power).toPrecision(12));
  const n = Math.max(1, Math.ceil(top / step - 1e-9));
  const ticks: number[] = [];
  for (let i = 0; i <= n; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { max: n * step, ticks };
}

/** The largest finite number among the given fields of the rows (0 when none). */
export function largest<R>(rows: readonly R[], fields: ReadonlyArray<keyof R>): number {
  let max = 0;
  for (const row of rows) {
    for (const field of fields) {
      const value = row[field];
      if (typeof value === 'number' && Number.isFinite(value) && value > max) max = value;
    }
  }
  return max;
}

/** Where the plot sits inside the SVG (px). */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}
