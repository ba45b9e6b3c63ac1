/** Delivery latency of every transport over the last minute, on one chart. */
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { ChartCard } from './chart-card.tsx';
import { TimeLineChart } from './time-line-chart.tsx';
import { useEnabledTransports } from './use-enabled-transports.ts';

interface Props {
  presenter: boolean;
  log: boolean;
  onLogChange: (log: boolean) => void;
}

export function LatencyChart({ presenter, log, onLogChange }: Props) {
  const { rows, marks } = useLab((s) => s.charts.latency);
  const transports = useEnabledTransports();
  return (
    <ChartCard
      id="latency"
      title="Delivery latency (ms), last 60 s"
      hint="Median of each second: time from publish on the server to arrival in this page. Try the log scale to compare the fast ones."
      legend={TRANSPORTS.map((t) => ({
        label: TRANSPORT_LOOK[t].label,
        colour: TRANSPORT_LOOK[t].colour,
        dash: TRANSPORT_LOOK[t].dash,
      }))}
      tools={
        <label>
          <input type="checkbox" data-control="log" checked={log} onChange={(e) => onLogChange(e.target.checked)} /> log
          scale
        </label>
      }
    >
      <TimeLineChart
        rows={rows}
        marks={marks}
        transports={transports}
        presenter={presenter}
        formatY={fmt.ms}
        log={log}
        label="Median delivery latency per second of each transport, last 60 seconds"
      />
    </ChartCard>
  );
}
