/**
 * Per transport, two range bars on one log axis: the class's p50s (solid) and
 * p99s (hollow), each from the best browser to the worst, with a tick at the
 * class median. Browsers whose own client setting differs from this page's
 * (class-setting-lanes.ts) get rows of their own, marked ≠ with a dashed
 * outline. Plain SVG: a few rows do not need a chart library.
 */
import { useRef } from 'react';
import type { Spread } from '../../../protocol/class-report.ts';
import type { SpreadLane } from '../class-setting-lanes.ts';
import * as fmt from '../format.ts';
import { logDomain, logPosition } from '../log-scale.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { useWidth } from './use-width.ts';
import './class-spread-plot.css';

const ROW = 44;
const AXIS = 24;
/** Room right of the plot for the last "p99 ≤ … ms" label and tick. */
const RIGHT = 110;

/** 0.1 ms, 10 ms, 1 s, 10 s. */
const tickLabel = (ms: number): string => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

export function ClassSpreadPlot({ lanes, presenter }: { lanes: readonly SpreadLane[]; presenter: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const labelWidth = presenter ? 210 : 150;
  const plotWidth = Math.max(100, width - labelWidth - RIGHT);
  const rows = lanes;
  const values = rows.flatMap((f) => [f.p50.min, f.p99.max]);
  const domain = logDomain(values);
  const x = (v: number): number => labelWidth + logPosition(v, domain, plotWidth);
  const height = rows.length * ROW + AXIS;

  const bar = (s: Spread, y: number, colour: string, hollow: boolean, dashed: boolean) => (
    <g>
      <rect
        strokeDasharray={dashed ? '4 3' : undefined}
        x={x(s.min)}
        y={y}
        width={Math.max(dashed ? 8 : 3, x(s.max) - x(s.min))}
        height={12}
        rx={3}
        fill={hollow ? 'none' : colour}
        fillOpacity={dashed ? 0.45 : 1}
        stroke={colour}
        strokeWidth={2}
      />
      <line x1={x(s.median)} x2={x(s.median)} y1={y - 4} y2={y + 16} stroke="var(--text)" strokeWidth={3} />
    </g>
  );

  return (
    <div ref={box} className="class-plot">
      <svg width={width} height={height} role="img" aria-label="Spread of each browser's p50 and p99 per transport">
        {rows.map((f, i) => {
          const top = i * ROW;
          const look = TRANSPORT_LOOK[f.transport];
          const browsers = `${f.browsers} ${f.browsers === 1 ? 'browser' : 'browsers'}`;
          return (
            <g
              key={`${f.transport} ${f.settingMs}`}
              data-class-row={f.transport}
              data-class-setting={f.settingMs ?? undefined}
              data-class-differs={f.differs ? '' : undefined}
            >
              <text x={0} y={top + 18} className="lane-label">
                {f.differs ? '≠ ' : ''}
                {look.label}
              </text>
              <text x={0} y={top + 34} className="lane-sub">
                {f.settingText ? `${f.settingText} · ${browsers}` : browsers}
              </text>
              {bar(f.p50, top + 6, look.colour, false, f.differs)}
              {bar(f.p99, top + 24, look.colour, true, f.differs)}
              <text x={x(f.p99.max) + 6} y={top + 35} className="lane-sub">
                p99 ≤ {fmt.ms(f.p99.max)} ms
              </text>
            </g>
          );
        })}
        <g className="timeline-axis">
          {domain.ticks.map((tick) => (
            <g key={tick}>
              <line x1={x(tick)} x2={x(tick)} y1={0} y2={rows.length * ROW} className="axis-line" />
              <text x={x(tick)} y={height - 6} textAnchor="middle">
                {tickLabel(tick)}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}
