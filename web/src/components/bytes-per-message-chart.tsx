/**
 * Bytes per delivered event, stacked headers / framing / event, one bar per
 * transport. Plain SVG, like the time charts (see time-line-chart.tsx).
 */
import { type CSSProperties, memo, useRef, useState } from 'react';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import type { BytesRow } from '../lab-store.ts';
import { BYTE_KINDS, BYTE_LOOK, type ByteKind, TRANSPORT_LOOK } from '../palette.ts';
import { ChartCard } from './chart-card.tsx';
import { ChartPointerArea } from './chart-pointer-area.tsx';
import { linearAxis, type PlotBox } from './chart-scale.ts';
import { ChartTooltip } from './chart-tooltip.tsx';
import { useWidth } from './use-width.ts';

export function BytesPerMessageChart({ presenter }: { presenter: boolean }) {
  const rows = useLab((s) => s.charts.bytesPerMessage);
  return (
    <ChartCard
      id="bytes-per-message"
      title="Bytes per event"
      hint="Everything each transport spent on the wire, both directions, divided by the events it delivered."
      legend={shownKinds().map((k) => ({ label: BYTE_LOOK[k].label, colour: BYTE_LOOK[k].colour }))}
    >
      <Bars rows={rows} presenter={presenter} />
    </ChartCard>
  );
}

const MARGIN = { top: 8, right: 72, bottom: 4, left: 8 };
const X_AXIS_HEIGHT = 30;
const TICK = 6;
/** Share of each row's band left empty above and below its bar. */
const GAP = 0.1;
const TEXT: CSSProperties = { fontSize: '0.8rem' };

const Bars = memo(function Bars({ rows, presenter }: { rows: BytesRow[]; presenter: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [pointerY, setPointerY] = useState<number | null>(null);
  const height = presenter ? 320 : 240;
  const axisWidth = presenter ? 130 : 96;
  const plot: PlotBox = {
    left: MARGIN.left + axisWidth,
    top: MARGIN.top,
    width: Math.max(10, width - MARGIN.left - axisWidth - MARGIN.right),
    height: height - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT,
  };
  const bottom = plot.top + plot.height;
  const totals = rows.map((row) => row.header + row.framing + row.payload + row.tls);
  const axis = linearAxis(Math.max(0, ...totals), true);
  const xAt = (bytes: number): number => plot.left + (bytes / axis.max) * plot.width;
  const band = plot.height / Math.max(1, rows.length);
  const hovered = pointerY === null ? -1 : Math.floor((pointerY - plot.top) / band);
  const hoveredRow = rows[hovered];

  return (
    <div ref={box} className="bar-chart" style={{ position: 'relative', height }}>
      <svg
        className="chart-surface"
        data-surface="chart"
        width={width}
        height={height}
        role="img"
        aria-label="Bytes per delivered event of each transport: HTTP headers, framing and the event itself"
      >
        <g stroke="var(--grid)" strokeDasharray="3 3">
          {axis.ticks.map((v) => (
            <line key={v} x1={xAt(v)} x2={xAt(v)} y1={plot.top} y2={bottom} />
          ))}
        </g>
        {hoveredRow && (
          <rect x={plot.left} y={plot.top + hovered * band} width={plot.width} height={band} fill="var(--grid)" />
        )}
        <g stroke="var(--axis)">
          <line x1={plot.left} x2={plot.left + plot.width} y1={bottom} y2={bottom} />
          <line x1={plot.left} x2={plot.left} y1={plot.top} y2={bottom} />
          {axis.ticks.map((v) => (
            <line key={v} x1={xAt(v)} x2={xAt(v)} y1={bottom} y2={bottom + TICK} />
          ))}
          {rows.map((row, i) => (
            <line
              key={row.transport}
              x1={plot.left - TICK}
              x2={plot.left}
              y1={plot.top + (i + 0.5) * band}
              y2={plot.top + (i + 0.5) * band}
            />
          ))}
        </g>
        <g fill="var(--axis)" style={TEXT}>
          {axis.ticks.map((v) => (
            <text key={v} x={xAt(v)} y={bottom + TICK + 2} dy="0.71em" textAnchor="middle">
              {fmt.bytes(v)}
            </text>
          ))}
          {rows.map((row, i) => (
            <text
              key={row.transport}
              x={plot.left - TICK - 2}
              y={plot.top + (i + 0.5) * band}
              dy="0.355em"
              textAnchor="end"
            >
              {TRANSPORT_LOOK[row.transport].short}
            </text>
          ))}
        </g>
        {rows.map((row, i) => {
          const y = plot.top + i * band + band * GAP;
          const h = band * (1 - 2 * GAP);
          let from = 0;
          const total = totals[i] ?? 0;
          return (
            <g key={row.transport} data-bar={row.transport}>
              {BYTE_KINDS.map((kind) => {
                const x0 = xAt(from);
                from += row[kind];
                return <rect key={kind} x={x0} y={y} width={xAt(from) - x0} height={h} fill={BYTE_LOOK[kind].colour} />;
              })}
              {total > 0 && (
                <text x={xAt(total) + 5} y={y + h / 2} dy="0.355em" fill="var(--text)" fontWeight={600} style={TEXT}>
                  {total} B
                </text>
              )}
            </g>
          );
        })}
        <ChartPointerArea plot={plot} onPointer={(at) => setPointerY(at?.y ?? null)} />
      </svg>
      {hoveredRow && pointerY !== null && (
        <ChartTooltip
          x={plot.left + plot.width / 2}
          y={Math.min(pointerY + 12, height - 90)}
          width={width}
          label={TRANSPORT_LOOK[hoveredRow.transport].short}
          items={shownKinds().map((kind) => ({
            name: BYTE_LOOK[kind].label,
            colour: BYTE_LOOK[kind].colour,
            value: `${hoveredRow[kind]} B`,
          }))}
        />
      )}
    </div>
  );
});

/** The parts named: TLS only on a page served over HTTPS (over HTTP it is always 0). */
function shownKinds(): ByteKind[] {
  const overTls = globalThis.location?.protocol === 'https:';
  return BYTE_KINDS.filter((kind) => kind !== 'tls' || overTls);
}
