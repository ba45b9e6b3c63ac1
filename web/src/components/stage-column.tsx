/**
 * One transport on the stage: its name and state, and the three headline
 * figures a room reads from the back — latency median, bytes per event (with
 * the header / framing / event bar) and requests per second. The figures are
 * the column's own (protocol/figures.ts through the store's view), and say
 * "measuring…" on the same warm-up flags. Hooks as the columns':
 * `data-transport`, `data-metric="latency-p50" | "bytes-per-event" |
 * "requests-per-second"` with plain numbers as text.
 */
import type { CSSProperties } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import type { LabSnapshot } from '../lab-store.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { requestRateReady } from '../warm-up.ts';
import { ByteSplitBar } from './byte-split-bar.tsx';
import { largestBytesPerEvent, shownBytesPerEvent } from './transport-column.tsx';
import './stage-column.css';

const MEASURING = 'measuring…';

function segmentAgeMs(s: LabSnapshot): number {
  return s.segment ? s.now - s.segment.startedAt : 0;
}

export function StageColumn({ transport }: { transport: TransportName }) {
  const view = useLab((s) => s.transports[transport]);
  const rateReady = useLab((s) => requestRateReady(s.transports[transport].ready, segmentAgeMs(s)));
  const scaleMax = useLab(largestBytesPerEvent);
  const look = TRANSPORT_LOOK[transport];
  const perEvent = shownBytesPerEvent(view);
  const waiting = view.enabled ? MEASURING : 'off';

  return (
    <article
      className={`stage-column${view.enabled ? '' : ' stage-column-off'}`}
      data-transport={transport}
      style={{ '--transport': look.colour } as CSSProperties}
    >
      <h2 className="stage-name">
        {look.label} <span className="stage-state">{view.enabled ? view.state : 'off'}</span>
      </h2>

      <span className="stage-label" data-stage-label>
        latency, median
      </span>
      <span className="stage-value">
        <Figure metric="latency-p50" text={view.ready.latency ? fmt.ms(view.latency.p50) : null} waiting={waiting} />
        {view.ready.latency && <span className="stage-unit"> ms</span>}
      </span>

      <span className="stage-label" data-stage-label>
        bytes per event
      </span>
      <span className="stage-value">
        <Figure
          metric="bytes-per-event"
          text={perEvent ? String(Math.round(perEvent.total)) : null}
          waiting={waiting}
        />
        {perEvent && <span className="stage-unit"> B</span>}
      </span>
      <ByteSplitBar perMessage={perEvent} scaleMax={scaleMax} waiting="" legend={false} />

      <span className="stage-label" data-stage-label>
        requests per second
      </span>
      <span className="stage-value">
        <Figure metric="requests-per-second" text={rateReady ? fmt.rate(view.requestRate) : null} waiting={waiting} />
      </span>
    </article>
  );
}

/** A headline number, or the warm-up word while its transport has too little data. */
function Figure({ metric, text, waiting }: { metric: string; text: string | null; waiting: string }) {
  return (
    <span data-metric={metric} className={text === null ? 'stage-measuring' : undefined}>
      {text ?? waiting}
    </span>
  );
}
