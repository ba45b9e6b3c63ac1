/**
 * The wire inspector's Socket.IO decode: the last feed event as the page's
 * client received it, decoded layer by layer here (socket-io-packet-decode.ts)
 * — the WebSocket frame header, the Engine.IO packet type, the Socket.IO
 * packet type, namespace, event name and payload; over polling, the answer's
 * packets and their `\x1e` separators.
 */
import type { TransportName } from '../../../protocol/feed-event.ts';
import { useLab } from '../lab-context.ts';
import type { CapturedEvent } from '../socket-io-engine-watch.ts';
import {
  decodePollingBody,
  decodeWebSocketFrame,
  type EnginePacket,
  type PollingBodyDecode,
  type WebSocketFrameDecode,
} from '../socket-io-packet-decode.ts';
import './socket-io-packet-view.css';

/** Longer payloads are cut here for reading; their byte counts stay whole. */
const PREVIEW_CHARS = 160;

export function SocketIoPacketView({ transport }: { transport: TransportName }) {
  const captured = useLab((s) => s.transports[transport].engine?.lastEvent ?? null);
  return (
    <div className="sio-decode" data-inspect="socket-io-decode">
      <h3>Decoded in this page, layer by layer</h3>
      {captured ? <Decoded captured={captured} /> : <p className="muted">No feed event received yet.</p>}
    </div>
  );
}

function Decoded({ captured }: { captured: CapturedEvent }) {
  if (captured.over === 'websocket') {
    const frame = decodeWebSocketFrame(captured.bytes);
    return frame ? <FrameLayers frame={frame} /> : <p className="muted">An incomplete frame.</p>;
  }
  return <BatchLayers body={decodePollingBody(captured.bytes)} bytes={captured.bytes.length} />;
}

function FrameLayers({ frame }: { frame: WebSocketFrameDecode }) {
  const { header } = frame;
  return (
    <ol className="sio-layers" data-decode-over="websocket">
      <li data-layer="frame-header">
        <span className="layer-name">WebSocket frame header</span> <code>{frame.headerHex}</code> ({header.headerBytes}{' '}
        B): FIN={header.fin ? 1 : 0} · opcode={header.opcode} ({header.opcodeName}) · MASK={header.masked ? 1 : 0} ·
        length={header.payloadLength}
        <span className="muted"> — the header RFC 6455 gives this length; a browser does not show frame headers</span>
      </li>
      {frame.packet && <PacketLayers packet={frame.packet} />}
    </ol>
  );
}

function BatchLayers({ body, bytes }: { body: PollingBodyDecode; bytes: number }) {
  return (
    <>
      <p data-layer="batch">
        A polling answer's body, {bytes} B: {body.packets.length} Engine.IO{' '}
        {body.packets.length === 1 ? 'packet' : 'packets'} and <span data-decode="separators">{body.separators}</span>{' '}
        <code>\x1e</code> {body.separators === 1 ? 'separator' : 'separators'} (1 B each, framing).
      </p>
      {body.packets.map((packet, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: packets have no identity beyond their position
        <ol key={i} className="sio-layers" data-decode-over="polling">
          <PacketLayers packet={packet} />
        </ol>
      ))}
    </>
  );
}

function PacketLayers({ packet }: { packet: EnginePacket }) {
  const sio = packet.socketIo;
  return (
    <>
      <li data-layer="engine-io">
        <span className="layer-name">Engine.IO</span> type <code>{packet.type}</code> ({packet.typeName}),{' '}
        {packet.bytes} B
      </li>
      {sio && (
        <li data-layer="socket-io">
          <span className="layer-name">Socket.IO</span> type <code>{sio.type}</code> ({sio.typeName}) · namespace{' '}
          <code data-decode="namespace">{sio.namespace}</code>
          {sio.attachments !== null && <> · {sio.attachments} binary attachments</>}
          {sio.ackId !== null && <> · ack id {sio.ackId}</>}
          {sio.eventName !== null && (
            <>
              {' '}
              · event <code data-decode="event-name">{sio.eventName}</code>
            </>
          )}
        </li>
      )}
      {sio?.args.map((arg, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: arguments have no identity beyond their position
        <li key={i} data-layer={i === 0 && sio.eventName === 'feed' ? 'payload' : 'argument'}>
          <span className="layer-name">
            {sio.eventName === 'feed'
              ? i === 0
                ? 'the event itself (payload)'
                : 'recovery offset'
              : `argument ${i + 1}`}
          </span>{' '}
          ({new TextEncoder().encode(arg).length} B) <code className="sio-text">{preview(arg)}</code>
          {i === 1 && sio.eventName === 'feed' && (
            <span className="muted"> — connection state recovery's (framing)</span>
          )}
        </li>
      ))}
      {sio?.data && (
        <li data-layer="argument">
          <span className="layer-name">data</span> <code className="sio-text">{preview(sio.data)}</code>
        </li>
      )}
    </>
  );
}

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
