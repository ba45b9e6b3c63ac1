/**
 * One transport, live: state, a flash per event, latency, counts, bytes, and
 * theory beside measurement, all of the current segment. Figures tests read
 * carry `data-metric` with a plain number as text (units sit outside those
 * elements); a figure without enough data yet says "measuring…".
 */
import type { CSSProperties } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import { bothDirections, bytesPerEvent, notModifiedShare } from '../../../protocol/figures.ts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import type { LabSnapshot, TransportView } from '../lab-store.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { predictionsFor, theoryNoteFor } from '../predictions.ts';
import { WEB_TRANSPORTS } from '../transports/web-transport-registry.ts';
import { ByteSplitBar } from './byte-split-bar.tsx';
import { EngineStartFigures } from './engine-start-figures.tsx';
import { CONTAINED } from './contained.ts';
import { EventFlash } from './event-flash.tsx';
import { TheoryTable } from './theory-table.tsx';
import './transport-column.css';

interface Props {
  transport: TransportName;
  presenter: boolean;
  onToggle: (on: boolean) => void;
}

/** Bytes per event of a column with enough data in the segment; null while it is measuring. */
export function shownBytesPerEvent(view: TransportView) {
  return view.ready.bytes ? bytesPerEvent(view.meter) : null;
}

/** The widest bytes per event of the columns with data: the byte bars' shared full width. */
export function largestBytesPerEvent(snapshot: LabSnapshot): number {
  let max = 0;
  for (const t of TRANSPORTS) max = Math.max(max, shownBytesPerEvent(snapshot.transports[t])?.total ?? 0);
  return max;
}

/**
 * "fastest" / "slowest" and "fewest bytes" / "most bytes", so the headline
 * difference is readable without comparing numbers — only once every column
 * that is on has enough data in the segment to be compared.
 */
function ranks(snapshot: LabSnapshot, transport: TransportName): string {
  const latency: Array<[TransportName, number]> = [];
  const weight: Array<[TransportName, number]> = [];
  let on = 0;
  for (const t of TRANSPORTS) {
    const view = snapshot.transports[t];
    if (!view.enabled) continue;
    on++;
    if (view.ready.latency) latency.push([t, view.latency.p50]);
    const split = shownBytesPerEvent(view);
    if (split) weight.push([t, split.total]);
  }
  const rank = (list: Array<[TransportName, number]>, low: string, high: string): string => {
    if (list.length < 2 || list.length < on) return '';
    const sorted = [...list].sort((a, b) => a[1] - b[1]);
    if (sorted[0]?.[0] === transport) return low;
    if (sorted.at(-1)?.[0] === transport) return high;
    return '';
  };
  return `${rank(latency, 'fastest', 'slowest')}|${rank(weight, 'fewest bytes', 'most bytes')}`;
}

/** What a figure says while its transport has too little data in the segment (warm-up.ts). */
const MEASURING = 'measuring…';

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
  const scaleMax = useLab(largestBytesPerEvent);
  const [latencyRank, bytesRank] = useLab((s) => ranks(s, transport)).split('|');
  const look = TRANSPORT_LOOK[transport];
  const { meter } = view;
  const totals = bothDirections(meter);
  const perEvent = shownBytesPerEvent(view);
  const inputs = { status, scenario, rttMs, intervalMs, timeoutMs };
  const predictions = predictionsFor(view, inputs);
  const hasLatency = view.ready.latency;
  const waiting = view.enabled ? MEASURING : '–';

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
      <p className="one-line">{WEB_TRANSPORTS[transport].wire.oneLine}</p>
      <EventFlash transport={transport} />

      <div className="latency" title="Delivery latency of this segment's events: receive time − publish time">
        <div className="big-figure">
          <span className="figure-label">
            latency, median{' '}
            {latencyRank && <span className={`rank rank-${latencyRank.replace(' ', '-')}`}>{latencyRank}</span>}
          </span>
          <span className="figure-value">
            <span data-metric="latency-p50" className={hasLatency ? undefined : 'measuring'}>
              {hasLatency ? fmt.ms(view.latency.p50) : waiting}
            </span>
            {hasLatency && <span className="unit"> ms</span>}
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

      <TheoryTable predictions={predictions} note={theoryNoteFor(view, inputs)} waiting={waiting} />
      {WEB_TRANSPORTS[transport].reportsEngineTransport && <EngineStartFigures transport={transport} />}

      <dl className="counts">
        <Count label="events received" metric="messages" value={view.messages} />
        <Count label="newest seq" metric="last-seq" value={view.lastSeq} />
        <Count label="gaps" metric="gaps" value={view.gaps} warn={view.gaps > 0} />
        <Count label="duplicates" metric="duplicates" value={view.duplicates} warn={view.duplicates > 0} />
        <Count label="HTTP requests" metric="requests" value={meter.requests} />
        <Count label="empty answers" metric="empty-responses" value={meter.emptyResponses} />
        {(meter.notModified ?? 0) > 0 && (
          <Count
            label="of them 304 Not Modified"
            metric="not-modified"
            value={`${meter.notModified} (${Math.round(notModifiedShare(meter) ?? 0)} %)`}
            title="Conditional polls answered 304: a head and no body. Their share of all requests in brackets"
          />
        )}
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
        <h3 title="Every byte this transport moved in this segment, both directions, divided by the events it delivered">
          Bytes per event {bytesRank && <span className={`rank rank-${bytesRank.replace(' ', '-')}`}>{bytesRank}</span>}
          <span className={perEvent ? 'bytes-total' : 'bytes-total measuring'} data-metric="bytes-per-event">
            {perEvent ? Math.round(perEvent.total) : waiting}
          </span>
          {perEvent && <span className="unit"> B</span>}
        </h3>
        <ByteSplitBar perMessage={perEvent} scaleMax={scaleMax} waiting={waiting} />
        <p className="byte-totals">
          this segment, both directions: headers <span data-metric="bytes-header">{totals.header}</span> B · framing{' '}
          <span data-metric="bytes-framing">{totals.framing}</span> B · events{' '}
          <span data-metric="bytes-payload">{totals.payload}</span> B
        </p>
      </div>
      {view.lastError && view.state !== 'open' && <p className="column-error">{view.lastError}</p>}
    </article>
  );
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
