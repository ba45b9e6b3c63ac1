/**
 * What a transport on Engine.IO does, in its column: the Engine.IO transport
 * carrying it now and when the upgrade came, then its start — time to first
 * event, the HTTP requests and bytes before it — beside the column its record
 * names (plain WebSocket's), defined the same way for both
 * (first-event-setup.ts, `timeToFirstEventMs` in protocol/figures.ts).
 */
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { FirstEventView } from '../first-event-setup.ts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import type { EngineView } from '../socket-io-engine-watch.ts';
import { WEB_TRANSPORTS } from '../transports/web-transport-registry.ts';
import './engine-start-figures.css';

export function EngineStartFigures({ transport }: { transport: TransportName }) {
  const engine = useLab((s) => s.transports[transport].engine);
  const own = useLab((s) => s.transports[transport].firstEvent);
  const besideName = WEB_TRANSPORTS[transport].firstEventBeside;
  const beside = useLab((s) => (besideName ? s.transports[besideName] : null));
  return (
    <div className="engine-start" data-engine-start>
      {engine && <EngineLine engine={engine} />}
      <table className="start-table">
        <caption>Before the first event</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">this</th>
            {besideName && <th scope="col">{TRANSPORT_LOOK[besideName].short}</th>}
          </tr>
        </thead>
        <tbody>
          <StartRow
            label="to first event"
            unit="ms"
            metric="first-event-ms"
            own={own}
            beside={beside?.enabled ? beside.firstEvent : null}
            pick={(f) => (f.timeToFirstEventMs === null ? null : fmt.ms(f.timeToFirstEventMs))}
          />
          <StartRow
            label="requests"
            metric="first-event-requests"
            own={own}
            beside={beside?.enabled ? beside.firstEvent : null}
            pick={(f) => (f.timeToFirstEventMs === null ? null : String(f.requests))}
          />
          <StartRow
            label="bytes"
            unit="B"
            metric="first-event-bytes"
            own={own}
            beside={beside?.enabled ? beside.firstEvent : null}
            pick={bytesText}
            title="From the lab's meter, read as the first event arrived (the answer or frame carrying it included); when requests or events still in flight reached the lab first, it says what more the reading holds"
          />
        </tbody>
      </table>
      {own.reading && !own.reading.exact && (
        <p className="start-note" data-first-event-note>
          * the lab's reading already held {own.reading.requests} requests and {own.reading.events}{' '}
          {own.reading.events === 1 ? 'event' : 'events'}: something in flight reached it first
        </p>
      )}
    </div>
  );
}

/** The reading's bytes; a star when it holds more than the start (explained under the table). */
function bytesText(f: FirstEventView): string | null {
  const reading = f.reading;
  if (reading === null) return null;
  return `${fmt.count(reading.bytes)}${reading.exact ? '' : '*'}`;
}

function EngineLine({ engine }: { engine: EngineView }) {
  return (
    <p className="engine-line">
      Engine.IO transport <strong data-metric="engine-transport">{engine.transport ?? 'not connected'}</strong>
      {engine.upgradeAfterOpenMs !== null && (
        <>
          {' '}
          · upgraded <span data-metric="upgrade-ms">{fmt.ms(engine.upgradeAfterOpenMs)}</span> ms after open
        </>
      )}
    </p>
  );
}

function StartRow({
  label,
  unit,
  metric,
  own,
  beside,
  pick,
  title,
}: {
  label: string;
  unit?: string;
  metric: string;
  own: FirstEventView;
  beside: FirstEventView | null | undefined;
  pick: (f: FirstEventView) => string | null;
  title?: string;
}) {
  const mine = pick(own);
  const theirs = beside === undefined ? undefined : beside === null ? null : pick(beside);
  return (
    <tr title={title}>
      <th scope="row">
        {label}
        {unit && <span className="unit"> ({unit})</span>}
      </th>
      <td data-metric={metric}>{mine ?? '–'}</td>
      {theirs !== undefined && <td data-metric={`${metric}-beside`}>{theirs ?? '–'}</td>}
    </tr>
  );
}
