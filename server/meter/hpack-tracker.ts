/**
 * Follows one direction's HPACK dynamic table on an HTTP/2 connection. A
 * dynamic index points at an entry any earlier block on the connection may
 * have inserted (another transport's request, the page load), so only the
 * connection's whole history can decode it: the lab decodes every header
 * block as it passes, in order, with the pure decoder, and hands each block
 * out with the table it was encoded against. The states are immutable, so
 * handing one out costs a reference; each is bounded by the table size the
 * decoding side allows (Node's 4,096 B by default).
 */
import {
  decodeHeaderBlock,
  emptyHpackTable,
  HpackDecodeError,
  type HpackTableState,
} from '../../protocol/hpack-decode.ts';

export interface DecodedBlock {
  block: Buffer;
  tableBefore: HpackTableState | null;
  decodeError: string | null;
}

/**
 * A header block longer than this is not collected, bytes: far above the lab's 16 KiB head limit, so
 * only a flood of CONTINUATION frames (which Node cuts off itself) reaches it, and it cannot grow the lab.
 */
export const HPACK_BLOCK_MAX_BYTES = 64 * 1024;

export class HpackTracker {
  private table: HpackTableState = emptyHpackTable();
  private pendingBytes = 0;
  /** Fragments past the cap arrived: none are collected any more. */
  private overflowed = false;
  /** Why the table is no longer known (a block that did not decode): later blocks are kept undecoded. */
  private lost: string | null = null;
  private readonly pending = new Map<number, Buffer[]>();

  /** A header block fragment's bytes, as they pass. */
  fragment(streamId: number, bytes: Uint8Array): void {
    if (this.overflowed) return;
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > HPACK_BLOCK_MAX_BYTES) {
      this.overflowed = true;
      this.lost = `header blocks of more than ${HPACK_BLOCK_MAX_BYTES} B were pending on this connection`;
      this.pending.clear();
      return;
    }
    const parts = this.pending.get(streamId) ?? [];
    parts.push(Buffer.from(bytes));
    this.pending.set(streamId, parts);
  }

  /** A HEADERS or CONTINUATION frame with END_HEADERS has passed: its block is whole. */
  blockEnded(streamId: number): DecodedBlock {
    const block = Buffer.concat(this.pending.get(streamId) ?? []);
    this.pending.delete(streamId);
    this.pendingBytes -= block.length;
    if (this.lost !== null) return { block, tableBefore: null, decodeError: this.lost };
    const tableBefore = this.table;
    try {
      this.table = decodeHeaderBlock(block, tableBefore).table;
      return { block, tableBefore, decodeError: null };
    } catch (error) {
      if (!(error instanceof HpackDecodeError)) throw error;
      // Node answers such a block with a COMPRESSION_ERROR and ends the connection; nothing here may throw.
      this.lost = `a header block on stream ${streamId} did not decode: ${error.message}`;
      return { block, tableBefore: null, decodeError: this.lost };
    }
  }
}
