/**
 * The shared shape of the three "last 60 seconds" charts: one line per
 * enabled transport, no animation, no dots, a bounded window of rows.
 */
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { ChartRow } from '../lab-store.ts';
import { TRANSPORT_LOOK } from '../palette.ts';

interface Props {
  rows: ChartRow[];
  transports: TransportName[];
  presenter: boolean;
  formatY: (value: number) => string;
  log?: boolean;
}

const X_TICKS = [-60, -45, -30, -15, 0];
const formatX = (x: number): string => (x === 0 ? 'now' : `${x} s`);

export const TimeLineChart = memo(function TimeLineChart({ rows, transports, presenter, formatY, log = false }: Props) {
  const width = presenter ? 4 : 2;
  return (
    <ResponsiveContainer width="100%" height={presenter ? 320 : 240}>
      <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
        <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
        <XAxis
          dataKey="x"
          type="number"
          domain={[-60, 0]}
          ticks={X_TICKS}
          tickFormatter={formatX}
          stroke="var(--axis)"
        />
        <YAxis
          stroke="var(--axis)"
          tickFormatter={formatY}
          width={presenter ? 84 : 64}
          {...(log
            ? { scale: 'log' as const, domain: ['auto', 'auto'] as const, allowDataOverflow: true }
            : { domain: [0, 'auto'] as const })}
        />
        <Tooltip
          isAnimationActive={false}
          formatter={(value, name) => [typeof value === 'number' ? formatY(value) : String(value), String(name)]}
          labelFormatter={(x) => formatX(Number(x))}
          contentStyle={{ background: 'var(--panel)', border: '1px solid var(--line)' }}
        />
        {transports.map((t) => (
          <Line
            key={t}
            dataKey={t}
            name={TRANSPORT_LOOK[t].label}
            type="linear"
            stroke={TRANSPORT_LOOK[t].colour}
            strokeWidth={width}
            strokeDasharray={TRANSPORT_LOOK[t].dash}
            dot={false}
            activeDot={false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});
