/**
 * The meter's HPACK follower (server/meter/hpack-tracker.ts) never throws and
 * never grows without bound: a block that does not decode stops the decoding
 * on that connection with the reason, and a flood of header fragments that
 * never end is dropped past its cap. Good blocks carry the table they were
 * encoded against.
 */
import { describe, expect, it } from 'vitest';
import { HPACK_BLOCK_MAX_BYTES, HpackTracker } from '../server/meter/hpack-tracker.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('the HPACK tracker of one direction', () => {
  it('hands each block out with the table before it, across streams', () => {
    const tracker = new HpackTracker();
    tracker.fragment(1, hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'));
    const first = tracker.blockEnded(1);
    expect(first.tableBefore?.entries).toEqual([]);
    // A block split across two fragments (HEADERS + CONTINUATION) on stream 3.
    tracker.fragment(3, hex('8286'));
    tracker.fragment(3, hex('84be 5808 6e6f 2d63 6163 6865'));
    const second = tracker.blockEnded(3);
    expect(second.block.toString('hex')).toBe('828684be58086e6f2d6361636865');
    expect(second.tableBefore?.entries).toEqual([{ name: ':authority', value: 'www.example.com' }]);
    expect(second.decodeError).toBeNull();
  });

  it('a block that does not decode: its reason, and later blocks kept undecoded, nothing thrown', () => {
    const tracker = new HpackTracker();
    tracker.fragment(1, hex('be'));
    const bad = tracker.blockEnded(1);
    expect(bad.tableBefore).toBeNull();
    expect(bad.decodeError).toMatch(/stream 1 did not decode: index 62 is in neither table/);
    tracker.fragment(3, hex('82'));
    const later = tracker.blockEnded(3);
    expect(later.tableBefore).toBeNull();
    expect(later.block.toString('hex')).toBe('82');
    expect(later.decodeError).toBe(bad.decodeError);
  });

  it('fragments that never end are dropped past the cap', () => {
    const tracker = new HpackTracker();
    const chunk = Buffer.alloc(16 * 1024, 0x82);
    for (let i = 0; i < (HPACK_BLOCK_MAX_BYTES / chunk.length) * 4; i++) tracker.fragment(1, chunk);
    const ended = tracker.blockEnded(1);
    expect(ended.block.length).toBe(0);
    expect(ended.decodeError).toMatch(/more than 65536 B were pending/);
  });
});
