/**
 * Theory beside measurement for HPACK: what the same header block would cost
 * if it were sent again at once on the same connection. Every field now in
 * the static table or the dynamic table (as it stands after the block) is one
 * indexed reference: 1 byte for index 1–126, 2 bytes for 127–254 (a 7-bit
 * prefix integer, RFC 7541 §5.1, §6.1). A field sent "without indexing" or
 * "never indexed" is not in any table and would be sent as it was.
 */
import type { HpackRepresentation, HpackTableState } from './hpack-decode.ts';
import { hpackIntegerBytes } from './hpack-decode.ts';
import { HPACK_STATIC_TABLE } from './hpack-static-table.ts';

export interface HpackRepeatPrediction {
  /** Bytes the whole block would take sent again unchanged. */
  bytes: number;
  /** Per representation (size updates: 0, they are not repeated), bytes. */
  perField: number[];
}

export function predictRepeatedBlock(
  representations: readonly HpackRepresentation[],
  tableAfter: HpackTableState,
): HpackRepeatPrediction {
  const perField = representations.map((field) => {
    if (field.kind === 'size-update') return 0;
    if (field.kind === 'literal' && field.indexing !== 'incremental') return field.bytes;
    const value = field.kind === 'indexed' ? field.value : field.value.text;
    const index = fullMatchIndex(field.name, value, tableAfter);
    return index === null ? field.bytes : hpackIntegerBytes(index, 7);
  });
  return { bytes: perField.reduce((sum, n) => sum + n, 0), perField };
}

/** The lowest index whose entry has this name and value, static table first; null when none has. */
function fullMatchIndex(name: string, value: string, table: HpackTableState): number | null {
  const inStatic = HPACK_STATIC_TABLE.findIndex((entry) => entry.name === name && entry.value === value);
  if (inStatic >= 0) return inStatic + 1;
  const inDynamic = table.entries.findIndex((entry) => entry.name === name && entry.value === value);
  return inDynamic >= 0 ? HPACK_STATIC_TABLE.length + 1 + inDynamic : null;
}
