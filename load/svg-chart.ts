/**
 * Line charts as SVG text, drawn by hand (no chart library in Node): panels
 * side by side sharing one x axis quantity, one coloured line per series, a
 * legend, and a <title> on every point so a browser shows its exact value.
 */

export interface Series {
  name: string;
  /** Any SVG colour. */
  color: string;
  /** Points in x order; a null y leaves a gap (the value was unknown). */
  points: Array<{ x: number; y: number | null }>;
}

export interface Panel {
  title: string;
  /** Shown on the y axis, e.g. `% of a core`. */
  unit: string;
  series: Series[];
}

const PANEL_WIDTH = 320;
const PANEL_HEIGHT = 240;
const MARGIN = { top: 84, right: 24, bottom: 64, left: 64 };
const GAP = 40;

/**
 * @param title the chart's heading
 * @param subtitle one line under it (settings, machine)
 * @param xLabel the x axis, e.g. `clients`
 */
export function svgLineCharts(title: string, subtitle: string, xLabel: string, panels: Panel[]): string {
  const width = MARGIN.left + panels.length * PANEL_WIDTH + (panels.length - 1) * (GAP + MARGIN.left) + MARGIN.right;
  const height = MARGIN.top + PANEL_HEIGHT + MARGIN.bottom + 24;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
    `<text x="${MARGIN.left}" y="44" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const left = MARGIN.left + i * (PANEL_WIDTH + GAP + MARGIN.left);
    parts.push(drawPanel(panel, left, MARGIN.top, xLabel));
  });
  // One legend for all panels: every panel has the same series.
  const names = new Map<string, string>();
  for (const panel of panels) for (const series of panel.series) names.set(series.name, series.color);
  let x = MARGIN.left;
  const y = height - 16;
  for (const [name, color] of names) {
    parts.push(`<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${color}"/>`);
    parts.push(`<text x="${x + 20}" y="${y - 4}">${escapeXml(name)}</text>`);
    x += 40 + name.length * 7;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function drawPanel(panel: Panel, left: number, top: number, xLabel: string): string {
  const xs = panel.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = panel.series.flatMap((s) => s.points.flatMap((p) => (p.y === null ? [] : [p.y])));
  const xTicks = niceTicks(Math.max(0, ...xs));
  const yTicks = niceTicks(Math.max(0, ...ys));
  const xMax = xTicks.at(-1) ?? 1;
  const yMax = yTicks.at(-1) ?? 1;
  const sx = (x: number): number => left + (x / xMax) * PANEL_WIDTH;
  const sy = (y: number): number => top + PANEL_HEIGHT - (y / yMax) * PANEL_HEIGHT;
  const out: string[] = [`<g>`, `<text x="${left}" y="${top - 10}" font-weight="600">${escapeXml(panel.title)}</text>`];
  for (const tick of yTicks) {
    out.push(`<line x1="${left}" x2="${left + PANEL_WIDTH}" y1="${sy(tick)}" y2="${sy(tick)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${sy(tick) + 4}" text-anchor="end" fill="#555">${label(tick)}</text>`);
  }
  for (const tick of xTicks) {
    out.push(
      `<line x1="${sx(tick)}" x2="${sx(tick)}" y1="${top + PANEL_HEIGHT}" y2="${top + PANEL_HEIGHT + 4}" stroke="#999"/>`,
    );
    out.push(
      `<text x="${sx(tick)}" y="${top + PANEL_HEIGHT + 18}" text-anchor="middle" fill="#555">${label(tick)}</text>`,
    );
  }
  out.push(`<rect x="${left}" y="${top}" width="${PANEL_WIDTH}" height="${PANEL_HEIGHT}" fill="none" stroke="#999"/>`);
  out.push(
    `<text x="${left + PANEL_WIDTH / 2}" y="${top + PANEL_HEIGHT + 38}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${left - 48} ${top + PANEL_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.unit)}</text>`,
  );
  for (const series of panel.series) {
    // A gap (null) ends one polyline and the next point starts another.
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1)
        out.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const point of series.points) {
      if (point.y === null) {
        flush();
        continue;
      }
      run.push(`${round(sx(point.x))},${round(sy(point.y))}`);
      out.push(
        `<circle cx="${round(sx(point.x))}" cy="${round(sy(point.y))}" r="3.5" fill="${series.color}">` +
          `<title>${escapeXml(`${series.name}: ${label(point.x)} ${xLabel} → ${label(point.y)} ${panel.unit}`)}</title></circle>`,
      );
    }
    flush();
  }
  out.push('</g>');
  return out.join('\n');
}

/** 0 and round steps (1, 2 or 5 × 10^n) up to at least `max`, about five of them; 0…1 when max is 0 or not a number. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 1e-9) || !Number.isFinite(max)) return niceTicks(1, count);
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step * 0.999; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function label(value: number): string {
  if (value >= 10_000) return `${Number((value / 1000).toPrecision(3))}k`;
  if (value >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
