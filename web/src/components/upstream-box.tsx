/**
 * Send a message upstream over a chosen transport and see its round trip:
 * the lab publishes it as a feed event, and the page times its return.
 */
import { useState } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import * as fmt from '../format.ts';
import { useLab, useStore } from '../lab-context.ts';
import { SHOWN_FIRST, TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { CONTAINED } from './contained.ts';
import { useEnabledTransports } from './use-enabled-transports.ts';
import './upstream-box.css';

export function UpstreamBox() {
  const store = useStore();
  const upstream = useLab((s) => s.upstream);
  const enabled = useEnabledTransports();
  const [transport, setTransport] = useState<TransportName>(SHOWN_FIRST);
  const [text, setText] = useState('hello from the dashboard');
  const chosen = enabled.includes(transport) ? transport : (enabled[0] ?? transport);

  return (
    <section className="upstream panel" aria-label="Send a message upstream" style={CONTAINED}>
      <h2>Send a message</h2>
      <p className="muted">
        WebSocket sends it as one frame on the open connection; the other transports send a separate HTTP POST. It comes
        back as a feed event on every transport; the round trip is timed on the one that sent it.
      </p>
      <form
        className="upstream-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() !== '') void store.sendUpstream(chosen, text);
        }}
      >
        <select
          value={chosen}
          onChange={(e) => setTransport(e.target.value as TransportName)}
          data-control="upstream-transport"
          aria-label="Transport to send on"
        >
          {TRANSPORTS.map((t) => (
            <option key={t} value={t} disabled={!enabled.includes(t)}>
              over {TRANSPORT_LOOK[t].label}
            </option>
          ))}
        </select>
        <input
          type="text"
          value={text}
          maxLength={1000}
          onChange={(e) => setText(e.target.value)}
          data-control="upstream-text"
          aria-label="Message"
        />
        <button type="submit" data-control="upstream-send" disabled={enabled.length === 0}>
          Send
        </button>
      </form>
      {upstream && (
        <p className="upstream-result" data-upstream-transport={upstream.transport}>
          {upstream.error ? (
            <span className="column-error">{upstream.error}</span>
          ) : upstream.roundTripMs === null ? (
            <>Sent over {TRANSPORT_LOOK[upstream.transport].label}, waiting for it to come back…</>
          ) : (
            <>
              Sent over {TRANSPORT_LOOK[upstream.transport].label}; back after{' '}
              <strong className="big-inline">
                <span data-upstream="round-trip">{fmt.ms(upstream.roundTripMs)}</span> ms
              </strong>
            </>
          )}
        </p>
      )}
      <RoundTripTable />
    </section>
  );
}

function RoundTripTable() {
  const rows = useLab((s) => TRANSPORTS.map((t) => s.transports[t].roundTrips.at(-1) ?? null).join(','));
  const values = rows.split(',');
  if (values.every((v) => v === '')) return null;
  return (
    <table className="round-trips">
      <tbody>
        {TRANSPORTS.map((t, i) => (
          <tr key={t}>
            <th scope="row">{TRANSPORT_LOOK[t].label}</th>
            <td>{values[i] ? `${fmt.ms(Number(values[i]))} ms` : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
