/**
 * The stage's one comparison chart: every transport's delivery latency over
 * the last minute, filling the height the columns leave, with a legend that
 * names each line (and its dash), never colour alone.
 */
import { useRef } from 'react';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { TimeLineChart } from './time-line-chart.tsx';
import { useEnabledTransports } from './use-enabled-transports.ts';
import { useHeight } from './use-height.ts';

/** Below this the chart would be unreadable; the stage scrolls rather than squash it (px). */
const MIN_CHART_HEIGHT = 140;

export function StageLatencyChart({ log }: { log: boolean }) {
  const { rows, marks } = useLab((s) => s.charts.latency);
  const transports = useEnabledTransports();
  const room = useRef<HTMLDivElement>(null);
  const height = Math.max(MIN_CHART_HEIGHT, useHeight(room));
  return (
    <figure className="stage-chart" data-chart="latency">
      <figcaption>
        <h2>Delivery latency (ms), last 60 s{log ? ', log scale' : ''}</h2>
        <ul className="stage-legend">
          {TRANSPORTS.map((t) => (
            <li key={t}>
              <svg width="34" height="14" aria-hidden="true">
                <line
                  x1="0"
                  y1="7"
                  x2="34"
                  y2="7"
                  stroke={TRANSPORT_LOOK[t].colour}
                  strokeWidth="4"
                  strokeDasharray={TRANSPORT_LOOK[t].dash}
                />
              </svg>
              {TRANSPORT_LOOK[t].short}
            </li>
          ))}
        </ul>
      </figcaption>
      <div ref={room} className="stage-chart-room">
        <TimeLineChart
          rows={rows}
          marks={marks}
          transports={transports}
          presenter
          height={height}
          formatY={fmt.ms}
          log={log}
          label="Median delivery latency per second of each transport, last 60 seconds"
        />
      </div>
    </figure>
  );
}
