/**
 * Decodes Socket.IO's bytes layer by layer, independently of the lab's own
 * annotation: a WebSocket frame's header (frame-header.ts), then the
 * Engine.IO packet type, then the Socket.IO packet type, its binary
 * attachment count, namespace, ack id, event name and arguments (each as the
 * exact text it was on the wire); over HTTP long polling, a body's packets
 * split at their `\x1e` record separators (a `b` packet is base64 binary).
 */
import { decodeFrameHeader, type FrameHeader } from './frame-header.ts';

/** Engine.IO v4 packet types (the first character of every packet). */
const ENGINE_TYPES: Record<string, string> = {
  '0': 'open',
  '1': 'close',
  '2': 'ping',
  '3': 'pong',
  '4': 'message',
  '5': 'upgrade',
  '6': 'noop',
  b: 'binary message (base64)',
};

/** Socket.IO v5 packet types (the first character of an Engine.IO message's data). */
const SOCKET_IO_TYPES: Record<string, string> = {
  '0': 'CONNECT',
  '1': 'DISCONNECT',
  '2': 'EVENT',
  '3': 'ACK',
  '4': 'CONNECT_ERROR',
  '5': 'BINARY_EVENT',
  '6': 'BINARY_ACK',
};

/** Engine.IO's separator between packets in one polling body. */
export const RECORD_SEPARATOR = '\x1e';

export interface SocketIoPacket {
  type: string;
  typeName: string;
  /** BINARY_EVENT / BINARY_ACK: how many binary attachments follow (`51-…`); else null. */
  attachments: number | null;
  /** `/` when the packet names none. */
  namespace: string;
  ackId: number | null;
  /** An EVENT's name (its array's first element), null for other packets. */
  eventName: string | null;
  /** The array's elements after the name (or all of an ACK's), each exactly as its text was on the wire. */
  args: string[];
  /** Whatever followed the type and header when it is not an array (a CONNECT's `{"sid":…}`). */
  data: string | null;
}

export interface EnginePacket {
  type: string;
  typeName: string;
  /** The packet's bytes as UTF-8 (what the socket carried). */
  bytes: number;
  /** The packet's text after its type character. */
  data: string;
  /** Decoded when the packet is a text message: the Socket.IO packet inside. */
  socketIo: SocketIoPacket | null;
}

export interface WebSocketFrameDecode {
  header: FrameHeader;
  headerHex: string;
  /** A text frame's Engine.IO packet; null for a binary frame (a Socket.IO attachment travels as its raw bytes). */
  packet: EnginePacket | null;
  /** The frame's payload bytes (unmasked). */
  payloadBytes: number;
}

export interface PollingBodyDecode {
  packets: EnginePacket[];
  /** `\x1e` bytes between them: Engine.IO's framing of a batch. */
  separators: number;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** One Engine.IO packet from its text (over WebSocket: a text frame's payload; over polling: one record). */
export function decodeEnginePacket(packet: string): EnginePacket {
  const type = packet.slice(0, 1);
  const data = packet.slice(1);
  return {
    type,
    typeName: ENGINE_TYPES[type] ?? 'unknown',
    bytes: utf8.encode(packet).length,
    data,
    socketIo: type === '4' ? decodeSocketIoPacket(data) : null,
  };
}

/** A Socket.IO packet from an Engine.IO message's data: `<type>[<n>-][<nsp>,][<ack id>][payload]`. */
export function decodeSocketIoPacket(packet: string): SocketIoPacket | null {
  const type = packet.slice(0, 1);
  const typeName = SOCKET_IO_TYPES[type];
  if (typeName === undefined) return null;
  let i = 1;
  let attachments: number | null = null;
  if (type === '5' || type === '6') {
    const dash = packet.indexOf('-', i);
    if (dash < 0) return null;
    attachments = Number(packet.slice(i, dash));
    i = dash + 1;
  }
  let namespace = '/';
  if (packet[i] === '/') {
    const comma = packet.indexOf(',', i);
    namespace = comma < 0 ? packet.slice(i) : packet.slice(i, comma);
    i = comma < 0 ? packet.length : comma + 1;
  }
  const digits = /^\d+/.exec(packet.slice(i))?.[0] ?? '';
  const ackId = digits === '' ? null : Number(digits);
  i += digits.length;
  const rest = packet.slice(i);
  const elements = rest.startsWith('[') ? arrayElements(rest) : null;
  const isEvent = type === '2' || type === '5';
  let eventName: string | null = null;
  if (elements && isEvent && elements[0] !== undefined) {
    const name: unknown = JSON.parse(elements[0]);
    eventName = typeof name === 'string' ? name : null;
  }
  return {
    type,
    typeName,
    attachments,
    namespace,
    ackId,
    eventName,
    args: elements ? (isEvent ? elements.slice(1) : elements) : [],
    data: elements ? null : rest === '' ? null : rest,
  };
}

/** A server → client (or masked client → server) WebSocket frame, header and payload. Null when incomplete. */
export function decodeWebSocketFrame(frame: Uint8Array): WebSocketFrameDecode | null {
  const hex = Array.from(frame.subarray(0, 14), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const header = decodeFrameHeader(hex);
  if (!header || frame.length < header.headerBytes + header.payloadLength) return null;
  const headerHex = hex.split(' ').slice(0, header.headerBytes).join(' ');
  const payload = frame.slice(header.headerBytes, header.headerBytes + header.payloadLength);
  if (header.masked) {
    const mask = frame.subarray(header.headerBytes - 4, header.headerBytes);
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  }
  return {
    header,
    headerHex,
    packet: header.opcode === 1 ? decodeEnginePacket(text.decode(payload)) : null,
    payloadBytes: payload.length,
  };
}

/** A polling body (a GET's answer or a POST's body): Engine.IO packets joined by `\x1e`. */
export function decodePollingBody(body: Uint8Array | string): PollingBodyDecode {
  const records = (typeof body === 'string' ? body : text.decode(body)).split(RECORD_SEPARATOR);
  return { packets: records.map(decodeEnginePacket), separators: records.length - 1 };
}

/** The top-level elements of a JSON array, each as its exact text. Throws on text that is not one array. */
function arrayElements(json: string): string[] {
  const elements: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        if (i > start) elements.push(json.slice(start, i));
        if (i !== json.length - 1) throw new Error('text after the array');
        return elements;
      }
    } else if (c === ',' && depth === 1) {
      elements.push(json.slice(start, i));
      start = i + 1;
    }
  }
  throw new Error('unterminated array');
}
