/**
 * Decodes a WebSocket frame header from its hex bytes (as the inspector shows
 * them), independently of the server's own annotation, so the page can spell
 * out FIN, opcode, MASK and the payload length bit by bit.
 */

export interface FrameHeader {
  fin: boolean;
  opcode: number;
  opcodeName: string;
  masked: boolean;
  /** The 7-bit length field: the length itself, or 126 / 127 meaning "read 2 / 8 more bytes". */
  lengthField: number;
  payloadLength: number;
  headerBytes: number;
}

const OPCODES: Record<number, string> = {
  0: 'continuation',
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

/** `81 64` → FIN=1, text, unmasked, 100 bytes. Null when the hex is not a complete header. */
export function decodeFrameHeader(hex: string): FrameHeader | null {
  const bytes = hex
    .trim()
    .split(/\s+/)
    .filter((part) => part !== '')
    .map((part) => Number.parseInt(part, 16));
  if (bytes.length < 2 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return null;
  const [b0 = 0, b1 = 0] = bytes;
  const masked = (b1 & 0x80) !== 0;
  const lengthField = b1 & 0x7f;
  let offset = 2;
  let payloadLength = lengthField;
  if (lengthField === 126) {
    if (bytes.length < 4) return null;
    payloadLength = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    offset = 4;
  } else if (lengthField === 127) {
    if (bytes.length < 10) return null;
    payloadLength = 0;
    for (let i = 2; i < 10; i++) payloadLength = payloadLength * 256 + (bytes[i] ?? 0);
    offset = 10;
  }
  const opcode = b0 & 0x0f;
  return {
    fin: (b0 & 0x80) !== 0,
    opcode,
    opcodeName: OPCODES[opcode] ?? 'reserved',
    masked,
    lengthField,
    payloadLength,
    headerBytes: offset + (masked ? 4 : 0),
  };
}
