/**
 * One transport, live: state, a flash per event, latency, counts, bytes, and
 * theory beside measurement. Figures tests read carry `data-metric` with a
 * plain number as text (units sit outside those elements).
 */
import type { CSSProperties } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { TransportMetrics } from '../../../protocol/metrics.ts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import type { LabSnapshot, TransportView } from '../lab-store.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { predictionsFor } from '../predictions.ts';
import { WIRE_EXPLANATIONS } from '../wire-explanations.ts';
import { ByteSplitBar } from './byte-split-bar.tsx';
import { CONTAINED } from './contained.ts';
import { EventFlash } from './event-flash.tsx';
import { TheoryTable } from './theory-table.tsx';

interface Props {
  transport: TransportName;
  presenter: boolean;
  onToggle: (on: boolean) => void;
}

/** Bytes per event, both directions, split by kind; null before the first event. */
export function bytesPerMessage(meter: TransportMetrics) {
  if (meter.messages === 0) return null;
  const { up, down } = meter.bytes;
  return {
    header: (up.header + down.header) / meter.messages,
    framing: (up.framing + down.framing) / meter.messages,
    payload: (up.payload + down.payload) / meter.messages,
  };
}

function largestBytesPerMessage(snapshot: LabSnapshot): number {
  let max = 0;
  for (const t of TRANSPORTS) {
    const split = bytesPerMessage(snapshot.transports[t].meter);
    if (split) max = Math.max(max, split.header + split.framing + split.payload);
  }
  return max;
}

/**
 * "fastest" / "slowest" and "fewest bytes" / "most bytes" among the columns
 * with data, so the headline difference is readable without comparing numbers.
 */
function ranks(snapshot: LabSnapshot, transport: TransportName): string {
  const latency: Array<[TransportName, number]> = [];
  const weight: Array<[TransportName, number]> = [];
  for (const t of TRANSPORTS) {
    const view = snapshot.transports[t];
    if (!view.enabled) continue;
    if (view.latency.count > 0) latency.push([t, view.latency.p50]);
    const split = bytesPerMessage(view.meter);
    if (split) weight.push([t, split.header + split.framing + split.payload]);
  }
  const rank = (list: Array<[TransportName, number]>, low: string, high: string): string => {
    if (list.length < 2) return '';
    const sorted = [...list].sort((a, b) => a[1] - b[1]);
    if (sorted[0]?.[0] === transport) return low;
    if (sorted.at(-1)?.[0] === transport) return high;
    return '';
  };
  return `${rank(latency, 'fastest', 'slowest')}|${rank(weight, 'fewest bytes', 'most bytes')}`;
}

const STATE_TEXT: Record<TransportView['state'], string> = {
  idle: 'idle',
  connecting: 'connecting',
  open: 'open',
  reconnecting: 'reconnecting',
  closed: 'closed',
  off: 'off',
};

export function TransportColumn({ transport, onToggle }: Props) {
  const view = useLab((s) => s.transports[transport]);
  const status = useLab((s) => s.status);
  const scenario = useLab((s) => s.scenario);
  const rttMs = useLab((s) => s.rttMs);
  const intervalMs = useLab((s) => s.intervalMs);
  const timeoutMs = useLab((s) => s.timeoutMs);
  const scaleMax = useLab(largestBytesPerMessage);
  const [latencyRank, bytesRank] = useLab((s) => ranks(s, transport)).split('|');
  const look = TRANSPORT_LOOK[transport];
  const { meter } = view;
  const totals = {
    header: meter.bytes.up.header + meter.bytes.down.header,
    framing: meter.bytes.up.framing + meter.bytes.down.framing,
    payload: meter.bytes.up.payload + meter.bytes.down.payload,
  };
  const perMessage = bytesPerMessage(meter);
  const predictions = predictionsFor(view, { status, scenario, rttMs, intervalMs, timeoutMs });
  const hasLatency = view.latency.count > 0;

  return (
    <article
      className={`column${view.enabled ? '' : ' column-off'}`}
      data-transport={transport}
      style={{ ...CONTAINED, '--transport': look.colour } as CSSProperties}
    >
      <header className="column-head">
        <h2>{look.label}</h2>
        <span className={`pill pill-${view.state}`} data-metric="state">
          {STATE_TEXT[view.state]}
        </span>
        <label className="switch" title={view.enabled ? 'Stop this transport' : 'Start this transport'}>
          <input
            type="checkbox"
            checked={view.enabled}
            data-control="enabled"
            onChange={(e) => onToggle(e.target.checked)}
          />
          on
        </label>
      </header>
      <p className="one-line">{WIRE_EXPLANATIONS[transport].oneLine}</p>
      <EventFlash transport={transport} />

      <div className="latency" title="Delivery latency over the last 60 s: receive time − publish time">
        <div className="big-figure">
          <span className="figure-label">
            latency, median{' '}
            {latencyRank && <span className={`rank rank-${latencyRank.replace(' ', '-')}`}>{latencyRank}</span>}
          </span>
          <span className="figure-value">
            <span data-metric="latency-p50">{hasLatency ? fmt.ms(view.latency.p50) : '–'}</span>
            <span className="unit"> ms</span>
          </span>
        </div>
        <div className="small-figures">
          <span>
            p95 <span data-metric="latency-p95">{hasLatency ? fmt.ms(view.latency.p95) : '–'}</span> ms
          </span>
          <span>
            p99 <span data-metric="latency-p99">{hasLatency ? fmt.ms(view.latency.p99) : '–'}</span> ms
          </span>
        </div>
      </div>

      <TheoryTable predictions={predictions} note={theoryNote(transport, rttMs, intervalMs, timeoutMs)} />

      <dl className="counts">
        <Count label="events received" metric="messages" value={view.messages} />
        <Count label="newest seq" metric="last-seq" value={view.lastSeq} />
        <Count label="gaps" metric="gaps" value={view.gaps} warn={view.gaps > 0} />
        <Count label="duplicates" metric="duplicates" value={view.duplicates} warn={view.duplicates > 0} />
        <Count label="HTTP requests" metric="requests" value={meter.requests} />
        <Count label="empty answers" metric="empty-responses" value={meter.emptyResponses} />
        <Count label="TCP connections" metric="connections" value={meter.connections} />
        <Count label="reconnects" metric="reconnects" value={view.reconnects} warn={view.reconnects > 0} />
        <Count
          label="resumed in, ms"
          metric="resume-ms"
          value={view.lastResumeMs === null ? '–' : fmt.ms(view.lastResumeMs)}
          title="The last outage: from the moment the client saw its connection break until it was open again"
        />
      </dl>

      <div className="bytes">
        <h3 title="Every byte this transport moved, both directions, divided by the events it delivered">
          Bytes per event {bytesRank && <span className={`rank rank-${bytesRank.replace(' ', '-')}`}>{bytesRank}</span>}
          <span className="bytes-total">
            {perMessage ? `${Math.round(perMessage.header + perMessage.framing + perMessage.payload)} B` : '–'}
          </span>
        </h3>
        <ByteSplitBar perMessage={perMessage} scaleMax={scaleMax} />
        <p className="byte-totals">
          so far, both directions: headers <span data-metric="bytes-header">{totals.header}</span> B · framing{' '}
          <span data-metric="bytes-framing">{totals.framing}</span> B · events{' '}
          <span data-metric="bytes-payload">{totals.payload}</span> B
        </p>
      </div>
      {view.lastError && view.state !== 'open' && <p className="column-error">{view.lastError}</p>}
    </article>
  );
}

function theoryNote(transport: TransportName, rttMs: number | null, intervalMs: number, timeoutMs: number): string {
  const rtt = `RTT ${rttMs === null ? '–' : fmt.ms(rttMs)} ms`;
  if (transport === 'short-poll') return `T (poll interval) ${intervalMs} ms · ${rtt}`;
  if (transport === 'long-poll') return `timeout ${timeoutMs / 1000} s · ${rtt}`;
  return rtt;
}

function Count({
  label,
  metric,
  value,
  warn = false,
  title,
}: {
  label: string;
  metric: string;
  value: number | string;
  warn?: boolean;
  title?: string;
}) {
  return (
    <div className={warn ? 'count warn' : 'count'} title={title}>
      <dt>{label}</dt>
      <dd data-metric={metric}>{value}</dd>
    </div>
  );
}
