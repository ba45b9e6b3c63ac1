/**
 * A lesson's numbers as a chart: one row per figure the lesson measured, the
 * measured bar beside the theory's mark where theory names the same figure.
 * Each row has its own scale (the figures are bytes, requests, ms …), and
 * every row carries its numbers, so nothing is read off an axis.
 */

import { useRef } from 'react';
import type { Figure } from '../../../lessons/lesson.ts';
import * as fmt from '../format.ts';
import { useWidth } from './use-width.ts';

const ROW = 26;
const LABEL_WIDTH = 230;
const VALUES_WIDTH = 170;

/** Counts as counts (41, 13,960), measurements with their precision (0.35, 2.9). */
function figure(value: number): string {
  return Number.isInteger(value) ? fmt.count(value) : fmt.ms(value);
}

interface Props {
  measured: Record<string, Figure>;
  theory: Record<string, Figure>;
  label: string;
}

export function LessonFiguresChart({ measured, theory, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const rows = Object.entries(measured).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  const plot = Math.max(60, width - LABEL_WIDTH - VALUES_WIDTH);
  const height = rows.length * ROW + 8;
  return (
    <div ref={box} className="lesson-chart">
      <svg className="chart-surface" data-surface="chart" width={width} height={height} role="img" aria-label={label}>
        {rows.map(([name, value], i) => {
          const expected = typeof theory[name] === 'number' ? (theory[name] as number) : null;
          const max = Math.max(Math.abs(value), Math.abs(expected ?? 0)) || 1;
          const y = 4 + i * ROW;
          const barWidth = (Math.abs(value) / max) * plot;
          return (
            <g key={name} data-lesson-figure={name}>
              <text x={0} y={y + 15} fill="var(--text)" style={{ fontSize: '0.78rem' }}>
                {name}
              </text>
              <rect x={LABEL_WIDTH} y={y + 4} width={barWidth} height={14} fill="var(--accent, #0072B2)" />
              {expected !== null && (
                <line
                  x1={LABEL_WIDTH + (Math.abs(expected) / max) * plot}
                  x2={LABEL_WIDTH + (Math.abs(expected) / max) * plot}
                  y1={y}
                  y2={y + 22}
                  stroke="var(--text)"
                  strokeWidth={2}
                  strokeDasharray="3 2"
                />
              )}
              <text x={LABEL_WIDTH + plot + 8} y={y + 15} fill="var(--text)" style={{ fontSize: '0.78rem' }}>
                {figure(value)}
                {expected !== null ? ` (theory ${figure(expected)})` : ''}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
