/**
 * Downloads: the current segment's numbers as JSON and CSV, the segment
 * table as JSON and CSV, and a chart as PNG. The
 * PNG is the chart's own SVG drawn onto a canvas, with the page's computed
 * colours and fonts copied onto each element first (the SVG alone does not
 * carry the page's stylesheet), so no library is needed.
 */
import { TRANSPORT_NAMES } from '../../protocol/feed-event.ts';
import { bothDirections, bytesPerEvent } from '../../protocol/figures.ts';
import { byteTotal } from '../../protocol/metrics.ts';
import type { LabSnapshot } from './lab-store.ts';
import { describeConditions } from './network-caption.ts';
import { type SegmentSummary, segmentsCsv } from './page-segments.ts';
import { predictionsFor } from './predictions.ts';

/** The numbers a download carries: one object per transport, flat enough for a spreadsheet. */
export function currentNumbers(snapshot: LabSnapshot) {
  const inputs = {
    status: snapshot.status,
    scenario: snapshot.scenario,
    rttMs: snapshot.rttMs,
    intervalMs: snapshot.intervalMs,
    timeoutMs: snapshot.timeoutMs,
  };
  return {
    exportedAt: new Date().toISOString(),
    clientId: snapshot.clientId,
    // Every figure below is this segment's: measured under these conditions only.
    segment: snapshot.segment,
    feed: snapshot.status,
    // Numbers mean little without the network they were measured on.
    network: {
      conditions: describeConditions(snapshot.network, snapshot.route.via),
      route: snapshot.route.via,
      addedRttMs: snapshot.route.via === 'conditioner' ? (snapshot.network?.rttMs ?? 0) : 0,
      baseRttMs: snapshot.baseRttMs,
    },
    rttMs: snapshot.rttMs,
    clockOffsetMs: snapshot.clock?.offsetMs ?? null,
    clockErrorMs: snapshot.clock?.errorMs ?? null,
    shortPollIntervalMs: snapshot.intervalMs,
    longPollTimeoutMs: snapshot.timeoutMs,
    transports: TRANSPORT_NAMES.map((transport) => {
      const view = snapshot.transports[transport];
      const { meter } = view;
      const up = meter.bytes.up;
      const down = meter.bytes.down;
      const both = bothDirections(meter);
      return {
        transport,
        enabled: view.enabled,
        state: view.state,
        lastSeq: view.lastSeq,
        messages: view.messages,
        gaps: view.gaps,
        duplicates: view.duplicates,
        missed: view.missed,
        reconnects: view.reconnects,
        errors: view.errors,
        lastError: view.lastError,
        latencyP50Ms: view.latency.p50,
        latencyP95Ms: view.latency.p95,
        latencyP99Ms: view.latency.p99,
        latencyMeanMs: view.latency.mean,
        latencySamples: view.latency.count,
        requests: meter.requests,
        emptyResponses: meter.emptyResponses,
        connections: meter.connections,
        serverMessages: meter.messages,
        bytesHeader: both.header,
        bytesFraming: both.framing,
        bytesPayload: both.payload,
        bytesUp: byteTotal(up),
        bytesDown: byteTotal(down),
        bytesPerMessage: bytesPerEvent(meter)?.total ?? null,
        requestsPerSecond: view.requestRate,
        lastRoundTripMs: view.roundTrips.at(-1) ?? null,
        theory: predictionsFor(view, inputs).map((p) => ({
          what: p.label,
          formula: p.formula,
          detail: p.detail,
          theory: p.theory,
          measured: p.measured,
          unit: p.unit,
        })),
      };
    }),
  };
}

export function downloadJson(snapshot: LabSnapshot): void {
  const text = JSON.stringify(currentNumbers(snapshot), null, 2);
  download(new Blob([text], { type: 'application/json' }), `transport-lab-${stamp()}.json`);
}

/** One row per transport; theory columns as `theory: <what>` / `measured: <what>`. */
export function toCsv(snapshot: LabSnapshot): string {
  const numbers = currentNumbers(snapshot);
  const rows = numbers.transports.map(({ theory, ...rest }) => {
    const row: Record<string, unknown> = {
      scenario: numbers.feed?.scenario ?? '',
      network: numbers.network.conditions,
      ...rest,
    };
    for (const p of theory) {
      row[`theory ${p.what} (${p.unit})`] = p.theory;
      row[`measured ${p.what} (${p.unit})`] = p.measured;
    }
    return row;
  });
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))];
  return `${lines.join('\n')}\n`;
}

export function downloadCsv(snapshot: LabSnapshot): void {
  download(new Blob([toCsv(snapshot)], { type: 'text/csv' }), `transport-lab-${stamp()}.csv`);
}

/** The segment table (ended segments and the current one) as JSON. */
export function downloadSegmentsJson(rows: SegmentSummary[]): void {
  const text = JSON.stringify({ exportedAt: new Date().toISOString(), segments: rows }, null, 2);
  download(new Blob([text], { type: 'application/json' }), `transport-lab-segments-${stamp()}.json`);
}

/** A lesson's result as Markdown, to hand in. */
export function downloadLessonMarkdown(lessonId: string, markdown: string): void {
  download(new Blob([markdown], { type: 'text/markdown' }), `transport-lab-lesson-${lessonId}-${stamp()}.md`);
}

export function downloadSegmentsCsv(rows: SegmentSummary[]): void {
  download(new Blob([segmentsCsv(rows)], { type: 'text/csv' }), `transport-lab-segments-${stamp()}.csv`);
}

export interface LegendItem {
  label: string;
  colour: string;
  /** SVG dash pattern of a line series ('' solid); undefined draws a filled square (bars). */
  dash?: string;
}

/**
 * Draws the chart's SVG (the first `svg[data-surface="chart"]` in `container`) on a
 * canvas at twice its size, with the title above and the legend below, and
 * downloads it as PNG.
 */
export async function downloadChartPng(
  container: HTMLElement,
  title: string,
  legend: LegendItem[],
  fileName: string,
): Promise<void> {
  const svg = container.querySelector<SVGSVGElement>('svg[data-surface="chart"]');
  if (!svg) throw new Error('no chart to export yet');
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const page = getComputedStyle(document.body);
  const background = page.backgroundColor || '#ffffff';
  const foreground = page.color || '#000000';
  const font = page.fontFamily;

  const image = new Image();
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      image.src = url;
    });
    const scale = 2;
    const titleHeight = 36;
    const legendHeight = legend.length > 0 ? 32 : 0;
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil((height + titleHeight + legendHeight) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(scale, scale);
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height + titleHeight + legendHeight);
    ctx.fillStyle = foreground;
    ctx.font = `600 16px ${font}`;
    ctx.fillText(title, 12, 24);
    ctx.drawImage(image, 0, titleHeight, width, height);
    let x = 12;
    ctx.font = `13px ${font}`;
    for (const item of legend) {
      const y = titleHeight + height + 17;
      if (item.dash === undefined) {
        ctx.fillStyle = item.colour;
        ctx.fillRect(x, y - 7, 14, 14);
      } else {
        // The line's own dash pattern, so the legend does not rely on colour alone.
        ctx.strokeStyle = item.colour;
        ctx.lineWidth = 3;
        ctx.setLineDash(item.dash.split(' ').filter(Boolean).map(Number));
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + 28, y);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      const swatch = item.dash === undefined ? 14 : 28;
      ctx.fillStyle = foreground;
      ctx.fillText(item.label, x + swatch + 6, y + 5);
      x += swatch + 26 + ctx.measureText(item.label).width;
    }
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas gave no PNG');
    download(blob, fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}

const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
] as const;

/** Copies each element's computed presentation styles onto its clone (CSS variables and classes do not survive serialization). */
function inlineStyles(source: Element, target: Element): void {
  const computed = getComputedStyle(source);
  const style = STYLE_PROPERTIES.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(';');
  target.setAttribute('style', style);
  const sourceChildren = source.children;
  const targetChildren = target.children;
  for (let i = 0; i < sourceChildren.length; i++) {
    const s = sourceChildren[i];
    const t = targetChildren[i];
    if (s && t) inlineStyles(s, t);
  }
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}
