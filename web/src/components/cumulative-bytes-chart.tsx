/** Total bytes each transport has moved for this page, both directions, over the last minute. */
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { ChartCard } from './chart-card.tsx';
import { TimeLineChart } from './time-line-chart.tsx';
import { useEnabledTransports } from './use-enabled-transports.ts';

export function CumulativeBytesChart({ presenter }: { presenter: boolean }) {
  const { rows, marks } = useLab((s) => s.charts.cumulativeBytes);
  const transports = useEnabledTransports();
  return (
    <ChartCard
      id="cumulative-bytes"
      title="Bytes so far"
      hint="Everything on the wire since this page started counting: headers, framing and events, both directions."
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
        formatY={fmt.bytes}
        integer
        label="Bytes each transport has moved so far, last 60 seconds"
      />
    </ChartCard>
  );
}
