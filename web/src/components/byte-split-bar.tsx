/**
 * Bytes per delivered event as one stacked bar: headers, framing, the event
 * itself, and over HTTPS the TLS layer's bytes. All columns share one scale,
 * so the bars compare at a glance.
 */
import * as fmt from '../format.ts';
import { BYTE_KINDS, BYTE_LOOK, type ByteKind } from '../palette.ts';
import './byte-split-bar.css';

interface Props {
  perMessage: Record<ByteKind, number> | null;
  /** The largest bytes-per-message of all columns: the full width. */
  scaleMax: number;
  /** What the bar says while there is nothing to show. */
  waiting: string;
  /** The legend with each part's bytes under the bar; the stage names the parts once for all columns instead. Default true. */
  legend?: boolean;
}

export function ByteSplitBar({ perMessage, scaleMax, waiting, legend = true }: Props) {
  if (!perMessage) return <div className="byte-bar byte-bar-empty">{waiting}</div>;
  const total = perMessage.header + perMessage.framing + perMessage.payload + perMessage.tls;
  // TLS is named only where there is some (over HTTPS): over HTTP it is always 0.
  const shownKinds = BYTE_KINDS.filter((kind) => kind !== 'tls' || perMessage.tls > 0);
  return (
    <div className="byte-split">
      <div className="byte-bar" role="img" aria-label={`${Math.round(total)} bytes per event`}>
        {BYTE_KINDS.map((kind) => {
          const share = scaleMax > 0 ? (perMessage[kind] / scaleMax) * 100 : 0;
          return (
            <span
              key={kind}
              className={`byte-seg byte-${kind}`}
              style={{ width: `${share}%`, background: BYTE_LOOK[kind].colour }}
              title={`${BYTE_LOOK[kind].label}: ${fmt.ms(perMessage[kind])} B per event`}
            />
          );
        })}
      </div>
      {legend && (
        <ul className="byte-legend">
          {shownKinds.map((kind) => (
            <li key={kind}>
              <span className="swatch" style={{ background: BYTE_LOOK[kind].colour }} />
              {BYTE_LOOK[kind].label} <strong data-metric={`per-event-${kind}`}>{Math.round(perMessage[kind])}</strong>{' '}
              <strong>B</strong>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
