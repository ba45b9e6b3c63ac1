/** HTTP requests per second per transport: where the polling transports spend their requests. */
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { ChartCard } from './chart-card.tsx';
import { TimeLineChart } from './time-line-chart.tsx';
import { useEnabledTransports } from './use-enabled-transports.ts';

export function RequestRateChart({ presenter }: { presenter: boolean }) {
  const { rows, marks } = useLab((s) => s.charts.requestRate);
  const transports = useEnabledTransports();
  return (
    <ChartCard
      id="requests"
      title="HTTP requests per second"
      hint="5-second average. SSE and WebSocket make one request per connection, then none."
      legend={TRANSPORTS.map((t) => ({
        label: TRANSPORT_LOOK[t].label,
        colour: TRANSPORT_LOOK[t].colour,
        dash: TRANSPORT_LOOK[t].dash,
      }))}
    >
      <TimeLineChart
        rows={rows}
        marks={marks}
        transports={transports}
        presenter={presenter}
        formatY={fmt.rate}
        label="HTTP requests per second of each transport, last 60 seconds"
      />
    </ChartCard>
  );
}
