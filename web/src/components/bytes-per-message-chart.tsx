/** Bytes per delivered event, stacked headers / framing / event, one bar per transport. */
import { memo, useDeferredValue, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import type { BytesRow } from '../lab-store.ts';
import { BYTE_KINDS, BYTE_LOOK, TRANSPORT_LOOK } from '../palette.ts';
import { ChartCard } from './chart-card.tsx';

export function BytesPerMessageChart({ presenter }: { presenter: boolean }) {
  // Deferred: React redraws the chart in an interruptible background render, not inside the store's update.
  const rows = useDeferredValue(useLab((s) => s.charts.bytesPerMessage));
  return (
    <ChartCard
      order={1}
      id="bytes-per-message"
      title="Bytes per event"
      hint="Everything each transport spent on the wire, both directions, divided by the events it delivered."
      legend={BYTE_KINDS.map((k) => ({ label: BYTE_LOOK[k].label, colour: BYTE_LOOK[k].colour }))}
    >
      <Bars rows={rows} presenter={presenter} />
    </ChartCard>
  );
}

const Bars = memo(function Bars({ rows, presenter }: { rows: BytesRow[]; presenter: boolean }) {
  const data = useMemo(
    () =>
      rows.map((row) => {
        const total = row.header + row.framing + row.payload;
        return { ...row, name: TRANSPORT_LOOK[row.transport].short, total: total > 0 ? `${total} B` : '' };
      }),
    [rows],
  );
  return (
    <ResponsiveContainer width="100%" height={presenter ? 320 : 240}>
      <BarChart data={data} layout="vertical" margin={{ top: 8, right: 72, bottom: 4, left: 8 }}>
        <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" stroke="var(--axis)" tickFormatter={fmt.bytes} />
        <YAxis type="category" dataKey="name" stroke="var(--axis)" width={presenter ? 130 : 96} />
        <Tooltip
          isAnimationActive={false}
          formatter={(value, name) => [`${String(value)} B`, String(name)]}
          contentStyle={{ background: 'var(--panel)', border: '1px solid var(--line)' }}
          cursor={{ fill: 'var(--grid)' }}
        />
        {BYTE_KINDS.map((kind, i) => (
          <Bar
            key={kind}
            dataKey={kind}
            name={BYTE_LOOK[kind].label}
            stackId="bytes"
            fill={BYTE_LOOK[kind].colour}
            isAnimationActive={false}
          >
            {i === BYTE_KINDS.length - 1 && <LabelList dataKey="total" position="right" fill="var(--text)" />}
          </Bar>
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
});
