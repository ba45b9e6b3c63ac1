/**
 * One transport on a phone: its name, an "on" switch with a thumb-sized
 * target, and the figures a student compares — latency median, bytes per
 * event (with its split bar), requests per second and events received — in
 * a card that fits a 320 px wide screen. The same figures and warm-up flags
 * as the columns; hooks as theirs (`data-transport`, `data-metric`).
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
import './phone-card.css';

const MEASURING = 'measuring…';

function segmentAgeMs(s: LabSnapshot): number {
  return s.segment ? s.now - s.segment.startedAt : 0;
}

interface Props {
  transport: TransportName;
  onToggle: (on: boolean) => void;
}

export function PhoneCard({ transport, onToggle }: Props) {
  const view = useLab((s) => s.transports[transport]);
  const rateReady = useLab((s) => requestRateReady(s.transports[transport].ready, segmentAgeMs(s)));
  const scaleMax = useLab(largestBytesPerEvent);
  const look = TRANSPORT_LOOK[transport];
  const perEvent = shownBytesPerEvent(view);
  const waiting = view.enabled ? MEASURING : '–';

  return (
    <article
      className={`phone-card${view.enabled ? '' : ' phone-card-off'}`}
      data-transport={transport}
      style={{ '--transport': look.colour } as CSSProperties}
    >
      <header className="phone-card-head">
        <h2>{look.label}</h2>
        <span className="phone-state" data-metric="state">
          {view.enabled ? view.state : 'off'}
        </span>
        <label className="phone-switch">
          <input
            type="checkbox"
            checked={view.enabled}
            data-control="enabled"
            onChange={(e) => onToggle(e.target.checked)}
          />
          on
        </label>
      </header>
      <dl className="phone-figures">
        <div>
          <dt>latency, median</dt>
          <dd>
            <span data-metric="latency-p50" className={view.ready.latency ? undefined : 'phone-measuring'}>
              {view.ready.latency ? fmt.ms(view.latency.p50) : waiting}
            </span>
            {view.ready.latency && <span className="phone-unit"> ms</span>}
          </dd>
        </div>
        <div>
          <dt>bytes per event</dt>
          <dd>
            <span data-metric="bytes-per-event" className={perEvent ? undefined : 'phone-measuring'}>
              {perEvent ? Math.round(perEvent.total) : waiting}
            </span>
            {perEvent && <span className="phone-unit"> B</span>}
          </dd>
        </div>
        <div>
          <dt>requests per second</dt>
          <dd>
            <span data-metric="requests-per-second" className={rateReady ? undefined : 'phone-measuring'}>
              {rateReady ? fmt.rate(view.requestRate) : waiting}
            </span>
          </dd>
        </div>
        <div>
          <dt>events received</dt>
          <dd>
            <span data-metric="messages">{view.messages}</span>
          </dd>
        </div>
      </dl>
      <ByteSplitBar perMessage={perEvent} scaleMax={scaleMax} waiting="" legend={false} />
    </article>
  );
}
