/**
 * Socket.IO's own parser (socket.io-parser 4.2, protocol v5), with one
 * addition: an event argument that is already JSON (`PreSerializedJson`, a
 * feed event's stored bytes) is written as those bytes. socket.io would
 * otherwise need the event as an object — a `JSON.parse` of bytes the lab
 * already has, then a `JSON.stringify` per encode, and a backlog is encoded
 * once per socket — and the payload would no longer be the exact bytes every
 * other transport carries. The text on the wire is what the stock encoder
 * writes for the parsed object, so any Socket.IO client reads it as usual.
 */
import { Decoder, Encoder, type Packet, PacketType, protocol } from 'socket.io-parser';

/** A JSON value already serialized (a feed event's `json`): the encoder writes these bytes as they are. */
export class PreSerializedJson {
  constructor(readonly json: string) {}
}

class PreSerializingEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    if (packet.type !== PacketType.EVENT || !Array.isArray(data) || !data.some(isPreSerialized)) {
      return super.encode(packet);
    }
    // As encodeAsString: type, the namespace and a comma (unless `/`), the ack id, then the JSON array.
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += packet.id;
    text += `[${data.map((item) => (isPreSerialized(item) ? item.json : JSON.stringify(item))).join(',')}]`;
    return [text];
  }
}

function isPreSerialized(value: unknown): value is PreSerializedJson {
  return value instanceof PreSerializedJson;
}

/** For `new Server({ parser })`: the stock decoder, and the encoder above. */
export const preSerializingParser = { protocol, PacketType, Encoder: PreSerializingEncoder, Decoder };
