/**
 * One live chart of a load run: a line per transport over the run's seconds,
 * drawn by Recharts (this folder is its own chunk, loaded after the first
 * render); no animation, no dots. Each line has its transport's colour and
 * dash, and the legend names them; lines that coincide (coinciding-lines.ts)
 * are drawn one inside the other and named in words.
 */
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { LoadSample, PerTransport } from '../../../protocol/load-run-view.ts';
import * as fmt from '../format.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { coincidingGroups, lineWidths } from './coinciding-lines.ts';

interface ChartProps {
  title: string;
  hint: string;
  samples: LoadSample[];
  pick: (sample: LoadSample) => PerTransport;
  transports: TransportName[];
  durationS: number;
  presenter: boolean;
  format: (value: number) => string;
  /** Whole numbers only on the y axis (clients). */
  integers?: boolean;
}

export const LoadChart = memo(function LoadChart({
  title,
  hint,
  samples,
  pick,
  transports,
  durationS,
  presenter,
  format,
  integers = false,
}: ChartProps) {
  const rows = samples.map((s) => ({ x: Math.min(s.elapsedS, durationS), ...pick(s) }));
  const groups = coincidingGroups(samples, pick, transports);
  const widths = lineWidths(groups, transports, presenter ? 4 : 2);
  const width = (t: TransportName): number => widths[t] ?? 2;
  return (
    <figure className="load-chart" data-load-chart={title}>
      <figcaption>
        <h3>{title}</h3>
        <p className="muted">{hint}</p>
        <ul className="chart-legend">
          {transports.map((t) => (
            <li key={t} data-load-legend={t}>
              <svg width="32" height="14" aria-hidden="true">
                <line
                  x1="0"
                  y1="7"
                  x2="32"
                  y2="7"
                  stroke={TRANSPORT_LOOK[t].colour}
                  strokeWidth={Math.min(10, Math.max(3, width(t)))}
                  strokeDasharray={TRANSPORT_LOOK[t].dash}
                />
              </svg>
              {TRANSPORT_LOOK[t].label}
            </li>
          ))}
        </ul>
        {groups.map((group) => (
          <p key={group.join(' ')} className="muted load-coincide" data-load-coincide={group.join(' ')}>
            {listWords(group.map((t) => TRANSPORT_LOOK[t].label))} lie on one line here: each is drawn inside the one
            before, {group[0] ? TRANSPORT_LOOK[group[0]].label : ''} widest.
          </p>
        ))}
      </figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={presenter ? 260 : 200}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={[0, durationS]}
              tickFormatter={(x: number) => `${x} s`}
              stroke="var(--axis)"
              allowDecimals={false}
            />
            <YAxis
              stroke="var(--axis)"
              tickFormatter={format}
              width={presenter ? 72 : 56}
              domain={[0, 'auto']}
              allowDecimals={!integers}
            />
            <Tooltip
              isAnimationActive={false}
              formatter={(value, name) => [typeof value === 'number' ? format(value) : String(value), String(name)]}
              labelFormatter={(x) => `${fmt.rate(Number(x))} s`}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--line)' }}
            />
            {transports.map((t) => (
              <Line
                key={t}
                data-load-line={t}
                dataKey={t}
                name={TRANSPORT_LOOK[t].label}
                type="linear"
                stroke={TRANSPORT_LOOK[t].colour}
                strokeWidth={width(t)}
                strokeDasharray={TRANSPORT_LOOK[t].dash}
                dot={false}
                activeDot={false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});

/** "A, B and C". */
function listWords(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
