/**
 * A pure HPACK decoder (RFC 7541) that says how each header field was sent,
 * byte for byte, so the wire inspector can show why a repeated request head
 * costs a few dozen bytes. It decodes one header block against a dynamic
 * table given as it stood before the block (`HpackTableState`) and returns
 * the table after it, so a caller that feeds it every block of a connection
 * in order (the server's meter) keeps the connection's state, and a caller
 * given one block and its table (the page) needs no state at all.
 */

import { huffmanDecode } from './hpack-huffman.ts';
import { HPACK_STATIC_TABLE, type HpackEntry, hpackEntrySize } from './hpack-static-table.ts';

/** A dynamic table: its entries, newest first (index 62 is `entries[0]`), and its current maximum size in bytes. */
export interface HpackTableState {
  entries: readonly HpackEntry[];
  /** The encoder's current limit (RFC 7541 §4.2), bytes; 4096 until a size update changes it. */
  maxSize: number;
}

/** RFC 7541 §6.5.2 / RFC 9113 §6.5.2: the table size both ends start with, bytes. */
export const HPACK_DEFAULT_TABLE_SIZE = 4096;

export function emptyHpackTable(maxSize = HPACK_DEFAULT_TABLE_SIZE): HpackTableState {
  return { entries: [], maxSize };
}

/** A string literal as sent: its text, and whether and how much Huffman coding saved. */
export interface HpackString {
  text: string;
  huffman: boolean;
  /** Bytes of the string on the wire (without its length prefix). */
  encodedBytes: number;
  /** Bytes of the decoded text. */
  decodedBytes: number;
}

interface FieldBase {
  /** Where the representation starts in the block, and how many bytes it takes. */
  offset: number;
  bytes: number;
}

/** An indexed header field (§6.1): one index into the static (1–61) or dynamic (62–) table. */
export interface HpackIndexedField extends FieldBase {
  kind: 'indexed';
  index: number;
  table: 'static' | 'dynamic';
  name: string;
  value: string;
}

/** A literal header field (§6.2): its value sent as a string, its name by index or as a string. */
export interface HpackLiteralField extends FieldBase {
  kind: 'literal';
  /** `incremental` adds the field to the dynamic table; `without` does not; `never` must not be indexed by any hop. */
  indexing: 'incremental' | 'without' | 'never';
  /** The name's index (static or dynamic), or null when the name came as a string. */
  nameIndex: number | null;
  nameTable: 'static' | 'dynamic' | null;
  name: string;
  /** The name as a string literal, when it was one. */
  nameLiteral: HpackString | null;
  value: HpackString;
}

/** A dynamic table size update (§6.3). */
export interface HpackSizeUpdate extends FieldBase {
  kind: 'size-update';
  maxSize: number;
}

export type HpackRepresentation = HpackIndexedField | HpackLiteralField | HpackSizeUpdate;

export interface HpackDecoded {
  representations: HpackRepresentation[];
  /** The dynamic table after the block. */
  table: HpackTableState;
}

export class HpackDecodeError extends Error {}

/** Decodes one whole header block (a HEADERS frame's fragment and its CONTINUATIONs, joined). */
export function decodeHeaderBlock(block: Uint8Array, before: HpackTableState): HpackDecoded {
  const reader = new BlockReader(block);
  let entries = [...before.entries];
  let maxSize = before.maxSize;
  const representations: HpackRepresentation[] = [];
  const entryAt = (index: number): { entry: HpackEntry; table: 'static' | 'dynamic' } => {
    if (index >= 1 && index <= HPACK_STATIC_TABLE.length) {
      return { entry: HPACK_STATIC_TABLE[index - 1] as HpackEntry, table: 'static' };
    }
    const entry = entries[index - HPACK_STATIC_TABLE.length - 1];
    if (!entry) throw new HpackDecodeError(`index ${index} is in neither table (dynamic entries: ${entries.length})`);
    return { entry, table: 'dynamic' };
  };
  const insert = (entry: HpackEntry): void => {
    entries.unshift(entry);
    entries = evict(entries, maxSize);
  };
  while (!reader.done) {
    const offset = reader.at;
    const first = reader.peek();
    if (first & 0x80) {
      const index = reader.integer(7);
      if (index === 0) throw new HpackDecodeError('indexed field with index 0');
      const { entry, table } = entryAt(index);
      representations.push({ kind: 'indexed', offset, bytes: reader.at - offset, index, table, ...entry });
      continue;
    }
    if ((first & 0xe0) === 0x20) {
      maxSize = reader.integer(5);
      entries = evict(entries, maxSize);
      representations.push({ kind: 'size-update', offset, bytes: reader.at - offset, maxSize });
      continue;
    }
    const incremental = (first & 0xc0) === 0x40;
    const indexing = incremental ? 'incremental' : first & 0x10 ? 'never' : 'without';
    const nameIndex = reader.integer(incremental ? 6 : 4);
    let name: string;
    let nameLiteral: HpackString | null = null;
    let nameTable: 'static' | 'dynamic' | null = null;
    if (nameIndex === 0) {
      nameLiteral = reader.string();
      name = nameLiteral.text;
    } else {
      const found = entryAt(nameIndex);
      name = found.entry.name;
      nameTable = found.table;
    }
    const value = reader.string();
    representations.push({
      kind: 'literal',
      offset,
      bytes: reader.at - offset,
      indexing,
      nameIndex: nameIndex === 0 ? null : nameIndex,
      nameTable,
      name,
      nameLiteral,
      value,
    });
    if (incremental) insert({ name, value: value.text });
  }
  return { representations, table: { entries, maxSize } };
}

/** The table's size in bytes (§4.1). */
export function hpackTableBytes(entries: readonly HpackEntry[]): number {
  return entries.reduce((sum, entry) => sum + hpackEntrySize(entry), 0);
}

/** Oldest entries leave until the table fits (§4.4). */
function evict(entries: HpackEntry[], maxSize: number): HpackEntry[] {
  let size = hpackTableBytes(entries);
  while (size > maxSize && entries.length > 0) size -= hpackEntrySize(entries.pop() as HpackEntry);
  return entries;
}

/** Bytes an HPACK integer takes with an N-bit prefix (§5.1). */
export function hpackIntegerBytes(value: number, prefixBits: number): number {
  const max = 2 ** prefixBits - 1;
  if (value < max) return 1;
  let rest = value - max;
  let bytes = 2;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    bytes += 1;
  }
  return bytes;
}

function huffmanDecodeOrFail(raw: Uint8Array): string {
  try {
    return huffmanDecode(raw);
  } catch (error) {
    throw new HpackDecodeError((error as Error).message);
  }
}

class BlockReader {
  at = 0;
  constructor(private readonly block: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.block.length;
  }

  peek(): number {
    return this.block[this.at] ?? 0;
  }

  /** §5.1: an integer with an N-bit prefix. */
  integer(prefixBits: number): number {
    const max = 2 ** prefixBits - 1;
    let value = this.byte() & max;
    if (value < max) return value;
    let factor = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * factor;
      factor *= 128;
      if (!(byte & 0x80)) return value;
      if (factor > 2 ** 28) throw new HpackDecodeError('an integer longer than 4 continuation bytes');
    }
  }

  /** §5.2: a string literal, Huffman-coded when its first bit is set. */
  string(): HpackString {
    const huffman = (this.peek() & 0x80) !== 0;
    const length = this.integer(7);
    if (this.at + length > this.block.length) {
      throw new HpackDecodeError(`a string of ${length} bytes with ${this.block.length - this.at} left in the block`);
    }
    const raw = this.block.subarray(this.at, this.at + length);
    this.at += length;
    let text = '';
    if (huffman) text = huffmanDecodeOrFail(raw);
    else for (const byte of raw) text += String.fromCharCode(byte);
    return { text, huffman, encodedBytes: length, decodedBytes: text.length };
  }

  private byte(): number {
    const byte = this.block[this.at];
    if (byte === undefined) throw new HpackDecodeError('the block ends inside a representation');
    this.at += 1;
    return byte;
  }
}
