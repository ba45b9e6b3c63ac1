/** Number formatting for figures meant to be read from across a classroom. */

/** Milliseconds with sensible precision: 0.42, 3.1, 512. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  if (value < 1) return value.toFixed(2);
  if (value < 10) return value.toFixed(1);
  return Math.round(value).toString();
}

/** A byte count with its unit, for chart axes: 0 B, 800 B, 80 kB, 1.2 MB (SI, as network tools count). */
export function bytes(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const [n, unit] =
    value < 1000
      ? [value, 'B']
      : value < 1e6
        ? [value / 1e3, 'kB']
        : value < 1e9
          ? [value / 1e6, 'MB']
          : [value / 1e9, 'GB'];
  return `${Number(n.toFixed(n < 10 ? 1 : 0))} ${unit}`;
}

/** A whole count with thin grouping: 12 345. */
export function count(value: number): string {
  // A regex, not toLocaleString: the first Intl call costs the page 15–18 ms at startup.
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** A rate: 0.2, 4.7, 30. */
export function rate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 10) return value.toFixed(1);
  return Math.round(value).toString();
}
