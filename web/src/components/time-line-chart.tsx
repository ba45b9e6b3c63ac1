/**
 * The shared shape of the three "last 60 seconds" charts: one line per
 * enabled transport, no animation, no dots, a bounded window of rows, and
 * each segment's start as a labelled vertical line with the conditions of
 * its stretch written above it.
 *
 * Plain SVG, one path per line: a redraw is a few string joins and a handful
 * of changed attributes, well under a millisecond. The Recharts charts these
 * replace were the page's longest tasks (`npm run bench:dashboard -- --profile`):
 * 15–45 ms of main-thread time per redraw, spread over two or three tasks (its
 * store and selectors, text measured through the DOM, path lengths), and up
 * to 90 ms to mount one.
 */
import { type CSSProperties, memo, useRef, useState } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { ChartMark, ChartRow } from '../lab-store.ts';
import { logDomain, logPosition } from '../log-scale.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { ChartPointerArea, type PointerAt } from './chart-pointer-area.tsx';
import { largest, linearAxis, type PlotBox } from './chart-scale.ts';
import { ChartTooltip } from './chart-tooltip.tsx';
import { useWidth } from './use-width.ts';

interface Props {
  rows: ChartRow[];
  marks: ChartMark[];
  transports: TransportName[];
  presenter: boolean;
  formatY: (value: number) => string;
  log?: boolean;
  /** Ticks on whole numbers only (counts, bytes). */
  integer?: boolean;
  /** What the chart shows, for screen readers. */
  label: string;
  /** The chart's height in px; default 240, 320 in presenter mode. */
  height?: number;
}

const X_MIN = -60;
const X_MAX = 0;
const X_TICKS = [-60, -45, -30, -15, 0];
/** The top margin holds each stretch's conditions. */
const MARGIN = { top: 22, right: 16, bottom: 4, left: 8 };
const X_AXIS_HEIGHT = 30;
const TICK = 6;
const TEXT: CSSProperties = { fontSize: '0.8rem' };
const formatX = (x: number): string => (x === 0 ? 'now' : `${x} s`);

export const TimeLineChart = memo(function TimeLineChart({
  rows,
  marks,
  transports,
  presenter,
  formatY,
  log = false,
  integer = false,
  label,
  height: fixedHeight,
}: Props) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [pointer, setPointer] = useState<PointerAt | null>(null);
  const height = fixedHeight ?? (presenter ? 320 : 240);
  const axisWidth = presenter ? 84 : 64;
  const plot: PlotBox = {
    left: MARGIN.left + axisWidth,
    top: MARGIN.top,
    width: Math.max(10, width - MARGIN.left - axisWidth - MARGIN.right),
    height: height - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT,
  };
  const bottom = plot.top + plot.height;
  const xAt = (x: number): number => plot.left + ((x - X_MIN) / (X_MAX - X_MIN)) * plot.width;

  let yAt: (value: number) => number;
  let yTicks: number[];
  if (log) {
    const values: number[] = [];
    for (const row of rows) {
      for (const t of transports) {
        const v = row[t];
        if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
      }
    }
    const domain = logDomain(values);
    yAt = (v) => bottom - logPosition(v, domain, plot.height);
    yTicks = domain.ticks;
  } else {
    const axis = linearAxis(largest(rows, transports), integer);
    yAt = (v) => bottom - (v / axis.max) * plot.height;
    yTicks = axis.ticks;
  }

  const lines = transports.map((t) => {
    let d = '';
    for (const row of rows) {
      const v = row[t];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue; // nulls are bridged (connectNulls)
      d += `${d === '' ? 'M' : 'L'}${xAt(row.x).toFixed(1)} ${yAt(v).toFixed(1)}`;
    }
    return { t, d };
  });

  // The row nearest the pointer, for the cursor and the tooltip.
  let hovered: ChartRow | null = null;
  if (pointer) {
    const x = X_MIN + ((pointer.x - plot.left) / plot.width) * (X_MAX - X_MIN);
    for (const row of rows) if (!hovered || Math.abs(row.x - x) < Math.abs(hovered.x - x)) hovered = row;
  }

  return (
    <div ref={box} className="line-chart" style={{ position: 'relative', height }}>
      <svg className="chart-surface" data-surface="chart" width={width} height={height} role="img" aria-label={label}>
        <g stroke="var(--grid)" strokeDasharray="3 3">
          {yTicks.map((v) => (
            <line key={`y${v}`} x1={plot.left} x2={plot.left + plot.width} y1={yAt(v)} y2={yAt(v)} />
          ))}
          {X_TICKS.map((x) => (
            <line key={`x${x}`} x1={xAt(x)} x2={xAt(x)} y1={plot.top} y2={bottom} />
          ))}
        </g>
        <g stroke="var(--axis)">
          <line x1={plot.left} x2={plot.left + plot.width} y1={bottom} y2={bottom} />
          <line x1={plot.left} x2={plot.left} y1={plot.top} y2={bottom} />
          {X_TICKS.map((x) => (
            <line key={`x${x}`} x1={xAt(x)} x2={xAt(x)} y1={bottom} y2={bottom + TICK} />
          ))}
          {yTicks.map((v) => (
            <line key={`y${v}`} x1={plot.left - TICK} x2={plot.left} y1={yAt(v)} y2={yAt(v)} />
          ))}
        </g>
        <g fill="var(--axis)" style={TEXT}>
          {X_TICKS.map((x) => (
            <text key={`x${x}`} x={xAt(x)} y={bottom + TICK + 2} dy="0.71em" textAnchor="middle">
              {formatX(x)}
            </text>
          ))}
          {yTicks.map((v) => (
            <text key={`y${v}`} x={plot.left - TICK - 2} y={yAt(v)} dy="0.355em" textAnchor="end">
              {formatY(v)}
            </text>
          ))}
        </g>
        <g fill="none" strokeLinejoin="round">
          {lines.map(({ t, d }) => (
            <path
              key={t}
              d={d}
              stroke={TRANSPORT_LOOK[t].colour}
              strokeWidth={presenter ? 4 : 2}
              strokeDasharray={TRANSPORT_LOOK[t].dash || undefined}
            />
          ))}
        </g>
        <g className="segment-marks" fill="var(--muted)" style={TEXT}>
          {marks.map((mark, i) => {
            const from = xAt(Math.max(X_MIN, mark.x));
            const to = xAt(marks[i + 1]?.x ?? X_MAX);
            return (
              <g key={mark.at}>
                {mark.label !== null && (
                  <line
                    x1={from}
                    x2={from}
                    y1={2}
                    y2={bottom}
                    stroke="var(--text)"
                    strokeDasharray="4 3"
                    data-segment-mark={mark.label}
                  />
                )}
                {/* A nested svg clips the caption to its own stretch. */}
                <svg x={from} y={0} width={Math.max(0, to - from)} height={MARGIN.top}>
                  <title>{mark.label === null ? mark.caption : `${mark.label} — ${mark.caption}`}</title>
                  <text x={4} y={14} fill={mark.label === null ? 'var(--muted)' : 'var(--text)'}>
                    {mark.label === null ? mark.caption : `${mark.label}: ${mark.caption}`}
                  </text>
                </svg>
              </g>
            );
          })}
        </g>
        {hovered && <line x1={xAt(hovered.x)} x2={xAt(hovered.x)} y1={plot.top} y2={bottom} stroke="var(--line)" />}
        <ChartPointerArea plot={plot} onPointer={setPointer} />
      </svg>
      {hovered && pointer && (
        <ChartTooltip
          x={xAt(hovered.x)}
          y={Math.min(pointer.y, height - 90)}
          width={width}
          label={formatX(hovered.x)}
          items={transports.flatMap((t) => {
            const v = hovered?.[t];
            return typeof v === 'number'
              ? [{ name: TRANSPORT_LOOK[t].label, colour: TRANSPORT_LOOK[t].colour, value: formatY(v) }]
              : [];
          })}
        />
      )}
    </div>
  );
});
