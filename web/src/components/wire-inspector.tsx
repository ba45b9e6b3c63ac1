/**
 * The real bytes of each transport's last exchange as the server saw them
 * (`GET /api/inspect`): request head, response head, and one event cut into
 * its parts, coloured by kind with their byte counts.
 */

import { useRef, useState } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import { transportRecord } from '../../../protocol/transport-records.ts';
import type { WirePart, WireSample } from '../../../protocol/wire-sample.ts';
import { decodeFrameHeader } from '../frame-header.ts';
import { useLab } from '../lab-context.ts';
import { BYTE_LOOK, SHOWN_FIRST, TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { tabAfterKey } from '../tab-keys.ts';
import { WEB_TRANSPORTS } from '../transports/web-transport-registry.ts';
import { CONTAINED } from './contained.ts';
import { HpackFields } from './hpack-fields.tsx';
import { SocketIoPacketView } from './socket-io-packet-view.tsx';
import './wire-inspector.css';

const encoder = new TextEncoder();

export function WireInspector() {
  const inspect = useLab((s) => s.inspect);
  const [chosen, setChosen] = useState<TransportName>(SHOWN_FIRST);
  const sample = inspect.data?.transports[chosen] ?? null;
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);

  return (
    <section className="inspector panel" aria-label="Wire inspector" style={CONTAINED}>
      <h2>Wire inspector</h2>
      <p className="muted">The bytes of this page's last exchange, exactly as the lab saw them on the socket.</p>
      <div className="tabs" role="tablist" aria-label="Transport to inspect">
        {TRANSPORTS.map((t, i) => (
          <button
            key={t}
            ref={(button) => {
              tabs.current[i] = button;
            }}
            type="button"
            role="tab"
            id={`inspect-tab-${t}`}
            aria-selected={t === chosen}
            aria-controls="inspect-panel"
            tabIndex={t === chosen ? 0 : -1}
            data-inspect-tab={t}
            className={t === chosen ? 'tab tab-active' : 'tab'}
            style={{ borderColor: TRANSPORT_LOOK[t].colour }}
            onClick={() => setChosen(t)}
            onKeyDown={(e) => {
              const next = tabAfterKey(e.key, i, TRANSPORTS.length);
              const transport = next === null ? undefined : TRANSPORTS[next];
              if (next === null || !transport) return;
              e.preventDefault();
              setChosen(transport);
              tabs.current[next]?.focus();
            }}
          >
            {TRANSPORT_LOOK[t].short}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="inspect-panel" aria-labelledby={`inspect-tab-${chosen}`}>
        {inspect.supported === false && <p className="muted">This lab does not offer GET /api/inspect yet.</p>}
        {inspect.error && <p className="column-error">{inspect.error}</p>}
        {inspect.supported && !sample && <p className="muted">No exchange on this transport yet.</p>}
        {sample && <SampleView transport={chosen} sample={sample} />}
        {WEB_TRANSPORTS[chosen].reportsEngineTransport && <SocketIoPacketView transport={chosen} />}
      </div>
    </section>
  );
}

function SampleView({ transport, sample }: { transport: TransportName; sample: WireSample }) {
  return (
    <div className="sample" data-inspect-transport={transport}>
      <Head title={WEB_TRANSPORTS[transport].heads.request} text={sample.requestHead} direction="browser → lab" />
      <Head title={WEB_TRANSPORTS[transport].heads.response} text={sample.responseHead} direction="lab → browser" />
      <h3>One event on the wire</h3>
      {sample.event ? (
        <EventParts transport={transport} sample={sample} parts={sample.event} />
      ) : (
        <p className="muted">No event sent yet.</p>
      )}
      <p className="muted">{headerCostNote(transport, sample)}</p>
      {sample.h2 && <HpackFields stream={sample.h2} />}
    </div>
  );
}

function Head({ title, text, direction }: { title: string; text: string; direction: string }) {
  return (
    <details className="head" open>
      <summary>
        <span className="byte-chip byte-header" style={{ background: BYTE_LOOK.header.colour }} /> {title}{' '}
        <span className="muted">
          ({direction}, {encoder.encode(text).length} B of headers)
        </span>
      </summary>
      <pre>
        <Visible text={text} />
      </pre>
    </details>
  );
}

function EventParts({ transport, sample, parts }: { transport: TransportName; sample: WireSample; parts: WirePart[] }) {
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  const payload = parts.filter((p) => p.kind === 'payload').reduce((s, p) => s + p.bytes, 0);
  let frameHeaderMarked = false;
  return (
    <div>
      <div className="part-strip" role="img" aria-label={`${total} bytes`}>
        {parts.map((part, i) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity beyond their position
            key={i}
            className={`part-seg byte-${part.kind}`}
            style={{ flexGrow: Math.max(1, part.bytes), background: BYTE_LOOK[part.kind].colour }}
            title={`${part.label}: ${part.bytes} B`}
          />
        ))}
      </div>
      <ol className="parts">
        {parts.map((part, i) => {
          const isFrameHeader = WEB_TRANSPORTS[transport].framed && !frameHeaderMarked && part.hex !== undefined;
          if (isFrameHeader) frameHeaderMarked = true;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity beyond their position
            <li key={i} className={`part part-${part.kind}`} data-part={part.kind}>
              <span className="part-kind" style={{ background: BYTE_LOOK[part.kind].colour }}>
                {part.kind}
              </span>
              <span className="part-bytes" data-part-bytes={part.bytes}>
                {part.bytes} B
              </span>
              <span className="part-label">{part.label}</span>
              {part.hex !== undefined && (
                <code className="hex" {...(isFrameHeader ? { 'data-inspect': 'frame-header' } : {})}>
                  {part.hex}
                </code>
              )}
              {part.text !== undefined && (
                <code className="part-text">
                  <Visible text={part.text} />
                </code>
              )}
              {isFrameHeader && part.hex !== undefined && <FrameBits hex={part.hex} />}
            </li>
          );
        })}
      </ol>
      <p className="muted" data-inspect="per-event">
        {sample.eventsCarried > 1 ? (
          <PerEventOfAnswer sample={sample} body={total} payload={payload} />
        ) : (
          `${total} B on the wire for this event; ${payload} B of them are the event itself.`
        )}
      </p>
    </div>
  );
}

/**
 * A poll answer carries several events: its bytes per event as the column
 * counts them — the answer's request and response heads and its body, over
 * the events it carried — with the whole answer beside it.
 */
function PerEventOfAnswer({ sample, body, payload }: { sample: WireSample; body: number; payload: number }) {
  const heads = encoder.encode(sample.requestHead).length + encoder.encode(sample.responseHead).length;
  const n = sample.eventsCarried;
  return (
    <>
      This answer carried {n} events: {body} B of body ({payload} B of them the events themselves) and {heads} B of
      request and response headers, {body + heads} B in all —{' '}
      <strong>{Math.round((body + heads) / n)} B per event</strong>, of which {Math.round(payload / n)} B is the event
      itself (the column's bytes per event, for this answer alone).
    </>
  );
}

/** Where the headers' cost falls: once per connection, or again on every answer. */
function headerCostNote(transport: TransportName, sample: WireSample): string {
  const headers = encoder.encode(sample.requestHead).length + encoder.encode(sample.responseHead).length;
  if (transportRecord(transport).streaming) {
    return `The ${headers} B of headers were paid once, when the connection opened; each further event costs only its own bytes and framing.`;
  }
  return `Every answer pays its headers again: ${headers} B of request and response headers, shared by the events of that one answer.`;
}

/** FIN, opcode, MASK and length decoded here from the hex, independently of the server's label. */
function FrameBits({ hex }: { hex: string }) {
  const header = decodeFrameHeader(hex);
  if (!header) return null;
  return (
    <span className="frame-bits">
      FIN={header.fin ? 1 : 0} · opcode={header.opcode} ({header.opcodeName}) · MASK={header.masked ? 1 : 0} · length=
      {header.payloadLength}
      {header.lengthField >= 126
        ? ` (7-bit field ${header.lengthField}: length in the next ${header.lengthField === 126 ? 2 : 8} bytes)`
        : ''}
    </span>
  );
}

/** Shows each CR and LF as a dimmed \r or \n (a line still breaks after \n), so every byte can be counted. */
function Visible({ text }: { text: string }) {
  const pieces = text.split(/(\r|\n)/);
  return (
    <>
      {pieces.map((piece, i) =>
        piece === '\r' || piece === '\n' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces of a fixed text
          <span key={i} className="eol">
            {piece === '\r' ? '\\r' : '\\n'}
            {piece === '\n' ? '\n' : ''}
          </span>
        ) : (
          piece
        ),
      )}
    </>
  );
}
